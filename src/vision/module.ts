import type { Platform } from '../platform/platform.ts';
import { DetectService, type ActivePermitSignal } from './detect/detect.service.ts';
import { siteModelsAtStart } from './adapt/module.ts';

/** What the vision context offers: the detection runtime, or null when it is off or its models are missing. */
export interface VisionContext {
  /** null: detection is off (`detect.enabled: false`) or could not start (shown on /healthz) */
  detect: DetectService | null;
  stop(): Promise<void>;
}

/**
 * Starts config.detect.sessions inference workers and the fair scheduler, cameras with active permits
 * first. Missing models are logged with where to get them and shown on /healthz; the rest of the
 * service (permits, video, audit) keeps running without detection.
 */
export async function startVisionContext(
  platform: Platform,
  permits: ActivePermitSignal,
): Promise<VisionContext> {
  const { config, logger, clock } = platform;
  if (!config.detect.enabled) return { detect: null, stop: async () => {} };
  let detect: DetectService;
  try {
    // the site's adopted hard-hat version, if any (jianhu adapt), verified against its recorded sha256
    detect = await DetectService.start(platform, config.detect, siteModelsAtStart(config.store.dataDir));
  } catch (e) {
    logger.error({ err: e }, 'detection unavailable 检测不可用');
    return { detect: null, stop: async () => {} };
  }
  const off = detect.followPermits(permits, clock.now());
  return {
    detect,
    async stop() {
      off();
      await detect.stop();
    },
  };
}
