import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startPermitsHarness, type PermitsHarness } from './permits-harness.ts';
import { permitBody } from '../helpers/permit-body.ts';

/*
 * Every kind added for issue #21 (GB 30871-2022 §7–§12 and 煤气作业, GB 6222-2005) driven through the
 * real API on SQLite: create → submit → approve → gas → start, checking each kind's own validity,
 * approval authority and gas rule; then 交叉作业 (动火 inside a 受限空间) through links.
 */

const MIN = 60_000;
const H = 60 * MIN;
let h: PermitsHarness;

interface KindSummary {
  id: string;
  name: { zh: string; en: string };
  levels: { id: string; name: { zh: string }; authority: string; maxValidityHours: number }[];
  ungraded: { authority: string; maxValidityHours: number } | null;
  measuresChecklist: { zh: string; en: string }[];
}
let kinds: KindSummary[] = [];

beforeAll(async () => {
  h = await startPermitsHarness();
  h.health('cam-weld', 'online');
  h.health('cam-tank', 'online');
  kinds = (await call(h, 'welder-a', 'GET', '/api/permit-kinds')).body as unknown as KindSummary[];
});
afterAll(async () => h?.close());

const create = (kind: string, level: string | null, windowMs: number, extra: Record<string, unknown> = {}) =>
  call(
    h,
    'safety-a',
    'POST',
    '/api/permits',
    permitBody(
      h.clock.now(),
      { kind, level: level ?? undefined, location: '一号高炉区域', ...extra },
      windowMs,
    ),
  );
const authority = (a: string) =>
  call(h, 'admin-a', 'PUT', '/api/approvers/approver-a/authority', { authority: a });
const post = (user: string, id: string, action: string, body?: unknown) =>
  call(h, user, 'POST', `/api/permits/${id}/${action}`, body);
/** A sample a minute after the last one (the clock stands still otherwise, and the latest must be clear). */
const gas = (id: string, r: Record<string, number>) => {
  h.clock.advance(MIN);
  return post('guardian-a', id, 'gas-tests', { analyst: 'guardian-a', combustiblePct: 0.1, ...r });
};
const LOWER: Record<string, string> = { leader: 'safety_dept', safety_dept: 'unit' };

/** Submits and approves `id`, first refusing an approver one step below the authority it needs. */
async function approveChecked(id: string, needed: string) {
  expect((await post('safety-a', id, 'submit')).status).toBe(200);
  if (LOWER[needed]) {
    await authority(LOWER[needed]!);
    const low = await post('approver-a', id, 'approve');
    expect(low.body).toMatchObject({ code: 'JH_ERR_PERMIT_APPROVER_AUTHORITY', details: { needed } });
  }
  await authority(needed);
  expect((await post('approver-a', id, 'approve')).body.state).toBe('approved');
}

/** Confirms each measure taken from the kind's checklist. */
async function confirmAll(id: string, count: number) {
  for (let i = 0; i < count; i++)
    expect((await post('guardian-a', id, `measures/${i}/confirm`)).status).toBe(200);
}

