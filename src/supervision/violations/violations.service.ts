import type { Principal } from '../../platform/auth/principal.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import { VIOLATION_INFO, type RuleEvent, type RuleViolation } from '../rules/types.ts';
import { iso, type Clock } from '../../platform/shared/clock.ts';
import { defineError } from '../../platform/shared/errors.ts';
import type { EnterpriseScope } from '../../platform/tenancy/scope.ts';
import type { CameraRef } from '../zones/cameras.ts';
import type { ViolationEventPayload } from './events.ts';
import type { Review, ViolationFilter, ViolationRecord, ViolationsRepo } from './violations.repo.ts';

export const ViolationErrors = {
  notFound: defineError('JH_ERR_VIOLATION_NOT_FOUND', 404, '违规记录不存在。', 'No such violation.'),
  alreadyReviewed: defineError(
    'JH_ERR_VIOLATION_ALREADY_REVIEWED',
    409,
    '该违规已处理，不能重复处理。',
    'This violation has already been reviewed.',
  ),
  badTime: defineError(
    'JH_ERR_VIOLATION_BAD_TIME',
    400,
    '时间格式不正确（应为 ISO 8601）。',
    'The time is not a valid ISO 8601 date-time.',
  ),
};

export const toPayload = (v: ViolationRecord): ViolationEventPayload => ({
  violationId: v.id,
  cameraId: v.cameraId,
  siteId: v.siteId,
  type: v.type,
  typeZh: VIOLATION_INFO[v.type].zh,
  severity: v.severity,
  state: v.state,
  review: v.review,
  trackId: v.trackId,
  zoneId: v.zoneId,
  startedAt: v.startedAt,
  lastSeenAt: v.lastSeenAt,
  endedAt: v.endedAt,
  box: v.box,
});

export interface ListQuery {
  cameraId?: string;
  type?: string;
  state?: 'active' | 'ended';
  review?: Review;
  from?: string;
  to?: string;
  limit?: number;
  beforeId?: number;
}

/**
 * The violation lifecycle in SQLite: each rule event becomes a row change and a domain event in one
 * transaction (the realtime module forwards violation.* to socket.io rooms enterprise:<id> and
 * camera:<id>; the MQTT bridge forwards them to jianhu/<site>/<camera>/violation).
 */
export class ViolationsService {
  /** `${cameraId}|${rule key}` → violation id of the active row */
  private readonly open = new Map<string, number>();

  constructor(
    private readonly repo: ViolationsRepo,
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  /** At start: violations left active by a previous run end at their last sighting. */
  closeDangling(): number {
    const ids = this.bus.transaction(() => {
      const ended = this.repo.endDangling();
      for (const id of ended) this.publish('violation.ended', this.repo.get(id)!);
      return ended;
    });
    return ids.length;
  }

  /** Applies a batch of rule events for one camera; returns the rows they touched, in order. */
  apply(camera: CameraRef, events: readonly RuleEvent[]): { event: RuleEvent; record: ViolationRecord }[] {
    if (events.length === 0) return [];
    return this.bus.transaction(() => events.flatMap((e) => this.applyOne(camera, e)));
  }

  private applyOne(camera: CameraRef, e: RuleEvent): { event: RuleEvent; record: ViolationRecord }[] {
    const v: RuleViolation = e.violation;
    const k = `${camera.camera.id}|${v.key}`;
    if (e.kind === 'started') {
      const id = this.repo.insert({
        enterpriseId: camera.enterpriseId,
        siteId: camera.site.id,
        cameraId: camera.camera.id,
        type: v.type,
        severity: v.severity,
        trackId: v.trackId,
        zoneId: v.zoneId,
        state: 'active',
        startedAt: iso(v.startTs),
        lastSeenAt: iso(v.lastTs),
        endedAt: null,
        box: v.box,
        detail: v.detail,
      });
      this.open.set(k, id);
      const rec = this.repo.get(id)!;
      this.publish('violation.started', rec);
      return [{ event: e, record: rec }];
    }
    const id = this.open.get(k);
    if (id === undefined) return []; // started before a restart; closeDangling already ended it
    if (e.kind === 'updated') this.repo.touch(id, iso(v.lastTs), v.box, v.detail, v.trackId);
    else {
      this.repo.touch(id, iso(v.lastTs), v.box, v.detail, v.trackId);
      this.repo.end(id, iso(v.endTs ?? v.lastTs));
      this.open.delete(k);
    }
    const rec = this.repo.get(id)!;
    this.publish(e.kind === 'updated' ? 'violation.updated' : 'violation.ended', rec);
    return [{ event: e, record: rec }];
  }

  list(scope: EnterpriseScope, q: ListQuery): ViolationRecord[] {
    const f: ViolationFilter = {
      enterpriseIds: [...scope.enterpriseIds],
      cameraId: q.cameraId,
      type: q.type,
      state: q.state,
      review: q.review,
      from: q.from === undefined ? undefined : normaliseTime(q.from),
      to: q.to === undefined ? undefined : normaliseTime(q.to),
      limit: Math.min(Math.max(q.limit ?? 100, 1), 500),
      beforeId: q.beforeId,
    };
    return this.repo.list(f);
  }

  get(scope: EnterpriseScope, id: number): ViolationRecord {
    const v = this.repo.get(id);
    if (!v || !scope.can(v.enterpriseId)) throw ViolationErrors.notFound({ id });
    return v;
  }

  /** Internal lookup without tenancy (evidence, pipeline). */
  byId(id: number): ViolationRecord | undefined {
    return this.repo.get(id);
  }

  review(
    principal: Principal,
    scope: EnterpriseScope,
    id: number,
    decision: 'confirmed' | 'dismissed',
    note: string | null,
  ): ViolationRecord {
    return this.bus.transaction(() => {
      const v = this.get(scope, id);
      if (v.review !== 'pending') throw ViolationErrors.alreadyReviewed({ id, review: v.review });
      this.repo.review(id, decision, principal.username, iso(this.clock.now()), note);
      const rec = this.repo.get(id)!;
      this.publish('violation.reviewed', rec);
      return rec;
    });
  }

  private publish(
    type: 'violation.started' | 'violation.updated' | 'violation.ended' | 'violation.reviewed',
    v: ViolationRecord,
  ): void {
    this.bus.publish(type, v.enterpriseId, toPayload(v));
  }
}

function normaliseTime(s: string): string {
  const t = Date.parse(s);
  if (!Number.isFinite(t) || !/^\d{4}-\d{2}-\d{2}/.test(s)) throw ViolationErrors.badTime({ value: s });
  return new Date(t).toISOString();
}
