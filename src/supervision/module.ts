import type { Platform } from '../platform/platform.ts';
import type { MqttBus } from '../platform/mqtt/mqtt-bus.ts';
import type { EvidenceService } from '../video/evidence/evidence.service.ts';
import { isLive } from '../video/ingest/types.ts';
import type { Label } from '../vision/detect/types.ts';
import type { NoHelmetSighting } from '../vision/adapt/site-crops.ts';
import type { GuardianPresenceBoard } from './violations/guardian-presence.ts';
import { bridgeViolationsToMqtt } from './violations/mqtt-bridge.ts';
import { permitsProvider, type ActivePermitKinds, type KindFactsOf } from './violations/permits-adapter.ts';
import { ViolationPipeline } from './violations/pipeline.ts';
import { ViolationsRepo } from './violations/violations.repo.ts';
import { ViolationsService } from './violations/violations.service.ts';
import { ZonesRepo } from './zones/zones.repo.ts';
import { ZonesService, type RuntimeCamera } from './zones/zones.service.ts';

/** What the supervision context offers: zones, violations and the live tracker → rules pipeline. */
export interface SupervisionContext {
  zones: ZonesService;
  violations: ViolationsService;
  /** fed by the detection scheduler's results (wired by the composition root) */
  pipeline: ViolationPipeline;
  /** Ends every open violation and stops listening; `drain()` then waits for evidence jobs. */
  stop(): void;
  drain(): Promise<void>;
}

/** What supervision hears from the other contexts, given at construction. */
export interface SupervisionPorts {
  evidence: EvidenceService;
  /** kinds of the permits active on a camera (the work context's ActivePermitsIndex) */
  activePermitKinds: ActivePermitKinds;
  /** what the rules need to know of each kind of work (the work context's kind registry) */
  kindFacts: KindFactsOf;
  /** where the pipeline writes guardian-post sightings (the locks read them) */
  presence: GuardianPresenceBoard;
  /** labels the running detectors produce; null: the labels seen in detections so far */
  labels: (() => ReadonlySet<Label>) | null;
  /** violations are forwarded to integrations here; null when there is no broker */
  mqtt: MqttBus | null;
  /** keeps the bare head of each no-hard-hat violation for site learning (vision/adapt); absent: off */
  siteCrops?: (s: NoHelmetSighting) => Promise<unknown>;
  /** cameras added at run time (the video context's catalog), so their zones and rules work too */
  runtimeCamera?: (cameraId: string) => RuntimeCamera | undefined;
}

/**
 * Zones seeded from the config, violations left open by the last run ended, the pipeline built, the
 * MQTT bridge on, and open violations ended the moment their camera stops being live (what it showed
 * can no longer be confirmed).
 */
export function createSupervisionContext(platform: Platform, ports: SupervisionPorts): SupervisionContext {
  const { config, db, bus, clock, logger } = platform;
  const zones = new ZonesService(config, new ZonesRepo(db), bus, clock, ports.runtimeCamera);
  zones.seedFromConfig();
  const violations = new ViolationsService(new ViolationsRepo(db), bus, clock);
  const closed = violations.closeDangling();
  if (closed > 0) logger.info({ closed }, 'violations left open by the last run were ended');
  const pipeline = new ViolationPipeline({
    config,
    zones,
    violations,
    evidence: ports.evidence,
    permits: permitsProvider(ports.activePermitKinds, ports.kindFacts),
    labels: ports.labels,
    presence: ports.presence,
    siteCrops: ports.siteCrops ?? null,
    logger,
  });
  const offs = [
    ports.mqtt ? bridgeViolationsToMqtt(bus, ports.mqtt, logger) : () => {},
    bus.on('camera.healthChanged', (e) => {
      if (!isLive(e.payload.to)) pipeline.cameraLost(e.payload.cameraId, clock.now());
    }),
  ];
  return {
    zones,
    violations,
    pipeline,
    stop() {
      pipeline.stop(clock.now());
      for (const off of offs.splice(0)) off();
    },
    drain: () => pipeline.idle(),
  };
}
