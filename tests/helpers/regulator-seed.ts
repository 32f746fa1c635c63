import type { AppServices } from '../../src/app-services.ts';
import { iso } from '../../src/platform/shared/clock.ts';
import { scopeFor } from '../../src/platform/tenancy/scope.ts';
import { TEST_PASSWORD, testConfigInput } from './test-service.ts';

/**
 * One region (泽州县) with three enterprises for the regulator's desk: 甲 ent-a, 乙 ent-b and 丁 ent-d;
 * 丙 ent-c stays in another county. Pass as `extra` to the test config.
 */
export const REGION_OF_THREE = {
  enterprises: [
    { id: 'ent-a', name: '甲钢铁', regionId: 'zezhou' },
    { id: 'ent-b', name: '乙铸造', regionId: 'zezhou' },
    { id: 'ent-c', name: '丙冶金', regionId: 'other-county' },
    { id: 'ent-d', name: '丁焦化', regionId: 'zezhou' },
  ],
  users: [
    ...(testConfigInput('/nonexistent').users as unknown[]),
    ...['safety_officer', 'enterprise_admin'].map((role) => ({
      username: role === 'safety_officer' ? 'safety-d' : 'admin-d',
      displayName: role === 'safety_officer' ? '丁安全员' : '丁管理员',
      role,
      password: TEST_PASSWORD,
      enterpriseId: 'ent-d',
    })),
  ],
};

const HOUR = 3_600_000;
const MIN = 60_000;

/**
 * What the seed makes, per enterprise, in the two days before `now`:
 * - 甲: a 2 h permit whose camera was offline 30 min; 1 violation in it; one open major hazard; one
 *   general hazard dispatched with a deadline long past (overdue).
 * - 乙: a 2 h permit whose camera was offline 90 min; nothing else.
 * - 丁: a 2 h permit fully watched; 3 violations in it; two open major hazards.
 * So by unwatched minutes the order is 乙, 甲, 丁; by open major hazards 丁, 甲, 乙; by overdue
 * rectifications 甲 first; by violations per permit-hour 丁 (1.5), 甲 (0.5), 乙 (0).
 */
export const SEEDED = {
  'ent-a': {
    unwatchedMinutes: 30,
    openMajorHazards: 1,
    overdueRectifications: 1,
    violationsPerPermitHour: 0.5,
  },
  'ent-b': {
    unwatchedMinutes: 90,
    openMajorHazards: 0,
    overdueRectifications: 0,
    violationsPerPermitHour: 0,
  },
  'ent-d': {
    unwatchedMinutes: 0,
    openMajorHazards: 2,
    overdueRectifications: 0,
    violationsPerPermitHour: 1.5,
  },
};

/**
 * Seeds the history through the service's own paths: permit and camera events through the bus (the
 * permit audit reads nothing else; cameras `seed-cam-*` are unknown to ingest, so their health is the
 * chained events), hazards through HazardsService. `setNow` moves the service's clock (real time plus an
 * offset in e2e, a FakeClock in integration); it is left at `now`.
 */
export function seedRegionHistory(services: AppServices, setNow: (ms: number) => void, now: number): void {
  const { bus } = services;
  const t0 = now - 2 * 24 * HOUR;
  const permit = (ent: string, offlineMin: number, violations: number) => {
    const cam = `seed-cam-${ent}`;
    const permitId = `seed-${ent}`;
    const base = {
      permitId,
      number: `DH-SEED-${ent}`,
      kind: 'hot_work',
      actorUserId: null,
      reason: null,
      cameraIds: [cam],
      notifyUserIds: [],
      messageZh: '种子作业票',
      message: 'seeded permit',
    };
    const health = (at: number, from: string | null, to: 'online' | 'offline') => {
      setNow(at);
      bus.publish('camera.healthChanged', ent, {
        cameraId: cam,
        siteId: `site-${ent}`,
        from: from as never,
        to,
        reason: to === 'online' ? 'frames' : 'unavailable',
        message: to === 'online' ? '在线' : '离线',
        since: iso(at),
      });
    };
    health(t0 - 10 * MIN, null, 'online');
    setNow(t0);
    bus.publish('permit.started', ent, { ...base, from: 'approved', to: 'active' });
    if (offlineMin > 0) {
      health(t0 + 10 * MIN, 'online', 'offline');
      health(t0 + (10 + offlineMin) * MIN, 'offline', 'online');
    }
    for (let i = 0; i < violations; i++) {
      const at = t0 + (20 + i * 10) * MIN;
      setNow(at);
      bus.publish('violation.started', ent, {
        violationId: 900_000 + i,
        cameraId: cam,
        siteId: `site-${ent}`,
        type: 'no_helmet',
        typeZh: '未戴安全帽',
        severity: 'high',
        state: 'active',
        review: 'pending',
        trackId: null,
        zoneId: null,
        startedAt: iso(at),
        lastSeenAt: iso(at),
        endedAt: null,
        box: null,
      } as never);
    }
    setNow(t0 + 2 * HOUR);
    bus.publish('permit.completed', ent, { ...base, from: 'active', to: 'completed' });
  };
  permit('ent-a', 30, 1);
  permit('ent-b', 90, 0);
  permit('ent-d', 0, 3);

  const hazards = services.oversight.hazards;
  const officer = (username: string) => {
    const p = services.users.byUsername(username)!;
    return { p, scope: scopeFor(p, (r) => services.tenancy.enterpriseIdsInRegion(r)) };
  };
  const register = (username: string, enterpriseId: string, description: string) => {
    const { p, scope } = officer(username);
    const h = hazards.register(p, scope, {
      enterpriseId,
      source: 'inspection',
      stage: 'self_check',
      checker: username,
      description,
      hazardType: '现场管理',
    });
    return { p, scope, id: h.id };
  };
  setNow(t0 + 3 * HOUR);
  for (const [user, ent, n] of [
    ['safety-a', 'ent-a', 1],
    ['safety-d', 'ent-d', 2],
  ] as const) {
    for (let i = 0; i < n; i++) {
      const { p, scope, id } = register(user, ent, `重大隐患 ${ent} #${i + 1}`);
      hazards.assess(p, scope, id, { level: 'major', reason: '评估为重大' });
    }
  }
  const late = register('safety-a', 'ent-a', '整改逾期的一般隐患');
  hazards.assess(late.p, late.scope, late.id, { level: 'general', reason: '一般隐患' });
  hazards.dispatch(late.p, late.scope, late.id, {
    responsibleUserId: services.users.byUsername('guardian-a')!.userId,
    deadline: iso(t0 + 5 * HOUR),
    reason: '限期整改',
  });
  setNow(now);
}
