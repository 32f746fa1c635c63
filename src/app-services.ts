import type { FastifyPluginAsync } from 'fastify';
import type { MqttBus } from './platform/mqtt/mqtt-bus.ts';
import type { Platform } from './platform/platform.ts';
import type { OversightContext } from './oversight/module.ts';
import type { SupervisionContext } from './supervision/module.ts';
import type { VideoContext } from './video/module.ts';
import type { RecordingContext } from './video/recording/recording.module.ts';
import type { VisionContext } from './vision/module.ts';
import type { SiteLearning } from './vision/adapt/module.ts';
import type { WorkContext } from './work/module.ts';

/**
 * Everything the HTTP layer, socket.io and the video relay may use: the platform and what each
 * bounded context offers. Built once, whole, by the composition root (src/main.ts; tests through
 * src/services.ts assembleServices) before buildApp(); no member is filled in later.
 */
export interface AppServices extends Platform {
  /** the service's broker connection; null only in inject-only tests without a broker */
  mqtt: MqttBus | null;
  video: VideoContext;
  vision: VisionContext;
  /** site learning of the hard-hat model: reviewed crops, `jianhu adapt`, rollback (src/vision/adapt) */
  siteLearning: SiteLearning;
  work: WorkContext;
  supervision: SupervisionContext;
  oversight: OversightContext;
  /** recording by permit, its retention and disk budget (#27; src/recording-assembly.ts) */
  recording: RecordingContext;
}

/** An HTTP route plugin; each context lists its own in its routes.ts, src/http-routes.ts joins them. */
export type RoutePlugin = FastifyPluginAsync<{ services: AppServices }>;
