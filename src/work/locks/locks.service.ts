import { randomBytes } from 'node:crypto';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import type { Config } from '../../config/schema.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import { deviceTopics } from '../../platform/mqtt/device-identity.ts';
import type { DeviceRegistry } from '../../platform/mqtt/device-registry.ts';
import type { MqttBus } from '../../platform/mqtt/mqtt-bus.ts';
import { gasVerdict } from '../permits/domain/rules.ts';
import { KINDS } from '../kinds/index.ts';
import type { FieldService } from '../permits/field.service.ts';
import type { MonitoringGate } from '../permits/gate.ts';
import type { Caller, PermitsService } from '../permits/permits.service.ts';
import { AppError } from '../../platform/shared/errors.ts';
import { iso, type Clock } from '../../platform/shared/clock.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import type { EnterpriseScope } from '../../platform/tenancy/scope.ts';
import { LockErrors } from './lock-errors.ts';
import type { Lock, LocksRepo } from './locks.repo.ts';

/** Entrance locks (加锁赋码) open only under a permit of a kind that binds locks (受限空间). */
const bindsLocks = (kind: string): boolean => KINDS.find(kind)?.bindings.locks === true;

/**
 * "Someone stands at the guardian post on camera X" (the supervision context's reading of the video);
 * when no frame shows it, the guardian's own check-in is the fallback.
 */
export interface GuardianPresence {
  presentAt(cameraId: string): boolean;
}

export const LockEventSchema = Type.Object(
  {
    event: Type.Union([Type.Literal('opened'), Type.Literal('closed')]),
    grantId: Type.Optional(Type.String({ maxLength: 64 })),
    /** strictly increasing per lock (firmware keeps it): an event with a sequence seen before is a replay */
    seq: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
  },
  { additionalProperties: false },
);
export type LockEvent = Static<typeof LockEventSchema>;

/**
 * 加锁赋码: the entrance stays locked; an unlock grant is issued only against an approved confined-space
 * permit with a fresh passing gas test, the guardian present and the entrance camera live. Opening
 * without a valid grant is a violation. Entries and exits are logged and must balance to complete.
 */
export class LocksService {
  constructor(
    private readonly repo: LocksRepo,
    private readonly permits: PermitsService,
    private readonly field: FieldService,
    private readonly gate: MonitoringGate,
    private readonly presence: GuardianPresence,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly logger: Logger,
    /** signs unlock commands (the padlock verifies them) and keeps each lock's event sequence */
    private readonly devices: DeviceRegistry,
    private mqtt: MqttBus | null = null,
  ) {}

  async attach(mqtt: MqttBus): Promise<void> {
    this.mqtt = mqtt;
    await mqtt.subscribe(`${this.config.permits.chips.topicPrefix}/+/locks/+/event`, (topic, payload) => {
      const [, siteId, , lockId] = topic.split('/');
      const lock = lockId ? this.repo.get(lockId) : undefined;
      let body: unknown;
      try {
        body = JSON.parse(payload.toString('utf8'));
      } catch {
        body = undefined;
      }
      if (!lock || lock.siteId !== siteId || !Value.Check(LockEventSchema, body)) {
        this.logger.warn({ topic }, 'lock event ignored (unknown lock or malformed)');
        return;
      }
      // a sniffed event sent again carries a sequence already seen: refused, never a breach (#23)
      if (body.seq !== undefined && !this.devices.acceptSeq('lock', lock.id, body.seq)) {
        this.logger.warn(
          { lockId: lock.id, seq: body.seq },
          'replayed lock event refused 重放的门锁事件已拒绝',
        );
        return;
      }
      this.onEvent(lock, body, 'mqtt');
    });
  }

  register(
    scope: EnterpriseScope,
    body: { id: string; name: string; siteId: string; code: string; cameraId: string },
  ): Lock {
    const site = this.config.sites.find((s) => s.id === body.siteId);
    // the camera catalog's view (run-time cameras too), through the permits' camera index
    const onSite = this.permits.cameraSite(body.cameraId)?.siteId === site?.id;
    if (!site || !scope.can(site.enterpriseId) || !onSite)
      throw LockErrors.badSite({ siteId: body.siteId, cameraId: body.cameraId });
    if (this.repo.get(body.id) || this.repo.byCode(body.code)) throw LockErrors.duplicate({ id: body.id });
    this.repo.insert({ ...body, enterpriseId: site.enterpriseId }, this.clock.now());
    return this.repo.get(body.id)!;
  }

  get(scope: EnterpriseScope | null, id: string): Lock {
    const l = this.repo.get(id);
    if (!l || (scope && !scope.can(l.enterpriseId))) throw LockErrors.notFound({ lockId: id });
    return l;
  }

  list(scope: EnterpriseScope): Lock[] {
    return this.repo.list([...scope.enterpriseIds]);
  }

