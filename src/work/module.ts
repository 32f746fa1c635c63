import type { AppServices } from '../app-services.ts';
import { CertificatesRepo } from './certificates/certificates.repo.ts';
import { CertificatesService } from './certificates/certificates.service.ts';
import { LocksRepo } from './locks/locks.repo.ts';
import { LocksService, type GuardianPresence } from './locks/locks.service.ts';
import { ChipsService } from './machines/chips.service.ts';
import { distanceM, loadOrCreateMachineKey } from './machines/machine-token.ts';
import { MachinesRepo } from './machines/machines.repo.ts';
import { MachinesService } from './machines/machines.service.ts';
import { ScanService } from './machines/scan.service.ts';
import type { MqttBus } from '../platform/mqtt/mqtt-bus.ts';
import { FieldService } from './permits/field.service.ts';
import { LastKnownHealth, MonitoringGate, type CameraLiveness } from './permits/gate.ts';
import { PermitsRepo } from './permits/permits.repo.ts';
import { PermitsService } from './permits/permits.service.ts';

export interface PermitsModule {
  permits: PermitsService;
  field: FieldService;
  gate: MonitoringGate;
  certificates: CertificatesService;
  machines: MachinesService;
  scan: ScanService;
  chips: ChipsService;
  locks: LocksService;
  /** Starts the gate, the expiry sweep and (with a broker) chip and lock subscriptions. */
  start(mqtt?: MqttBus): Promise<void>;
  stop(): void;
}

export interface PermitsModuleOptions {
  /** the ingest health service; without it the gate remembers `camera.healthChanged` events */
  liveness?: CameraLiveness;
  /** the rules module's guardian-post presence; without it the guardian's check-in counts */
  presence?: GuardianPresence;
}

/**
 * Builds permits, certificates, 一机一码 machines and scan, chips and 加锁赋码 locks on the core
 * services. Must be built before buildApp() so its routes are registered (services.permits).
 */
export function createPermitsModule(core: AppServices, opts: PermitsModuleOptions = {}): PermitsModule {
  const { db, bus, clock, config, users, logger } = core;
  const key = loadOrCreateMachineKey(config.store.dataDir);
  const certificates = new CertificatesService(
    new CertificatesRepo(db),
    users,
    clock,
    config.permits.scan.certificateWarnDays,
  );
  const permitsRepo = new PermitsRepo(db);
  const permits = new PermitsService(permitsRepo, bus, clock, config, users, (u, now) =>
    certificates.numberFor(u, now),
  );
  const field = new FieldService(permits, permitsRepo, bus, clock);
  const liveness = opts.liveness ?? new LastKnownHealth(bus);
  const gate = new MonitoringGate(bus, permits, permitsRepo, liveness, clock, logger);
  gate.start(); // the gate is on from construction: fail closed, never a window without it
  const machinesRepo = new MachinesRepo(db);
  const locksRepo = new LocksRepo(db);
  permits.machineDistanceM = (id, p) => {
    const m = machinesRepo.get(id);
    return m ? distanceM(m, p) : undefined;
  };
  permits.ownerOf = (kind, id) =>
    (kind === 'machine' ? machinesRepo.get(id) : locksRepo.get(id))?.enterpriseId;
  const machines = new MachinesService(machinesRepo, key, config, clock);
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
  const chips = new ChipsService(machinesRepo, key, permits, gate, bus, clock, config.permits.chips, logger);
  const locks = new LocksService(locksRepo, permits, permitsRepo, field, gate, bus, clock, config, logger);
  if (opts.presence) locks.presence = opts.presence;
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
    },
  };
}
