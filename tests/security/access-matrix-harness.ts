import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Detection } from '../../src/vision/detect/types.ts';
import { startFullTestService } from '../helpers/test-service.ts';
import { permitBody } from '../helpers/permit-body.ts';

/**
 * Enterprise A's objects for access-matrix.test.ts, created through the API (and one violation through
 * the real tracker → rules pipeline), every text of them carrying MARK so that no answer to another
 * tenant may hold it; and A's ids put into a route's path parameters.
 */
export type FullTestService = Awaited<ReturnType<typeof startFullTestService>>;
let t: FullTestService;
export const MARK = `MARK${randomBytes(4).toString('hex')}`; // in every text of A's objects
/** A's objects, filled by seedEnterpriseA */
export const ids = {
  permit: '',
  permitNumber: '',
  hazard: 0,
  photo: 0,
  violation: 0,
  evidence: 0,
  inspection: 0,
};
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64)]);

/** A request as `user` (null: no session), answered whatever its status. */
export const req = async (user: string | null, method: string, url: string, payload?: unknown) =>
  t.app.inject({
    method: method as 'GET',
    url,
    headers: user ? { authorization: await t.login(user) } : {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

/** The full service with A's permit, hazard and photo, 执法检查, machine, record and violation with evidence. */
export async function seedEnterpriseA(): Promise<FullTestService> {
  t = await startFullTestService({
    extra: {
      evidence: { clips: false },
      sites: [
        {
          id: 'site-a',
          name: `甲 ${MARK}`,
          enterpriseId: 'ent-a',
          cameras: [{ id: 'cam-a1', name: `炼钢 ${MARK}`, url: 'rtsp://127.0.0.1:1/a1' }],
        },
        { id: 'site-b', name: '乙', enterpriseId: 'ent-b', cameras: [] },
      ],
    },
  });
  const now = Date.now();
  const p = await req(
    'safety-a',
    'POST',
    '/api/permits',
    permitBody(now, {
      location: `平台 ${MARK}`,
      description: MARK,
      cameraIds: ['cam-a1'],
      measures: [`措施 ${MARK}`],
    }),
  );
  expect(p.statusCode, p.body).toBe(201);
  ids.permit = p.json().id;
  ids.permitNumber = p.json().number;
  const h = await req('safety-a', 'POST', '/api/hazards', {
    enterpriseId: 'ent-a',
    source: 'inspection',
    stage: 'self_check',
    checker: MARK,
    description: `护栏 ${MARK}`,
    hazardType: MARK,
    photos: [PNG.toString('base64')],
  });
  expect(h.statusCode, h.body).toBe(201);
  ids.hazard = h.json().id;
  ids.photo = h.json().photos[0].id;
  // a 执法检查 of A by A's regulator, with a finding (a hazard of A)
  const insp = await req('regulator-z', 'POST', '/api/inspections', {
    enterpriseId: 'ent-a',
    inspectors: [MARK],
    inspectedAt: new Date(now - 60_000).toISOString(),
    stage: 'county_check',
    checkingUnit: `应急管理局 ${MARK}`,
    penaltyText: MARK,
    penaltyWanYuan: 1,
    findings: [{ description: `发现 ${MARK}`, hazardType: MARK }],
  });
  expect(insp.statusCode, insp.body).toBe(201);
  ids.inspection = insp.json().id;
  const m = await req('admin-a', 'POST', '/api/machines', {
    id: 'M1',
    name: `焊机 ${MARK}`,
    siteId: 'site-a',
    lat: 35.49,
    lon: 112.85,
  });
  expect(m.statusCode, m.body).toBe(201);
  const rec = await req('admin-a', 'PATCH', '/api/enterprises/ent-a/record', {
    address: `厂址 ${MARK}`,
    confinedSpaces: [{ name: `除尘器 ${MARK}`, location: MARK, medium: '煤气', hazards: [MARK] }],
  });
  expect(rec.statusCode, rec.body).toBe(200);
  // a real violation: scripted detections through the live tracker → rules → evidence path
  const pipeline = t.service.services.supervision.pipeline!;
  const person: Detection = { label: 'person', score: 0.9, box: [100, 40, 140, 170] };
  const t0 = Date.now();
  for (let i = 0; i < 12; i++) {
    const head: Detection = { label: i < 2 ? 'helmet' : 'head', score: 0.8, box: [108, 40, 132, 62] };
    const ts = t0 + i * 500;
    pipeline.process({
      cameraId: 'cam-a1',
      frameTs: ts,
      detections: [person, head],
      frame: {
        cameraId: 'cam-a1',
        ts,
        seq: i,
        width: 320,
        height: 180,
        data: Buffer.alloc(320 * 180 * 3, 80),
      },
    });
  }
  await pipeline.idle();
  const v = await req('safety-a', 'GET', '/api/violations');
  const items = v.json().items as { id: number }[];
  expect(items.length).toBeGreaterThan(0);
  ids.violation = items[0]!.id;
  const detail = await req('safety-a', 'GET', `/api/violations/${ids.violation}`);
  ids.evidence = detail.json().evidence[0].id;
  return t;
}

/** A's ids for each path parameter, by the route's prefix. */
export function fill(url: string): string {
  const byPrefix: [RegExp, string][] = [
    [/^\/api\/(permits|ui\/work-card)\//, ids.permit],
    [/^\/api\/hazards\//, String(ids.hazard)],
    [/^\/api\/inspections\//, String(ids.inspection)],
    [/^\/api\/violations\//, String(ids.violation)],
    [/^\/api\/evidence\//, String(ids.evidence)],
    [/^\/api\/machines\//, 'M1'],
    [/^\/api\/cameras\//, 'cam-a1'],
    [/^\/api\/enterprises\//, 'ent-a'],
    [/^\/api\/approvers\//, 'approver-a'],
    [/^\/api\/locks\//, 'L-none'],
    [/^\/api\/certificates\//, '1'],
  ];
  const first = byPrefix.find(([re]) => re.test(url))?.[1] ?? 'x';
  return url
    .replace(/\{photoId\}/, String(ids.photo))
    .replace(/\{index\}/, '0')
    .replace(/\{[^}]+\}/, encodeURIComponent(first))
    .replace(/\{[^}]+\}/g, 'x');
}
