import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpeg, startAuditHarness, type AuditHarness } from './audit-harness.ts';

const HOUR = 3_600_000;
let h: AuditHarness;
const iso = (ms: number) => new Date(ms).toISOString();
const userId = (username: string) => h.services.users.byUsername(username)!.userId;

beforeAll(async () => {
  h = await startAuditHarness();
});
afterAll(async () => h?.close());

const register = async (over: Record<string, unknown> = {}) =>
  h.call('safety-a', 'POST', '/api/hazards', {
    enterpriseId: 'ent-a',
    source: 'inspection',
    stage: 'self_check',
    checker: '安全科 张三',
    description: '转炉平台氧气瓶与乙炔瓶间距不足 5 米',
    location: '2号转炉平台',
    basis: 'GB 30871-2022 第 5.2 条',
    hazardType: '动火作业',
    photos: [await jpeg(1)],
    reason: '日常巡检发现',
    ...over,
  });

describe('隐患闭环 through the real API', () => {
  it('runs a general hazard through register → assess → dispatch → rectify → verify → close', async () => {
    const r = await register();
    expect(r.status).toBe(201);
    const id = r.body.id as number;
    const photo = (r.body.photos as { path: string; sha256: string }[])[0]!;
    // the photo is on disk under the data folder with the sha256 the record (and the event) carry
    const bytes = readFileSync(join(h.dir, photo.path));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(photo.sha256);

    expect(
      (await h.call('safety-a', 'POST', `/api/hazards/${id}/dispatch`, { responsibleUserId: 1, reason: 'x' }))
        .body.code,
    ).toBe('JH_ERR_HAZARD_BAD_TRANSITION');
    const a = await h.call('safety-a', 'POST', `/api/hazards/${id}/assess`, {
      level: 'general',
      reason: '间距不足，一般隐患',
    });
    expect(a.body.state).toBe('assessed');
    const d = await h.call('safety-a', 'POST', `/api/hazards/${id}/dispatch`, {
      responsibleUserId: userId('guardian-a'),
      deadline: iso(h.clock.now() + 24 * HOUR),
      reason: '由监护人当班整改',
    });
    expect(d.body).toMatchObject({ state: 'dispatched', responsibleUserId: userId('guardian-a') });

    // rectification needs an after-photo; a welder who is not responsible may not submit it
    expect(
      (await h.call('guardian-a', 'POST', `/api/hazards/${id}/rectify`, { photos: [], reason: '已整改' }))
        .body.code,
    ).toBe('JH_ERR_HTTP_VALIDATION');
    expect(
      (
        await h.call('guardian-a', 'POST', `/api/hazards/${id}/rectify`, {
          photos: ['bm90IGFuIGltYWdl'],
          reason: 'x',
        })
      ).body.code,
    ).toBe('JH_ERR_HAZARD_PHOTO_INVALID');
    const rect = await h.call('guardian-a', 'POST', `/api/hazards/${id}/rectify`, {
      photos: [await jpeg(2)],
      reason: '气瓶已分开放置 6 米',
    });
    expect(rect.body).toMatchObject({ state: 'rectified', rectifiedBy: userId('guardian-a') });

    // the rectifier / responsible person cannot review their own work; a failed review sends it back
    const self = await h.call('guardian-a', 'POST', `/api/hazards/${id}/verify`, {
      passed: true,
      reason: 'ok',
    });
    expect(self.status).toBe(403);
    const fail = await h.call('safety-a', 'POST', `/api/hazards/${id}/verify`, {
      passed: false,
      reason: '间距仍不足',
    });
    expect(fail.body.state).toBe('dispatched');
    await h.call('guardian-a', 'POST', `/api/hazards/${id}/rectify`, {
      photos: [await jpeg(3)],
      reason: '重新摆放',
    });
    expect(
      (await h.call('safety-a', 'POST', `/api/hazards/${id}/verify`, { passed: true, reason: '复核合格' }))
        .body.state,
    ).toBe('verified');
    const closed = await h.call('admin-a', 'POST', `/api/hazards/${id}/close`, { reason: '销号' });
    expect(closed.body.state).toBe('closed');

    const trail = closed.body.transitions as {
      action: string;
      actorName: string;
      reason: string;
      toState: string;
    }[];
    expect(trail.map((t) => `${t.action}:${t.toState}`)).toEqual([
      'register:registered',
      'assess:assessed',
      'dispatch:dispatched',
      'rectify:rectified',
      'verify:dispatched',
      'rectify:rectified',
      'verify:verified',
      'close:closed',
    ]);
    expect(trail.every((t) => t.actorName && t.reason)).toBe(true);
    const photos = closed.body.photos as { id: number; kind: string; sha256: string }[];
    expect(photos.map((p) => p.kind)).toEqual(['before', 'after', 'after']);
    const dl = await h.app.inject({
      method: 'GET',
      url: `/api/hazards/${id}/photos/${photos[1]!.id}`,
      headers: { authorization: await h.login('regulator-z') },
    });
    expect(dl.headers['content-type']).toBe('image/jpeg');
    expect(dl.headers['x-content-sha256']).toBe(photos[1]!.sha256);
    expect(createHash('sha256').update(dl.rawPayload).digest('hex')).toBe(photos[1]!.sha256);
    expect((await h.call('safety-a', 'GET', `/api/hazards/${id}/photos/999`)).body.code).toBe(
      'JH_ERR_HAZARD_PHOTO_NOT_FOUND',
    );
    expect((await h.call('safety-b', 'GET', `/api/hazards/${id}/photos/${photos[1]!.id}`)).status).toBe(404);
    const types = (
      h.services.db.prepare("SELECT type FROM outbox WHERE type LIKE 'hazard.%' ORDER BY id").all() as {
        type: string;
      }[]
    ).map((x) => x.type);
    expect(types).toEqual([
      'hazard.registered',
      'hazard.assessed',
      'hazard.dispatched',
      'hazard.responsibleNotified', // to guardian-a alone, in the dispatch's transaction
      'hazard.rectified',
      'hazard.verified',
      'hazard.rectified',
      'hazard.verified',
      'hazard.closed',
    ]);
  });

  it('a major hazard needs 五到位 before dispatch', async () => {
    const id = (
      await register({ description: '煤气柜区域动火未办票', stage: 'county_check', penaltyYuan: 20000 })
    ).body.id;
    await h.call('safety-a', 'POST', `/api/hazards/${id}/assess`, {
      level: 'major',
      reason: '重大事故隐患判定标准',
    });
    const missing = await h.call('safety-a', 'POST', `/api/hazards/${id}/dispatch`, {
      responsibleUserId: userId('admin-a'),
      five: { measures: '停止作业，补办特级动火票' },
      reason: '派单',
    });
    expect(missing.body).toMatchObject({
      code: 'JH_ERR_HAZARD_FIVE_MISSING',
      details: { missing: ['responsiblePerson', 'funds', 'deadline', 'contingencyPlan'] },
    });
    const ok = await h.call('safety-a', 'POST', `/api/hazards/${id}/dispatch`, {
      responsibleUserId: userId('admin-a'),
      five: {
        measures: '停止作业，补办特级动火票',
        responsiblePerson: '李厂长',
        funds: 50000,
        deadline: iso(h.clock.now() + 72 * HOUR),
        contingencyPlan: '煤气泄漏专项应急预案',
      },
      reason: '五到位已落实',
    });
    expect(ok.body).toMatchObject({ state: 'dispatched', deadline: iso(h.clock.now() + 72 * HOUR) });
  });

  it('escalates overdue hazards once per level, and records it', async () => {
    const id = (await register({ description: '有限空间入口未上锁' })).body.id as number;
    await h.call('safety-a', 'POST', `/api/hazards/${id}/assess`, { level: 'general', reason: '一般' });
    await h.call('safety-a', 'POST', `/api/hazards/${id}/dispatch`, {
      responsibleUserId: userId('guardian-a'),
      deadline: iso(h.clock.now() + 2 * HOUR),
      reason: '限期 2 小时',
    });
    const overdue = () =>
      h.services.db.prepare("SELECT payload FROM outbox WHERE type = 'hazard.overdue'").all() as {
        payload: string;
      }[];
    const before = overdue().length;
    expect(h.audit.hazards.checkOverdue()).toBe(0);
    h.clock.advance(3 * HOUR);
    expect(h.audit.hazards.checkOverdue()).toBe(1);
    expect(h.audit.hazards.checkOverdue()).toBe(0); // same level: no repeat
    h.clock.advance(24 * HOUR);
    expect(h.audit.hazards.checkOverdue()).toBeGreaterThanOrEqual(1); // level 2 (the major one may be due too)
    const mine = overdue()
      .slice(before)
      .map((r) => JSON.parse(r.payload) as { hazardId: number; escalation: number })
      .filter((p) => p.hazardId === id);
    expect(mine.map((p) => p.escalation)).toEqual([1, 2]);
    const detail = await h.call('safety-a', 'GET', `/api/hazards/${id}`);
    expect(detail.body.overdueLevel).toBe(2);
    expect(
      (detail.body.transitions as { action: string }[]).filter((t) => t.action === 'escalate'),
    ).toHaveLength(2);
  });

  it('regulators read their region but cannot act; other tenants get 404', async () => {
    const id = (await register({ description: '安全通道堵塞' })).body.id as number;
    expect((await h.call('regulator-z', 'GET', `/api/hazards/${id}`)).status).toBe(200);
    expect((await h.call('regulator-o', 'GET', `/api/hazards/${id}`)).body.code).toBe(
      'JH_ERR_TENANCY_NOT_FOUND',
    );
    expect((await h.call('safety-b', 'GET', `/api/hazards/${id}`)).body.code).toBe(
      'JH_ERR_TENANCY_NOT_FOUND',
    );
    expect(
      (await h.call('regulator-z', 'POST', `/api/hazards/${id}/assess`, { level: 'general', reason: 'x' }))
        .status,
    ).toBe(403);
    expect((await h.call('regulator-z', 'POST', '/api/hazards', { enterpriseId: 'ent-a' })).status).toBe(403);
    const list = await h.call('regulator-z', 'GET', '/api/hazards?enterprise=ent-a');
    expect((list.body.items as unknown[]).length).toBeGreaterThanOrEqual(4);
    expect((await h.call('safety-b', 'GET', '/api/hazards?enterprise=ent-a')).status).toBe(404);
    // a responsible person from another enterprise is refused
    await h.call('safety-a', 'POST', `/api/hazards/${id}/assess`, { level: 'general', reason: 'x' });
    const bad = await h.call('safety-a', 'POST', `/api/hazards/${id}/dispatch`, {
      responsibleUserId: userId('admin-b'),
      deadline: iso(h.clock.now() + HOUR),
      reason: 'x',
    });
    expect(bad.body.code).toBe('JH_ERR_HAZARD_BAD_RESPONSIBLE');
    const past = await h.call('safety-a', 'POST', `/api/hazards/${id}/dispatch`, {
      responsibleUserId: userId('guardian-a'),
      deadline: iso(h.clock.now() - HOUR),
      reason: 'x',
    });
    expect(past.body.code).toBe('JH_ERR_HAZARD_DEADLINE_PAST');
    expect((await h.call('safety-a', 'GET', '/api/hazards/999999')).body.code).toBe(
      'JH_ERR_HAZARD_NOT_FOUND',
    );
  });
});
