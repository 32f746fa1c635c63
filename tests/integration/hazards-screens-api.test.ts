import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hazardTypeName, hazardTypeOfViolation } from '../../src/oversight/hazards/hazard-types.ts';
import { STAGE_NAMES } from '../../src/oversight/hazards/hazard.machine.ts';
import { startAuditHarness, type AuditHarness } from './audit-harness.ts';

/** What the hazard screens read beside the hazards: names, the people to dispatch to, 我的整改. */
let h: AuditHarness;
const userId = (username: string) => h.services.users.byUsername(username)!.userId;
const HOUR = 3_600_000;

beforeAll(async () => {
  h = await startAuditHarness();
});
afterAll(async () => h?.close());

const assessed = async () => {
  const r = await h.call('safety-a', 'POST', '/api/hazards', {
    enterpriseId: 'ent-a',
    source: 'inspection',
    stage: 'cross_check',
    checker: '交叉检查组',
    description: '配电箱未上锁',
    hazardType: 'electrical',
  });
  expect(r.status).toBe(201);
  const id = r.body.id as number;
  await h.call('safety-a', 'POST', `/api/hazards/${id}/assess`, { level: 'general', reason: '一般' });
  return id;
};

describe('hazard screens API', () => {
  it('names states, every 检查环节 (from STAGE_NAMES) and the 隐患类型 codes', async () => {
    const c = await h.call('guardian-a', 'GET', '/api/hazard-catalogue');
    expect(c.status).toBe(200);
    const body = c.body as Record<string, { code: string; zh: string; en: string }[]>;
    expect(body.stages).toEqual(Object.entries(STAGE_NAMES).map(([code, n]) => ({ code, ...n })));
    expect(body.states!.map((s) => s.code)).toEqual([
      'registered',
      'assessed',
      'dispatched',
      'rectified',
      'verified',
      'closed',
    ]);
    expect(body.types).toContainEqual({ code: 'confined_space', zh: '有限空间', en: 'Confined space' });
    // a code by its name; older free text as written
    expect(hazardTypeName('hot_work').zh).toBe('动火作业');
    expect(hazardTypeName('护栏缺失')).toEqual({ zh: '护栏缺失', en: '护栏缺失' });
    expect(hazardTypeOfViolation('no_helmet')).toBe('ppe');
    expect(hazardTypeOfViolation(undefined)).toBe('unsafe_work');
    expect((await h.call('welder-a', 'GET', '/api/hazard-catalogue')).status).toBe(403);
  });

  it('offers as responsible only active users of the enterprise who can open hazards', async () => {
    const people = (await h.call('safety-a', 'GET', '/api/hazard-people')).body as unknown as {
      userId: number;
      role: string;
      enterpriseId: string;
    }[];
    const ids = people.map((p) => p.userId);
    expect(ids).toContain(userId('guardian-a'));
    expect(ids).toContain(userId('admin-a'));
    expect(ids).not.toContain(userId('welder-a'));
    expect(ids).not.toContain(userId('admin-b'));
    expect(people.every((p) => p.enterpriseId === 'ent-a' && p.role !== 'regulator')).toBe(true);
    // a welder cannot read hazards, so cannot rectify one: the dispatch is refused
    const id = await assessed();
    const refused = await h.call('safety-a', 'POST', `/api/hazards/${id}/dispatch`, {
      responsibleUserId: userId('welder-a'),
      deadline: new Date(h.clock.now() + HOUR).toISOString(),
      reason: '派单',
    });
    expect(refused.body.code).toBe('JH_ERR_HAZARD_BAD_RESPONSIBLE');
  });

  it('lists 我的整改: only the hazards dispatched to me', async () => {
    const mine = await assessed();
    const other = await assessed();
    for (const [id, who] of [
      [mine, 'guardian-a'],
      [other, 'admin-a'],
    ] as const) {
      const d = await h.call('safety-a', 'POST', `/api/hazards/${id}/dispatch`, {
        responsibleUserId: userId(who),
        deadline: new Date(h.clock.now() + HOUR).toISOString(),
        reason: '派单',
      });
      expect(d.status).toBe(200);
    }
    const list = await h.call('guardian-a', 'GET', '/api/hazards?responsible=me');
    const ids = (list.body.items as { id: number; responsibleUserId: number }[]).map((x) => x.id);
    expect(ids).toContain(mine);
    expect(ids).not.toContain(other);
    expect((await h.call('guardian-a', 'GET', '/api/hazards?responsible=you')).status).toBe(400);
  });
});
