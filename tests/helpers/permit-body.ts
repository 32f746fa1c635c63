/** Per hour, in ms. */
const HOUR = 3_600_000;

/**
 * A `POST /api/permits` body: 二级动火 (hot_work, level2) at site-a on the 检修平台, welder-a under
 * guardian-a, watched by cam-weld, valid from `now` for `validForMs` (an hour). `over` changes or adds
 * any field; a kind other than hot work gets no level unless `over` names one, and a field set to
 * undefined is left out (as JSON leaves it out).
 */
export function permitBody(
  now: number,
  over: Record<string, unknown> = {},
  validForMs = HOUR,
): Record<string, unknown> {
  const kind = over.kind ?? 'hot_work';
  const body: Record<string, unknown> = {
    siteId: 'site-a',
    kind,
    ...(kind === 'hot_work' ? { level: 'level2' } : {}),
    location: '检修平台',
    validFrom: new Date(now).toISOString(),
    validTo: new Date(now + validForMs).toISOString(),
    workers: ['welder-a'],
    guardian: 'guardian-a',
    cameraIds: ['cam-weld'],
    ...over,
  };
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return body;
}
