import { suspendedForMonitoring } from '../permits/domain/suspend-cause.ts';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import type { Config } from '../../config/schema.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import { deviceTopics } from '../../platform/mqtt/device-identity.ts';
import type { DeviceRegistry } from '../../platform/mqtt/device-registry.ts';
import type { MqttBus } from '../../platform/mqtt/mqtt-bus.ts';
import type { MonitoringGate } from '../permits/gate.ts';
import type { MachineViolationKind } from '../permits/events.ts';
import type { PermitsService } from '../permits/permits.service.ts';
import { iso, type Clock } from '../../platform/shared/clock.ts';
import { defineError } from '../../platform/shared/errors.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import { verifyAuthorisation } from './machine-token.ts';
import type { Machine, MachinesRepo } from './machines.repo.ts';

/** What a 加芯赋码 chip reports, over MQTT (`<prefix>/<site>/machines/<id>/telemetry`) or HTTP. */
export const TelemetrySchema = Type.Object(
  {
    powered: Type.Boolean(),
    currentA: Type.Number({ minimum: 0, maximum: 2000 }),
    authorisation: Type.Optional(Type.String({ maxLength: 2048 })),
  },
  { additionalProperties: false },
);
export type Telemetry = Static<typeof TelemetrySchema>;

export const ChipErrors = {
  badPayload: defineError(
    'JH_ERR_CHIP_BAD_PAYLOAD',
    400,
    '芯片上报数据格式不正确。',
    'The chip report is not valid.',
  ),
};

/** How long a power_off command stays valid for the chip (a chip offline longer has its own fail-safe). */
const POWER_OFF_TTL_MS = 5 * 60_000;

export type Verdict = 'ok' | 'idle' | 'authorised' | 'refused_authorisation' | MachineViolationKind;

const TITLES: Record<MachineViolationKind, [string, string]> = {
  no_permit_hot_work: [
    '无票动火：焊机在无有效作业授权时出现焊接电流',
    'Hot work without a permit: welding current with no valid authorisation',
  ],
  unmonitored_hot_work: [
    '无监控动火：焊机出现焊接电流时作业点监控不在线',
    'Unmonitored hot work: welding current while the work point camera is not live',
  ],
};

/**
 * Judges chip reports: power-on with a valid, unused, unexpired authorisation opens a power session;
 * current above the threshold outside a valid session is 无票动火, and while monitoring is down
 * 无监控动火 — both major violations published as `machine.violationDetected` (repeats throttled).
 */
export class ChipsService {
  private readonly lastViolation = new Map<string, number>();
  private readonly lastStored = new Map<string, { powered: boolean; verdict: Verdict; at: number }>();
  private offs: (() => void)[] = [];
  constructor(
    private readonly repo: MachinesRepo,
    private readonly key: Buffer,
    private readonly permits: PermitsService,
    private readonly gate: MonitoringGate,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly cfg: Config['permits']['chips'],
    private readonly logger: Logger,
    /** signs the commands each chip verifies before it obeys */
    private readonly devices: DeviceRegistry,
  ) {}

  /** Subscribes to chip telemetry and tells chips to power off when their permit stops. */
  async attach(mqtt: MqttBus): Promise<void> {
    const filter = `${this.cfg.topicPrefix}/+/machines/+/telemetry`;
    await mqtt.subscribe(filter, (topic, payload) => this.onMqtt(topic, payload));
    for (const type of [
      'permit.suspended',
      'permit.revoked',
      'permit.expired',
      'permit.completed',
    ] as const) {
      this.offs.push(
        this.bus.on(type, (e) => {
          for (const m of this.machinesOfPermit(e.payload.permitId)) {
            // signed and short-lived: a chip obeys only a command it can verify, once (#23)
            const command = this.devices.signCommand('machine', m.id, {
              action: 'power_off',
              ref: e.payload.permitId,
              reason: e.payload.reason ?? e.payload.to,
              exp: this.clock.now() + POWER_OFF_TTL_MS,
            });
            if (!command) {
              this.logger.warn({ machineId: m.id }, 'power_off not sent: the chip has no MQTT credential');
              continue;
            }
            mqtt
              .publish(this.commandTopic(m), command)
              .catch((err: unknown) =>
                this.logger.warn({ err, machineId: m.id }, 'power_off command failed'),
              );
          }
        }),
      );
    }
  }

  detach(): void {
    for (const off of this.offs.splice(0)) off();
  }

  commandTopic(m: Machine): string {
    return deviceTopics(this.cfg.topicPrefix, { kind: 'machine', id: m.id, siteId: m.siteId }).command;
  }

  private machinesOfPermit(permitId: string): Machine[] {
    try {
      const p = this.permits.get(permitId, null);
      return p.machineIds.map((id) => this.repo.get(id)).filter((m): m is Machine => !!m);
    } catch {
      return [];
    }
  }

