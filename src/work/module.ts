import type { Platform } from '../platform/platform.ts';
import type { MqttBus } from '../platform/mqtt/mqtt-bus.ts';
import { CertificatesRepo } from './certificates/certificates.repo.ts';
import { CertificatesService } from './certificates/certificates.service.ts';
import { LocksRepo } from './locks/locks.repo.ts';
import { LocksService, type GuardianPresence } from './locks/locks.service.ts';
import { ChipsService } from './machines/chips.service.ts';
import { distanceM, loadOrCreateMachineKey } from './machines/machine-token.ts';
import { MachinesRepo } from './machines/machines.repo.ts';
import { MachinesService } from './machines/machines.service.ts';
import { ScanService } from './machines/scan.service.ts';
import { ActivePermitsIndex } from './permits/active-permits-index.ts';
import { FieldService } from './permits/field.service.ts';
import { MonitoringGate, camerasDown, type CameraLiveness } from './permits/gate.ts';
import { PermitsRepo } from './permits/permits.repo.ts';
import { PermitsService } from './permits/permits.service.ts';

/** What the work context offers: its services (for routes) and the ports other contexts may read. */
export interface WorkContext {
  permits: PermitsService;
  field: FieldService;
  gate: MonitoringGate;
  certificates: CertificatesService;
  machines: MachinesService;
  scan: ScanService;
  chips: ChipsService;
  locks: LocksService;
  /** active permits per camera, kept from `permit.*` events (read by supervision and detection) */
  activePermits: ActivePermitsIndex;
  /** Starts the expiry sweep and, with a broker, the chip and lock subscriptions. */
  start(mqtt: MqttBus | null): Promise<void>;
  stop(): void;
}

/** What the work context hears from the others, given at construction. */
export interface WorkPorts {
  /** camera health now (the video context's ingest; tests may use LastKnownHealth) */
  liveness: CameraLiveness;
  /** a person at a camera's guardian post (the supervision context's presence board) */
  presence: GuardianPresence;
  /** where a camera is now (the video context's catalog, run-time cameras too); the config's when not given */
  cameras?: (cameraId: string) => { siteId: string; enterpriseId: string } | undefined;
}

/**
 * Builds permits, certificates, 一机一码 machines and scan, chips and 加锁赋码 locks. The monitoring
 * gate listens from construction on: fail closed, never a window without it.
 */
export function createWorkContext(platform: Platform, ports: WorkPorts): WorkContext {
  const { db, bus, clock, config, users, logger } = platform;
  const key = loadOrCreateMachineKey(config.store.dataDir);
  const certificates = new CertificatesService(
    new CertificatesRepo(db),
    users,
    clock,
    config.permits.scan.certificateWarnDays,
    config.permits.night.utcOffsetMinutes,
  );
  const permitsRepo = new PermitsRepo(db);
  const machinesRepo = new MachinesRepo(db);
  const locksRepo = new LocksRepo(db);
  const permits = new PermitsService(permitsRepo, bus, clock, config, users, {
    peopleInside: (permitId) => locksRepo.peopleInside(permitId),
    ownerOf: (kind, id) => (kind === 'machine' ? machinesRepo.get(id) : locksRepo.get(id))?.enterpriseId,
    machineDistanceM: (id, p) => {
      const m = machinesRepo.get(id);
      return m ? distanceM(m, p) : undefined;
    },
    camerasDown: (p) => camerasDown(ports.liveness, p),
    ...(ports.cameras ? { cameraPlacement: ports.cameras } : {}),
    certificateNo: (userId, categories, now) => certificates.numbersFor(userId, categories, now),
    certificatesOf: (userIds, categories) => certificates.ofWorkers(userIds, categories),
  });
  const field = new FieldService(permits, permitsRepo, bus, clock);
  const gate = new MonitoringGate(bus, permits, permitsRepo, ports.liveness, clock, logger);
  gate.start();
  const activePermits = new ActivePermitsIndex(bus, permits.activePermits(), (id) => permitsRepo.get(id));
  const machines = new MachinesService(machinesRepo, key, config, clock, (id) => permits.cameraSite(id));
  const scan = new ScanService(
    machinesRepo,
    key,
    permits,
    gate,
    certificates,
    bus,
    clock,
    config.permits.scan,
    (fn) => db.transaction(fn)(),
  );
  const chips = new ChipsService(
    machinesRepo,
    key,
    permits,
    gate,
    bus,
    clock,
    config.permits.chips,
    logger,
    platform.devices,
  );
  const locks = new LocksService(
    locksRepo,
    permits,
    field,
    gate,
    ports.presence,
    bus,
    clock,
    config,
    logger,
    platform.devices,
  );
  let sweep: NodeJS.Timeout | null = null;
  return {
    permits,
    field,
    gate,
    certificates,
    machines,
    scan,
    chips,
    locks,
    activePermits,
    async start(mqtt) {
      const startedAt = clock.now();
      sweep = setInterval(() => {
        try {
          permits.sweep();
          if (clock.now() - startedAt >= config.permits.startupGraceSeconds * 1000) gate.sweepActive();
        } catch (err) {
          logger.error({ err }, 'permit sweep failed');
        }
      }, config.permits.expirySweepSeconds * 1000);
      sweep.unref();
      if (mqtt) {
        await chips.attach(mqtt);
        await locks.attach(mqtt);
      }
    },
    stop() {
      if (sweep) clearInterval(sweep);
      chips.detach();
      gate.stop();
      activePermits.stop();
    },
  };
}
