import type { AppServices } from '../../src/app-services.ts';
import { iso } from '../../src/platform/shared/clock.ts';

const HOUR = 3_600_000;
const MIN = 60_000;
const DAY = 24 * HOUR;

export interface CampaignSeed {
  /** permits per enterprise */
  permits: number;
  /** permits whose camera dropped for 3 minutes in their work (verdict `gaps`) */
  withGaps: number;
  /** permits with one violation on their camera in their work */
  withViolations: number;
}

/**
 * A campaign's history for the permit audit over months: from `from`, every day, `perDay` permits of
 * 2 h in each enterprise (starting 01:00, 04:00, 07:00 … UTC), each watched by the enterprise's camera
 * `camp-cam-<ent>`; every 4th permit's camera drops for 3 min (a gap under the 5-min limit, so verdict
 * `gaps`), every 5th has a violation. Published through the bus (the audit reads the chained events
 * only), one transaction per day; `setNow` moves the service's clock and is left at `to`.
 */
export function seedCampaign(
  services: AppServices,
  setNow: (ms: number) => void,
  o: { enterpriseIds: string[]; from: number; days: number; perDay: number; to: number },
): Record<string, CampaignSeed> {
  const { bus } = services;
  const out: Record<string, CampaignSeed> = {};
  const health = (ent: string, at: number, to: 'online' | 'offline') => {
    setNow(at);
    bus.publish('camera.healthChanged', ent, {
      cameraId: `camp-cam-${ent}`,
      siteId: `site-${ent}`,
      from: (to === 'online' ? 'offline' : 'online') as never,
      to,
      reason: to === 'online' ? 'frames' : 'unavailable',
      message: to === 'online' ? '在线' : '离线',
      since: iso(at),
    });
  };
  for (const ent of o.enterpriseIds) {
    out[ent] = { permits: 0, withGaps: 0, withViolations: 0 };
    health(ent, o.from - HOUR, 'online');
  }
  let n = 0;
  for (let d = 0; d < o.days; d++) {
    bus.transaction(() => {
      for (const ent of o.enterpriseIds)
        for (let k = 0; k < o.perDay; k++) {
          n++;
          const t0 = o.from + d * DAY + (1 + 3 * k) * HOUR;
          const base = {
            permitId: `camp-${ent}-${d}-${k}`,
            number: `DH-CAMP-${ent}-${d}-${k}`,
            kind: 'hot_work',
            actorUserId: null,
            reason: null,
            cameraIds: [`camp-cam-${ent}`],
            notifyUserIds: [],
            messageZh: '战役作业票',
            message: 'campaign permit',
          };
          const s = out[ent]!;
          s.permits++;
          setNow(t0);
          bus.publish('permit.started', ent, { ...base, from: 'approved', to: 'active' });
          if (n % 4 === 0) {
            s.withGaps++;
            health(ent, t0 + 30 * MIN, 'offline');
            health(ent, t0 + 33 * MIN, 'online');
          }
          if (n % 5 === 0) {
            s.withViolations++;
            setNow(t0 + 50 * MIN);
            bus.publish('violation.started', ent, {
              violationId: 800_000 + n,
              cameraId: `camp-cam-${ent}`,
              siteId: `site-${ent}`,
              type: 'no_helmet',
              typeZh: '未戴安全帽',
              severity: 'high',
              state: 'active',
              review: 'pending',
              trackId: null,
              zoneId: null,
              startedAt: iso(t0 + 50 * MIN),
              lastSeenAt: iso(t0 + 50 * MIN),
              endedAt: null,
              box: null,
            } as never);
          }
          setNow(t0 + 2 * HOUR);
          bus.publish('permit.completed', ent, { ...base, from: 'active', to: 'completed' });
        }
    });
  }
  setNow(o.to);
  return out;
}
