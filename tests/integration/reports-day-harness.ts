import { expect } from 'vitest';
import type { HealthState } from '../../src/video/ingest/types.ts';
import { jpeg, SITE_A, startAuditHarness, type AuditHarness } from './audit-harness.ts';
import { permitBody } from '../helpers/permit-body.ts';

/**
 * The day reports-day.test.ts reads, played through the real API: one working day (2026-01-05, Beijing
 * 08:00–15:00), three hot-work permits, camera faults, and seven hazards across two enterprises and
 * three check stages. Camera health is published as the ingest module publishes it
 * (`camera.healthChanged` with `since` = when the fault began); everything else goes through HTTP.
 */
export const MIN = 60_000;
export const T0 = Date.UTC(2026, 0, 5, 0, 0, 0); // 08:00 Beijing
export const at = (h: number, m = 0, s = 0) => T0 + h * 60 * MIN + m * MIN + s * 1000;
export const iso = (ms: number) => new Date(ms).toISOString();
let h: AuditHarness;
const last = new Map<string, HealthState>();

function health(cameraId: string, to: HealthState, since: number, reason: string) {
  h.services.bus.publish('camera.healthChanged', 'ent-a', {
    cameraId,
    siteId: 'site-a',
    from: last.get(cameraId) ?? null,
    to,
    reason,
    message: to,
    since: iso(since),
  });
  last.set(cameraId, to);
}