  requestUnlock(
    c: Caller,
    lockId: string,
    permitId: string,
  ): { grantId: string; expiresAt: string; permitState: string } {
    const lock = this.get(c.scope, lockId);
    let permit = this.permits.get(permitId, c);
    if (!bindsLocks(permit.kind) || !permit.lockIds.includes(lock.id))
      throw LockErrors.wrongPermit({ permitId, lockId });
    const now = this.clock.now();
    if (!['approved', 'active'].includes(permit.state) || now < permit.validFrom)
      throw LockErrors.permitNotApproved({ state: permit.state });
    if (permit.guardianUserId !== c.principal.userId) throw LockErrors.notGuardian();
    const gas = gasVerdict(
      this.permits.gasTestsOf(permit.id),
      now,
      undefined,
      KINDS.kindOf(permit.kind).gas.freshMs,
    );
    if (gas !== 'ok') throw LockErrors.gas({ verdict: gas });
    const present =
      this.presence.presentAt(lock.cameraId) || this.field.guardianCheckedIn(permit.id, c.principal.userId);
    if (!present) throw LockErrors.guardianAbsent();
    const down = this.gate.camerasDown({ cameraIds: [lock.cameraId, ...permit.cameraIds] });
    if (down.length > 0) throw LockErrors.cameraOffline({ cameras: down });
    if (permit.state === 'approved') {
      try {
        permit = this.permits.start(permit.id, c);
      } catch (e) {
        if (e instanceof AppError) throw LockErrors.notReady({ cause: e.code, causeZh: e.zh });
        throw e;
      }
    }
    const grantId = randomBytes(12).toString('hex');
    const expiresAt = now + this.config.permits.locks.grantTtlSeconds * 1000;
    this.bus.transaction(() => {
      this.repo.insertGrant({
        id: grantId,
        lockId,
        permitId,
        userId: c.principal.userId,
        issuedAt: now,
        expiresAt,
      });
      this.bus.publish(
        'lock.unlockGranted',
        lock.enterpriseId,
        this.payload(lock, 'unlock_granted', permitId, true),
      );
    });
    // the padlock opens only on a command it verifies (its key, its id, not expired, a new sequence):
    // a sniffed or replayed unlock, or a bare grant id, opens nothing (#23)
    const command = this.devices.signCommand('lock', lock.id, {
      action: 'unlock',
      ref: grantId,
      exp: expiresAt,
    });
    if (!command) this.logger.warn({ lockId }, 'unlock not sent: the lock has no MQTT credential');
    else
      this.mqtt
        ?.publish(
          deviceTopics(this.config.permits.chips.topicPrefix, {
            kind: 'lock',
            id: lock.id,
            siteId: lock.siteId,
          }).command,
          command,
        )
        .catch((err: unknown) => this.logger.warn({ err, lockId }, 'unlock command failed'));
    return { grantId, expiresAt: iso(expiresAt), permitState: permit.state };
  }

  /** A lock reports opened / closed; opening without a valid grant is a violation. */
  onEvent(lock: Lock, e: LockEvent, via: 'mqtt' | 'http'): { authorised: boolean } {
    const now = this.clock.now();
    return this.bus.transaction(() => {
      let authorised = true;
      let permitId: string | null = null;
      if (e.event === 'opened') {
        const grant = e.grantId ? this.repo.useGrant(e.grantId, lock.id, now) : undefined;
        // Folded: the lock is already open without authorisation and that alarm stands; a flood of
        // `opened` reports (60 once moved a risk grade from D to A) adds no rows and no alarms.
        if (!grant && this.standingBreach(lock.id)) return { authorised: false };
        authorised = !!grant;
        permitId = grant?.permitId ?? null;
        this.repo.setState(lock.id, 'open');
      } else {
        this.repo.setState(lock.id, 'locked');
      }
      const lockEventId = this.repo.recordEvent(lock.id, e.event, e.grantId ?? null, authorised, via, now);
      // the row id and time let `audit verify` check lock_events against the chain (#23)
      this.bus.publish('lock.changed', lock.enterpriseId, {
        ...this.payload(lock, e.event, permitId, authorised),
        lockEventId,
        at: iso(now),
      });
      if (!authorised)
        this.bus.publish('lock.violationDetected', lock.enterpriseId, {
          ...this.payload(lock, 'opened_without_authorisation', null, false),
          messageZh: `受限空间入口门锁 ${lock.name} 未经授权被打开`,
          message: `Confined-space lock ${lock.name} opened without authorisation`,
        });
      return { authorised };
    });
  }

  recordEntry(
    c: Caller,
    lockId: string,
    body: { permitId: string; person: string; direction: 'in' | 'out'; tools?: string },
  ): { inside: number } {
    const lock = this.get(c.scope, lockId);
    const permit = this.permits.get(body.permitId, c);
    if (!bindsLocks(permit.kind) || !permit.lockIds.includes(lock.id)) throw LockErrors.wrongPermit();
    if (permit.guardianUserId !== c.principal.userId) throw LockErrors.notGuardian();
    if (body.direction === 'in' && permit.state !== 'active')
      throw LockErrors.notActive({ state: permit.state });
    if (body.direction === 'out' && (this.repo.inside(permit.id).get(body.person) ?? 0) <= 0)
      throw LockErrors.unbalancedExit({ person: body.person });
    const now = this.clock.now();
    this.bus.transaction(() => {
      this.repo.recordEntry({
        ...body,
        tools: body.tools ?? '',
        lockId,
        recordedBy: c.principal.userId,
        at: now,
      });
      this.bus.publish('lock.entryRecorded', lock.enterpriseId, {
        ...this.payload(lock, `entry_${body.direction}`, permit.id, true),
        person: body.person,
      });
    });
    return { inside: this.repo.peopleInside(permit.id) };
  }

  entries(c: Caller, permitId: string) {
    this.permits.get(permitId, c);
    return this.repo.entries(permitId);
  }

  events(scope: EnterpriseScope, lockId: string) {
    this.get(scope, lockId);
    return this.repo.events(lockId, 100);
  }

  /** The lock is open and its last event was an unauthorised opening (whose alarm was raised). */
  private standingBreach(lockId: string): boolean {
    if (this.repo.get(lockId)?.state !== 'open') return false;
    const last = this.repo.events(lockId, 1)[0];
    return !!last && last.event === 'opened' && !last.authorised;
  }

  private payload(lock: Lock, event: string, permitId: string | null, authorised: boolean) {
    return { lockId: lock.id, siteId: lock.siteId, cameraId: lock.cameraId, event, permitId, authorised };
  }
}