describe('each new kind through the API (create → approve → start)', () => {
  it('GET /api/permit-kinds lists them all with zh/en names, rules and a checklist', () => {
    expect(kinds.map((k) => k.name.zh)).toEqual([
      '动火作业',
      '有限空间作业',
      '盲板抽堵作业',
      '高处作业',
      '吊装作业',
      '临时用电作业',
      '动土作业',
      '断路作业',
      '煤气作业',
    ]);
    for (const k of kinds) {
      expect(k.name.en.length).toBeGreaterThan(2);
      expect(k.measuresChecklist.length).toBeGreaterThanOrEqual(4);
    }
    const height = kinds.find((k) => k.id === 'work_at_height')!;
    expect(height.levels.map((l) => [l.name.zh, l.authority, l.maxValidityHours])).toEqual([
      ['IV级（特级）', 'leader', 24],
      ['III级', 'safety_dept', 24],
      ['II级', 'safety_dept', 168],
      ['I级', 'unit', 168],
    ]);
  });

  it.each([
    // kind, level, longest window (h), authority, gas: LEL to declare (null: the kind has no gas rule)
    ['blind_plate', null, 24, 'unit', 5],
    ['work_at_height', 'level4', 24, 'leader', 5],
    ['work_at_height', 'level3', 24, 'safety_dept', null],
    ['lifting', 'level1', 24, 'leader', null],
    ['lifting', 'level2', 24, 'safety_dept', null],
    ['lifting', 'level3', 24, 'unit', null],
    ['temporary_power', null, 360, 'unit', 5],
    ['excavation', null, 24, 'unit', 5],
    ['road_closure', null, 24, 'unit', null],
    ['gas_work', 'live_gas', 8, 'leader', 5],
    ['gas_work', 'general', 24, 'safety_dept', 5],
  ] as const)('%s %s: ≤ %d h, approved by %s, gas with LEL %s', async (kind, level, hours, needed, lel) => {
    const gasKind = kind === 'gas_work';
    const extra = lel === null || gasKind ? {} : { lelPct: lel };
    // validity: one minute over the kind's limit is refused, with the limit in the details
    const long = await create(kind, level, hours * H + MIN, extra);
    expect(long.body).toMatchObject({ code: 'JH_ERR_PERMIT_VALIDITY_TOO_LONG' });
    expect((long.body.details as { maxHours: number }).maxHours).toBeGreaterThanOrEqual(hours);

    const checklist = kinds
      .find((k) => k.id === kind)!
      .measuresChecklist.slice(0, 2)
      .map((m) => m.zh);
    const made = await create(kind, level, 2 * H, { ...extra, measures: checklist });
    expect(made.status).toBe(201);
    const id = made.body.id as string;
    expect(made.body).toMatchObject({ kind, level });
    await approveChecked(id, needed);
    await confirmAll(id, checklist.length);

    if (lel !== null) {
      // a failing sample blocks the start
      const co: Record<string, number> = gasKind ? { coPpm: 10 } : {};
      const bad = await gas(id, { o2Pct: 20.9, combustiblePct: 0.6, ...co });
      expect(bad.body.passed).toBe(false);
      expect((await post('guardian-a', id, 'start')).body.code).toBe('JH_ERR_PERMIT_GAS_TEST_FAILED');
      expect((await gas(id, { o2Pct: 20.9, ...co })).body.passed).toBe(true);
    }
    const started = await post('guardian-a', id, 'start');
    expect(started.body).toMatchObject({ state: 'active' });
    expect((await post('guardian-a', id, 'complete')).body.state).toBe('completed');
  });

  it('temporary power and blinding in a flammable area need a gas test; without one, start is refused', async () => {
    const made = await create('temporary_power', null, 2 * H, { lelPct: 5 });
    await approveChecked(made.body.id as string, 'unit');
    expect((await post('guardian-a', made.body.id as string, 'start')).body.code).toBe(
      'JH_ERR_PERMIT_GAS_TEST_REQUIRED',
    );
    await post('safety-a', made.body.id as string, 'revoke', { reason: 'test done' });
  });

  it('煤气: a CO reading allowed only for short work refuses a long window and admits a short one', async () => {
    const long = await create('gas_work', 'general', 2 * H);
    await approveChecked(long.body.id as string, 'safety_dept');
    expect((await gas(long.body.id as string, { o2Pct: 20.9, coPpm: 60 })).body.passed).toBe(true);
    expect((await post('guardian-a', long.body.id as string, 'start')).body).toMatchObject({
      code: 'JH_ERR_PERMIT_GAS_EXPOSURE_TOO_LONG',
      details: { ppm: 60, maxMinutes: 30 },
    });
    // CO missing fails the sample; above 160 ppm fails it
    expect((await gas(long.body.id as string, { o2Pct: 20.9 })).body.failures).toEqual(['CO not measured']);
    expect((await gas(long.body.id as string, { o2Pct: 20.9, coPpm: 200 })).body.passed).toBe(false);
    await post('safety-a', long.body.id as string, 'revoke', {
      reason: 'window too long for the CO reading',
    });

    const short = await create('gas_work', 'general', 30 * MIN);
    await approveChecked(short.body.id as string, 'safety_dept');
    await gas(short.body.id as string, { o2Pct: 20.9, coPpm: 60 });
    expect((await post('guardian-a', short.body.id as string, 'start')).body.state).toBe('active');
    await post('guardian-a', short.body.id as string, 'complete');
  });
});

