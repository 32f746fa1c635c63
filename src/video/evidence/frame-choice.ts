import type { Frame } from '../ingest/types.ts';
import { judgeFrame, type LumaStats, type UnusableFrameThresholds } from './frame-quality.ts';

/**
 * Which decoded frame a violation's snapshot shows (pure). The snapshot must show the picture the
 * detection was made on — the boxes are that frame's boxes — so the frame whose timestamp equals the
 * detection's is taken, never simply the newest one the camera has sent since. When that picture is
 * black (dark and flat, frame-quality.ts) it proves nothing about a scene rule: the nearest good frame
 * within `windowMs` is taken instead (the band then says how far off it is), and when there is none the
 * violation is recorded as having no usable frame. A camera fault is proven by its black frame, so
 * for it the detection's frame is kept whatever it shows.
 */
export type EvidenceProof = 'scene' | 'camera_fault';

export interface FrameChoiceOptions {
  /** how far from the detection a replacement frame may be, ms */
  windowMs: number;
  thresholds: UnusableFrameThresholds;
  proof: EvidenceProof;
}

export type FrameChoice =
  | {
      kind: 'frame';
      frame: Frame;
      /** the frame's time minus the detection's; 0 when it is the detection's own frame */
      offsetMs: number;
      /** why the detection's own frame was not used, when it was not */
      replaced: 'black' | 'not_kept' | null;
    }
  | {
      kind: 'none';
      reason: 'no_usable_frame' | 'frame_not_kept';
      /** frames looked at within the window */
      looked: number;
      /** luma of the detection's own frame, when it was kept */
      detectionFrame: LumaStats | null;
    };

export function chooseEvidenceFrame(
  frames: readonly Frame[],
  detectedAt: number,
  o: FrameChoiceOptions,
): FrameChoice {
  const near = frames
    .filter((f) => Math.abs(f.ts - detectedAt) <= o.windowMs)
    // nearest first; at equal distance the earlier frame (before the event rather than after it)
    .sort((a, b) => Math.abs(a.ts - detectedAt) - Math.abs(b.ts - detectedAt) || a.ts - b.ts);
  const own = near.find((f) => f.ts === detectedAt);
  if (o.proof === 'camera_fault') {
    const f = own ?? near[0];
    if (!f) return { kind: 'none', reason: 'frame_not_kept', looked: 0, detectionFrame: null };
    return { kind: 'frame', frame: f, offsetMs: f.ts - detectedAt, replaced: own ? null : 'not_kept' };
  }
  let ownStats: LumaStats | null = null;
  for (const f of near) {
    const v = judgeFrame(f.data, f.width, f.height, o.thresholds);
    if (f === own) ownStats = { meanLuma: v.meanLuma, lumaStdDev: v.lumaStdDev };
    if (!v.usable) continue;
    const replaced = f === own ? null : own ? 'black' : 'not_kept';
    return { kind: 'frame', frame: f, offsetMs: f.ts - detectedAt, replaced };
  }
  return {
    kind: 'none',
    reason: near.length ? 'no_usable_frame' : 'frame_not_kept',
    looked: near.length,
    detectionFrame: ownStats,
  };
}