  private onMqtt(topic: string, payload: Buffer): void {
    const [, siteId, , machineId] = topic.split('/');
    const m = machineId ? this.repo.get(machineId) : undefined;
    if (!m || m.siteId !== siteId) {
      this.logger.warn({ topic }, 'telemetry for an unknown machine ignored');
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      body = undefined;
    }
    if (!Value.Check(TelemetrySchema, body)) {
      this.logger.warn({ topic }, 'malformed chip telemetry ignored');
      return;
    }
    this.report(m, body, 'mqtt');
  }

  /** Judges one report; returns the verdict (also stored with the telemetry row). */
  report(m: Machine, t: Telemetry, via: 'mqtt' | 'http'): Verdict {
    const now = this.clock.now();
    return this.bus.transaction(() => {
      const verdict = this.judge(m, t, now);
      // Stored on every change (power, verdict) and otherwise sampled every 10 s per machine: chips
      // report every second or faster, and each stored row costs a disk sync.
      const last = this.lastStored.get(m.id);
      if (!last || last.powered !== t.powered || last.verdict !== verdict || now - last.at >= 10_000) {
        this.repo.recordTelemetry(m.id, t.powered, t.currentA, via, now, verdict);
        this.lastStored.set(m.id, { powered: t.powered, verdict, at: now });
      }
      return verdict;
    });
  }

  private judge(m: Machine, t: Telemetry, now: number): Verdict {
    let session = this.repo.session(m.id);
    if (!t.powered) {
      if (session && this.repo.closeSession(m.id))
        this.power(m, false, session.jti !== null, session.permitId, session.userId);
      return 'idle';
    }
    let verdict: Verdict = 'ok';
    if (t.authorisation && !session?.jti) {
      const a = verifyAuthorisation(this.key, t.authorisation);
      if (a && a.machineId === m.id && a.exp >= now && this.repo.useAuthorisation(a.jti, now)) {
        this.repo.openSession(m.id, a.jti, a.permitId, a.userId, now);
        this.power(m, true, true, a.permitId, a.userId);
        verdict = 'authorised';
      } else {
        verdict = 'refused_authorisation';
      }
      session = this.repo.session(m.id);
    }
    if (!session) {
      this.repo.openSession(m.id, null, null, null, now);
      this.power(m, true, false, null, null);
      session = this.repo.session(m.id);
    }
    if (t.currentA <= this.cfg.currentThresholdA) return verdict;
    const kind = this.violationKind(m, session?.permitId ?? null);
    if (!kind) return verdict;
    this.flag(m, kind, session?.permitId ?? null, t.currentA, now);
    return kind;
  }

  private violationKind(m: Machine, permitId: string | null): MachineViolationKind | null {
    const permit = permitId ? this.safeGet(permitId) : undefined;
    const cams = [...(permit?.cameraIds ?? []), ...(m.cameraId ? [m.cameraId] : [])];
    const monitoringDown = cams.length > 0 && this.gate.camerasDown({ cameraIds: cams }).length > 0;
    if (!permit) return 'no_permit_hot_work'; // 无票 comes first: there is nothing to monitor against
    if (permit.state === 'active') return monitoringDown ? 'unmonitored_hot_work' : null;
    if (permit.state === 'suspended' && (monitoringDown || suspendedForMonitoring(permit)))
      return 'unmonitored_hot_work';
    return 'no_permit_hot_work';
  }

  private safeGet(permitId: string) {
    try {
      return this.permits.get(permitId, null);
    } catch {
      return undefined;
    }
  }

  private flag(
    m: Machine,
    kind: MachineViolationKind,
    permitId: string | null,
    currentA: number,
    now: number,
  ): void {
    const key = `${m.id}:${kind}`;
    const last = this.lastViolation.get(key);
    if (last !== undefined && now - last < this.cfg.violationRepeatSeconds * 1000) return;
    this.lastViolation.set(key, now);
    const [titleZh, title] = TITLES[kind];
    this.bus.publish('machine.violationDetected', m.enterpriseId, {
      machineId: m.id,
      siteId: m.siteId,
      kind,
      severity: 'major',
      titleZh,
      title,
      permitId,
      ...(m.cameraId ? { cameraId: m.cameraId } : {}),
      currentA,
      at: iso(now),
    });
  }

  private power(
    m: Machine,
    powered: boolean,
    authorised: boolean,
    permitId: string | null,
    userId: number | null,
  ): void {
    this.bus.publish('machine.powerChanged', m.enterpriseId, {
      machineId: m.id,
      siteId: m.siteId,
      powered,
      authorised,
      permitId,
      userId,
      ...(m.cameraId ? { cameraId: m.cameraId } : {}),
    });
  }
}