describe('交叉作业: hot work linked to a confined space', () => {
  it('links both ways, starts only inside an active space, meets its O2 rule and stops with it', async () => {
    const space = await create('confined_space', null, 4 * H, { cameraIds: ['cam-tank'] });
    const spaceId = space.body.id as string;
    const hot = await create('hot_work', 'level2', 4 * H, { linkedPermitIds: [spaceId] });
    expect(hot.status).toBe(201);
    const hotId = hot.body.id as string;
    expect(hot.body.linkedPermitIds).toEqual([spaceId]);
    const spaceNow = await call(h, 'safety-a', 'GET', `/api/permits/${spaceId}`);
    expect((spaceNow.body.permit as { linkedPermitIds: string[] }).linkedPermitIds).toEqual([hotId]);

    // another enterprise's permit is not visible, so it cannot be linked
    const otherBody = permitBody(
      h.clock.now(),
      {
        siteId: 'site-b',
        kind: 'road_closure',
        location: '乙厂路',
        workers: [],
        guardian: undefined,
        cameraIds: [],
      },
      H,
    );
    const other = await call(h, 'safety-b', 'POST', '/api/permits', otherBody);
    expect(other.status).toBe(201);
    expect((await post('safety-a', hotId, 'links', { permitId: other.body.id })).status).toBe(404);
    expect((await post('safety-a', hotId, 'links', { permitId: hotId })).body.code).toBe(
      'JH_ERR_PERMIT_BAD_LINK',
    );

    await approveChecked(spaceId, 'unit');
    await approveChecked(hotId, 'unit');
    // a sample fine for hot work alone but without O2 fails: the confined-space rule applies too
    const noO2 = await gas(hotId, {});
    expect(noO2.body).toMatchObject({ passed: false, failures: ['O2 not measured'] });
    await gas(hotId, { o2Pct: 20.9 });
    expect((await post('guardian-a', hotId, 'start')).body).toMatchObject({
      code: 'JH_ERR_PERMIT_HOST_NOT_ACTIVE',
      details: { hostPermitId: spaceId },
    });

    await gas(spaceId, { o2Pct: 20.9 });
    expect((await post('guardian-a', spaceId, 'start')).body.state).toBe('active');
    expect((await post('guardian-a', hotId, 'start')).body.state).toBe('active');

    // the space stops: the hot work inside stops with it, and cannot resume until the space does
    expect((await post('safety-a', spaceId, 'suspend', { reason: '通风故障' })).body.state).toBe('suspended');
    const hotAfter = (await call(h, 'safety-a', 'GET', `/api/permits/${hotId}`)).body.permit as Record<
      string,
      unknown
    >;
    expect(hotAfter).toMatchObject({
      state: 'suspended',
      suspendCause: { kind: 'host_suspended', hostPermitId: spaceId },
    });
    expect((await post('guardian-a', hotId, 'resume')).body.code).toBe('JH_ERR_PERMIT_HOST_NOT_ACTIVE');
    expect((await post('guardian-a', spaceId, 'resume')).body.state).toBe('active');
    expect((await post('guardian-a', hotId, 'resume')).body.state).toBe('active');
  });

  it('a camera watching both going down suspends both, the work inside once', async () => {
    const space = await create('confined_space', null, 4 * H, { cameraIds: ['cam-tank'] });
    const spaceId = space.body.id as string;
    const hot = await create('hot_work', 'level2', 4 * H, {
      cameraIds: ['cam-tank'],
      linkedPermitIds: [spaceId],
    });
    const hotId = hot.body.id as string;
    await approveChecked(spaceId, 'unit');
    await approveChecked(hotId, 'unit');
    await gas(spaceId, { o2Pct: 20.9 });
    await gas(hotId, { o2Pct: 20.9 });
    expect((await post('guardian-a', spaceId, 'start')).body.state).toBe('active');
    expect((await post('guardian-a', hotId, 'start')).body.state).toBe('active');
    h.health('cam-tank', 'offline');
    const stateOf = async (id: string) =>
      ((await call(h, 'safety-a', 'GET', `/api/permits/${id}`)).body.permit as { state: string }).state;
    expect([await stateOf(spaceId), await stateOf(hotId)]).toEqual(['suspended', 'suspended']);
    // the gate still opened the work's monitoring gap (it did not trip over the cascaded suspension)
    const gaps = async (id: string) =>
      ((await call(h, 'safety-a', 'GET', `/api/permits/${id}`)).body.gaps as unknown[]).length;
    expect([await gaps(spaceId), await gaps(hotId)]).toEqual([1, 1]);
    h.health('cam-tank', 'online');
    // the space resumes with its monitoring; the work inside waits for a person to resume it
    expect([await stateOf(spaceId), await stateOf(hotId)]).toEqual(['active', 'suspended']);
    expect((await post('guardian-a', hotId, 'resume')).body.state).toBe('active');
  });

  it('POST /api/permits/:id/links links two existing permits once, both ways', async () => {
    const a = await create('lifting', 'level3', H);
    const b = await create('work_at_height', 'level1', H);
    const linked = await post('safety-a', a.body.id as string, 'links', { permitId: b.body.id });
    expect(linked.body.linkedPermitIds).toEqual([b.body.id]);
    const again = await post('safety-a', a.body.id as string, 'links', { permitId: b.body.id });
    expect(again.body.linkedPermitIds).toEqual([b.body.id]);
    const bNow = await call(h, 'safety-a', 'GET', `/api/permits/${b.body.id as string}`);
    expect((bNow.body.permit as { linkedPermitIds: string[] }).linkedPermitIds).toEqual([a.body.id]);
  });
});