/** The API as `user`; anything but success throws (every step of the day must succeed). */
export async function ok(user: string, method: 'POST' | 'PUT' | 'GET', url: string, body?: unknown) {
  const r = await h.call(user, method, url, body);
  if (r.status >= 300) throw new Error(`${method} ${url} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function permit(cameraId: string): Promise<string> {
  const body = permitBody(h.clock.now(), { location: '转炉平台', cameraIds: [cameraId] }, 8 * 60 * MIN);
  const p = await ok('safety-a', 'POST', '/api/permits', body);
  const id = p.id as string;
  await ok('safety-a', 'POST', `/api/permits/${id}/submit`);
  await ok('approver-a', 'POST', `/api/permits/${id}/approve`);
  await ok('guardian-a', 'POST', `/api/permits/${id}/gas-tests`, {
    analyst: '王分析',
    o2Pct: 20.9,
    combustiblePct: 0.1,
  });
  return id;
}

const state = async (id: string) =>
  ((await ok('safety-a', 'GET', `/api/permits/${id}`)).permit as { state: string }).state;

export interface ReportsDay {
  h: AuditHarness;
  /** the three hot-work permits: P1 suspended by a stall and resumed, P2 clean, P3 frozen and revoked */
  p1: string;
  p2: string;
  p3: string;
}

/** Plays the day on a fresh audit harness (fake clock at T0); the clock ends at 15:00 Beijing. */
export async function playReportsDay(): Promise<ReportsDay> {
  // hazard ids by the names the test's comments use (H1–H7)
  const hz: Record<string, number> = {};
  h = await startAuditHarness(T0);
  await ok('admin-a', 'PUT', '/api/approvers/approver-a/authority', { authority: 'safety_dept' });
  health('cam-weld', 'online', T0, 'frames_ok');
  health('cam-tank', 'online', T0, 'frames_ok');

  // P1 on cam-weld: works 00:10–02:00; the stream stalls at 01:59:40, detected at 02:00 (the gate
  // suspends then); back at 02:20, the gate resumes; completed 04:00.
  const p1 = await permit('cam-weld');
  h.clock.set(at(0, 10));
  await ok('guardian-a', 'POST', `/api/permits/${p1}/start`);
  // 01:00 the AI flags a welder without a hard hat on cam-weld (the violations service, as the
  // detection pipeline calls it)
  h.clock.set(at(1));
  h.services.supervision.violations!.apply(
    { camera: SITE_A.cameras[0] as never, site: SITE_A as never, enterpriseId: 'ent-a' },
    [
      {
        kind: 'started',
        violation: {
          key: 'no_helmet|3',
          type: 'no_helmet',
          severity: 'high',
          cameraId: 'cam-weld',
          trackId: 3,
          zoneId: null,
          startTs: at(1),
          lastTs: at(1),
          endTs: null,
          box: null,
          detail: {},
        },
      },
    ],
  );
  h.clock.set(at(2));
  health('cam-weld', 'stalled', at(1, 59, 40), 'no_frames');
  expect(await state(p1)).toBe('suspended');
  h.clock.set(at(2, 20));
  health('cam-weld', 'online', at(2, 20), 'frames_ok');
  expect(await state(p1)).toBe('active');
  h.clock.set(at(4));
  await ok('guardian-a', 'POST', `/api/permits/${p1}/complete`);

  // P2 on cam-tank: 04:10–05:10, camera fine throughout.
  const p2 = await permit('cam-tank');
  h.clock.set(at(4, 10));
  await ok('guardian-a', 'POST', `/api/permits/${p2}/start`);
  h.clock.set(at(5, 10));
  await ok('guardian-a', 'POST', `/api/permits/${p2}/complete`);

  // P3 on cam-tank: 05:30–06:10; the picture freezes at 06:00 but is only recognised at 06:10.
  h.clock.set(at(5, 20));
  const p3 = await permit('cam-tank');
  h.clock.set(at(5, 30));
  await ok('guardian-a', 'POST', `/api/permits/${p3}/start`);
  h.clock.set(at(6, 10));
  health('cam-tank', 'frozen', at(6), 'identical_frames');
  expect(await state(p3)).toBe('suspended');
  h.clock.set(at(6, 20));
  await ok('safety-a', 'POST', `/api/permits/${p3}/revoke`, { reason: '监控长时间中断，撤销作业票' });

  // Hazards (found today unless said otherwise).
  const uid = (u: string) => h.services.users.byUsername(u)!.userId;
  const reg = async (user: string, ent: string, stage: string, extra: Record<string, unknown> = {}) =>
    (
      await ok(user, 'POST', '/api/hazards', {
        enterpriseId: ent,
        source: 'inspection',
        stage,
        checker: stage === 'self_check' ? '企业安全科' : '县应急管理局',
        description: `隐患 ${Object.keys(hz).length + 1}`,
        basis: '《工贸企业重大事故隐患判定标准》',
        hazardType: '动火作业',
        photos: [await jpeg(Object.keys(hz).length)],
        ...extra,
      })
    ).id as number;
  const loop = async (
    id: string | number,
    level: 'general' | 'major',
    upTo: 'dispatched' | 'verified' | 'closed',
  ) => {
    await ok('safety-a', 'POST', `/api/hazards/${id}/assess`, { level, reason: '评估' });
    await ok('safety-a', 'POST', `/api/hazards/${id}/dispatch`, {
      responsibleUserId: uid('guardian-a'),
      reason: '派单',
      five: {
        measures: '停止作业并整改',
        responsiblePerson: '李厂长',
        funds: 10000,
        deadline: iso(h.clock.now() + 72 * 60 * MIN),
        contingencyPlan: '专项应急预案',
      },
      deadline: iso(h.clock.now() + 72 * 60 * MIN),
    });
    if (upTo === 'dispatched') return;
    await ok('guardian-a', 'POST', `/api/hazards/${id}/rectify`, {
      photos: [await jpeg(99)],
      reason: '已整改',
    });
    await ok('safety-a', 'POST', `/api/hazards/${id}/verify`, { passed: true, reason: '复核合格' });
    if (upTo === 'closed') await ok('admin-a', 'POST', `/api/hazards/${id}/close`, { reason: '销号' });
  };
  h.clock.set(at(6, 30));
  hz.H7 = await reg('safety-a', 'ent-a', 'self_check', { foundAt: '2026-01-01T02:00:00Z' }); // found last week
  hz.H1 = await reg('safety-a', 'ent-a', 'self_check');
  hz.H2 = await reg('safety-a', 'ent-a', 'self_check');
  hz.H3 = await reg('safety-a', 'ent-a', 'county_check', { penaltyYuan: 5000, penaltyNote: '责令整改' });
  hz.H4 = await reg('safety-a', 'ent-a', 'cross_check');
  hz.H5 = await reg('safety-a', 'ent-a', 'county_check', {
    penaltyYuan: 20000,
    supervisingUnit: '泽州县应急管理局',
  });
  hz.H6 = await reg('safety-b', 'ent-b', 'self_check');
  await loop(hz.H7, 'general', 'verified');
  await loop(hz.H1, 'general', 'verified');
  await loop(hz.H2, 'major', 'dispatched');
  await loop(hz.H4, 'general', 'closed');
  await loop(hz.H5, 'major', 'verified');
  h.clock.set(at(7));
  return { h, p1, p2, p3 };
}
