import type { AppServices } from '../app-services.ts';
import type { Label } from '../vision/detect/types.ts';
import { EvidenceRepo } from '../video/evidence/evidence.repo.ts';
import { EvidenceService } from '../video/evidence/evidence.service.ts';
import type { ActivePermitsProvider } from './rules/types.ts';
import { ZonesRepo } from './zones/zones.repo.ts';
import { ZonesService } from './zones/zones.service.ts';
import { bridgeViolationsToMqtt } from './violations/mqtt-bridge.ts';
import { ViolationPipeline, type AppearanceEmbedder } from './violations/pipeline.ts';
import { ViolationsRepo } from './violations/violations.repo.ts';
import { ViolationsService } from './violations/violations.service.ts';

export interface ViolationModuleOptions {
  /**
   * labels the running detectors produce (`() => new Set(detectionPipeline.labels)`); without it the
   * pipeline uses the labels it has seen in detections so far
   */
  labels?: () => ReadonlySet<Label>;
  /** active permits per camera (the permits module) */
  permits?: ActivePermitsProvider;
  embedder?: AppearanceEmbedder;
  /** start the per-camera evidence rings (ffmpeg -c copy); default config.evidence.clips */
  rings?: boolean;
}

export interface ViolationModule {
  zones: ZonesService;
  violations: ViolationsService;
  evidence: EvidenceService;
  pipeline: ViolationPipeline;
  stop(): Promise<void>;
}

const HOUR = 3_600_000;

/**
 * Zones, violations, evidence and the live pipeline, wired onto `services` (zones, violations,
 * evidence, violationPipeline). Start order: zones seeded from config → dangling violations closed →
 * evidence rings → MQTT bridge → retention timer. `stop()` reverses it.
 */
export async function startViolationModule(
  services: AppServices,
  opts: ViolationModuleOptions,
): Promise<ViolationModule> {
  const { config, db, bus, clock, logger } = services;
  const zones = new ZonesService(config, new ZonesRepo(db), bus, clock);
  zones.seedFromConfig();
  const violations = new ViolationsService(new ViolationsRepo(db), bus, clock);
  const closed = violations.closeDangling();
  if (closed > 0) logger.info({ closed }, 'violations left open by the last run were ended');
  const evidence = new EvidenceService(config, new EvidenceRepo(db), bus, clock, logger);
  if (opts.rings ?? config.evidence.clips) await evidence.startRings();
  services.health.set('evidence', () => evidence.health());
  const offMqtt = services.mqtt ? bridgeViolationsToMqtt(bus, services.mqtt, logger) : () => {};
  const pipeline = new ViolationPipeline({
    config,
    zones,
    violations,
    evidence,
    permits: opts.permits,
    labels: opts.labels,
    embedder: opts.embedder,
    logger,
  });
  const sweep = () =>
    evidence.retentionSweep().catch((err: unknown) => logger.warn({ err }, 'evidence retention failed'));
  const timer = setInterval(() => void sweep(), HOUR);
  timer.unref();
  void sweep();
  Object.assign(services, { zones, violations, evidence, violationPipeline: pipeline });
  return {
    zones,
    violations,
    evidence,
    pipeline,
    async stop() {
      clearInterval(timer);
      pipeline.stop(clock.now());
      offMqtt();
      await evidence.stop();
      await pipeline.idle();
      services.health.delete('evidence');
    },
  };
}
