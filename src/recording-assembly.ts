import { minRetentionDays, recordingPolicy } from './oversight/audit/recording-policy.ts';
import type { Platform } from './platform/platform.ts';
import type { CameraCatalogView } from './video/cameras/camera.types.ts';
import type { Fmp4Feed } from './video/recording/feed.ts';
import { createRecording, type RecordingContext } from './video/recording/recording.module.ts';
import type { WorkContext } from './work/module.ts';

/**
 * Recording by permit, joined here because it hears three contexts: video records (the fMP4 feed),
 * work says which permits are open on which cameras, oversight says what still refers to a segment.
 */
export function assembleRecording(
  platform: Platform,
  work: WorkContext,
  cameras: CameraCatalogView,
  feed: Fmp4Feed | null,
): RecordingContext {
  const cfg = platform.config.recording;
  return createRecording(platform, {
    feed,
    openPermits: () => {
      const open = new Map<string, readonly string[]>();
      for (const id of cameras.list().map((c) => c.id))
        for (const p of work.permits.boundTo('camera', id, ['active', 'suspended']))
          open.set(p.id, p.cameraIds);
      return [...open].map(([permitId, ids]) => ({ permitId, cameraIds: ids }));
    },
    cameras,
    policy: recordingPolicy(platform.db, cfg.retention),
    minRetentionDays: minRetentionDays(cfg.retention),
  });
}
