import type { AppServices } from './app-services.ts';
import type { Config } from './config/schema.ts';
import { createOversightContext } from './oversight/module.ts';
import type { MqttBus } from './platform/mqtt/mqtt-bus.ts';
import { createPlatform, type Platform, type PlatformOptions } from './platform/platform.ts';
import { createSupervisionContext } from './supervision/module.ts';
import { GuardianPresenceBoard } from './supervision/violations/guardian-presence.ts';
import { createVideoContext } from './video/module.ts';
import type { Fmp4Feed } from './video/recording/feed.ts';
import { assembleRecording } from './recording-assembly.ts';
import type { Label } from './vision/detect/types.ts';
import type { VisionContext } from './vision/module.ts';
import { createSiteLearning } from './vision/adapt/module.ts';
import { ADAPTED_MODEL } from './vision/adapt/site-crops.ts';
import { apOf, shippedHardhatData } from './cli/commands/adapt-data.ts';
import { PROJECT_ROOT } from './vision/detect/manifest.ts';
import { resolve } from 'node:path';
import { KINDS } from './work/kinds/index.ts';
import { createWorkContext } from './work/module.ts';
import { LastKnownHealth, type CameraLiveness } from './work/permits/gate.ts';
import type { ActivePermitsIndex } from './work/permits/active-permits-index.ts';

export interface AssembleOptions {
  /** the broker connection; null in inject-only tests */
  mqtt: MqttBus | null;
  /** start per-camera evidence rings with startEvidence(); default config.evidence.clips */
  rings?: boolean;
  /** camera health now, for the monitoring gate; default: the last `camera.healthChanged` per camera */
  liveness?: CameraLiveness;
  /** starts detection once the permits index exists; default: none (tests) */
  vision?: (activePermits: ActivePermitsIndex) => Promise<VisionContext>;
  /**
   * where the permit audit reads camera health history: the ingest's camera_health_log (default; a
   * service whose ingest runs) or the chained camera.healthChanged events (tools and tests without ingest)
   */
  healthHistory?: 'ingest' | 'events';
  /** labels the fed detections can carry, for tools and tests that feed the pipeline without a detector */
  labels?: () => ReadonlySet<Label>;
  /** the fMP4 camera feed the permit recorder reads; default the video context's relay */
  recordingFeed?: Fmp4Feed | null;
}

/**
 * Builds every bounded context on the platform, in dependency order, and returns them whole:
 * video → work (monitoring gate on from here: fail closed) → vision → supervision → oversight.
 * Nothing is started beyond what a constructor must do (the gate's subscription, detection's
 * workers); the composition root (main.ts) starts the rest in its visible order, tests what they need.
 */
export async function assembleServices(platform: Platform, opts: AssembleOptions): Promise<AppServices> {
  const { config, bus, clock } = platform;
  const presence = new GuardianPresenceBoard(clock);
  const video = createVideoContext(platform, { rings: opts.rings ?? config.evidence.clips });
  const work = createWorkContext(platform, {
    liveness: opts.liveness ?? new LastKnownHealth(bus),
    presence,
    cameras: (id) => {
      const c = video.cameras.get(id);
      return c && { siteId: c.siteId, enterpriseId: c.enterpriseId };
    },
  });
  // a camera named on work in progress cannot be removed (it can be disabled: the gate then suspends)
  video.cameras.guardRemoval((id) =>
    work.permits.boundTo('camera', id, ['active', 'suspended'], true).map((p) => p.number),
  );
  const vision = opts.vision ? await opts.vision(work.activePermits) : { detect: null, stop: async () => {} };
  // site learning: reviewed no-hard-hat crops → `jianhu adapt` → the workers reload the adopted version
  const siteLearning = createSiteLearning(platform, {
    shipped: (limits) =>
      shippedHardhatData(resolve(PROJECT_ROOT, config.adapt.datasetsDir), {
        trainLimit: limits.train,
        valLimit: limits.val,
      }),
    ap: apOf,
    reload: () => {
      const detect = vision.detect;
      return detect ? (ref) => detect.reloadSiteModels(ref ? { [ADAPTED_MODEL]: ref } : {}) : null;
    },
    cameraEnterprises: () => video.cameras.list().map((c) => c.enterpriseId),
  });
  try {
    const supervision = createSupervisionContext(platform, {
      evidence: video.evidence,
      activePermitKinds: (cameraId, ts) => work.activePermits.kindsOn(cameraId, ts),
      kindFacts: (kind) => KINDS.find(kind),
      presence,
      labels: opts.labels ?? (vision.detect ? () => vision.detect!.labels : null),
      mqtt: opts.mqtt,
      runtimeCamera: (id) => video.cameras.get(id),
      siteCrops: (sighting) => siteLearning.crops.hold(sighting),
    });
    const oversight = createOversightContext(platform, {
      violations: supervision.violations,
      evidence: video.evidence,
      ingest: opts.healthHistory === 'events' ? null : video.ingest,
      mqtt: opts.mqtt,
    });
    const recording = assembleRecording(
      platform,
      work,
      video.cameras,
      opts.recordingFeed === undefined ? video.relay : opts.recordingFeed,
    );
    return {
      ...platform,
      mqtt: opts.mqtt,
      video,
      vision,
      siteLearning,
      work,
      supervision,
      oversight,
      recording,
    };
  } catch (e) {
    siteLearning.stop();
    work.stop();
    await vision.stop();
    throw e;
  }
}

/**
 * The platform plus every context, for tests and tools that drive the service through inject():
 * no broker, no camera processes, no detection, camera health history from the chained events (unless
 * `opts` say otherwise); timers of work and oversight started.
 */
export async function createServices(
  config: Config,
  opts: PlatformOptions &
    Omit<AssembleOptions, 'mqtt'> & {
      /** a broker connection, or how to make one on the platform (the embedded broker needs its devices) */
      mqtt?: MqttBus | null | ((platform: Platform) => Promise<MqttBus>);
    } = {},
): Promise<AppServices & { close(): Promise<void> }> {
  const platform = await createPlatform(config, opts);
  const mqtt = typeof opts.mqtt === 'function' ? await opts.mqtt(platform) : (opts.mqtt ?? null);
  const services = await assembleServices(platform, {
    healthHistory: 'events',
    ...opts,
    mqtt,
    rings: opts.rings ?? false,
  });
  await services.work.start(services.mqtt);
  services.oversight.start();
  return {
    ...services,
    async close() {
      services.recording.stop();
      services.supervision.stop();
      await services.supervision.drain();
      services.oversight.stop();
      services.work.stop();
      services.siteLearning.stop();
      await services.vision.stop();
      await services.video.stopEvidence();
      await services.video.ingest.stop();
      services.video.relay.close();
      platform.close();
    },
  };
}
