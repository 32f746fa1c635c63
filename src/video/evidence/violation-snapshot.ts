import type { Config } from '../../config/schema.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import { iso, type Clock } from '../../platform/shared/clock.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import type { RuleZone } from '../../supervision/rules/types.ts';
import type { Box } from '../../vision/detect/types.ts';
import type { Frame } from '../ingest/types.ts';
import type { EvidenceRecord } from './evidence.repo.ts';
import type { EvidenceUnavailableRecord, EvidenceUnavailableRepo } from './evidence-unavailable.repo.ts';
import { chooseEvidenceFrame, type EvidenceProof, type FrameChoice } from './frame-choice.ts';
import type { RecentFrames } from './recent-frames.ts';
import type { OverlayBox, SnapshotInput } from './snapshot.ts';
import { offsetLabel } from './time-label.ts';

/** What the violation pipeline asks for: the detection's time and boxes; the frame is chosen here. */
export interface ViolationSnapshotRequest {
  /** the time of the frame the detection that raised the violation was made on, epoch ms */
  detectedAt: number;
  /** that frame, when the caller has it (else it is looked up among the recent frames by time) */
  frame?: Frame;
  /** `camera_fault`: the black frame is the proof; `scene`: a black frame is no evidence */
  proof: EvidenceProof;
  /** the detection's boxes (pixels of the detection's frame) */
  boxes: readonly OverlayBox[];
  /** the violation's own box among them (kept with the snapshot row for screens to outline) */
  violationBox: Box | null;
  zones: readonly (RuleZone & { highlight?: boolean })[];
  title: string;
  camera: string;
}

export type ViolationSnapshotOutcome =
  | { kind: 'stored'; record: EvidenceRecord; frameTs: number; offsetMs: number }
  | { kind: 'unavailable'; record: EvidenceUnavailableRecord };

/** The band's second line when the picture is not the detection's own frame (said, never hidden). */
export function snapshotNote(choice: Extract<FrameChoice, { kind: 'frame' }>): string | undefined {
  if (choice.replaced === null) return undefined;
  const off = offsetLabel(choice.offsetMs);
  return choice.replaced === 'black'
    ? `检测帧全黑，取 ${off} 画面 · detection frame black`
    : `检测帧未保留，取 ${off} 画面 · detection frame not kept`;
}

interface Deps {
  config: Config;
  frames: RecentFrames;
  unavailable: EvidenceUnavailableRepo;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  /** the evidence service's snapshot writer (file, sha256, row, `evidence.stored`) */
  store(
    owner: { violationId: number; enterpriseId: string; cameraId: string },
    input: SnapshotInput,
    frameBox: Box | null,
  ): Promise<EvidenceRecord>;
}

/**
 * Takes a violation's snapshot on the frame its detection was made on (frame-choice.ts picks it among
 * the frame handed in and the camera's recent frames), or records why there is none.
 */
export class ViolationSnapshots {
  constructor(private readonly d: Deps) {}

  async take(
    owner: { violationId: number; enterpriseId: string; cameraId: string },
    req: ViolationSnapshotRequest,
  ): Promise<ViolationSnapshotOutcome> {
    const cfg = this.d.config.evidence;
    const kept = this.d.frames.around(owner.cameraId, req.detectedAt, cfg.nearestFrameMs);
    const own = req.frame;
    const candidates = own && !kept.some((f) => f.ts === own.ts) ? [own, ...kept] : kept;
    const choice = chooseEvidenceFrame(candidates, req.detectedAt, {
      windowMs: cfg.nearestFrameMs,
      thresholds: cfg.blackFrame,
      proof: req.proof,
    });
    if (choice.kind === 'none') {
      const record = this.recordUnavailable({
        violationId: owner.violationId,
        enterpriseId: owner.enterpriseId,
        cameraId: owner.cameraId,
        kind: 'snapshot',
        reason: choice.reason,
        detectedAt: iso(req.detectedAt),
        framesLooked: choice.looked,
        meanLuma: choice.detectionFrame ? Math.round(choice.detectionFrame.meanLuma * 10) / 10 : null,
        createdAt: iso(this.d.clock.now()),
      });
      this.d.logger.warn(
        { violation: owner.violationId, camera: owner.cameraId, reason: choice.reason },
        'no usable frame for the snapshot 无可用画面',
      );
      return { kind: 'unavailable', record };
    }
    const f = choice.frame;
    const input: SnapshotInput = {
      width: f.width,
      height: f.height,
      rgb: f.data,
      boxes: req.boxes,
      zones: req.zones,
      title: req.title,
      camera: req.camera,
      ts: f.ts,
      note: snapshotNote(choice),
    };
    const record = await this.d.store(owner, input, req.violationBox);
    return { kind: 'stored', record, frameTs: f.ts, offsetMs: choice.offsetMs };
  }

  unavailableFor(violationId: number): EvidenceUnavailableRecord[] {
    return this.d.unavailable.forViolation(violationId);
  }

  /** The row and its chained event in one transaction; a second try for the same violation is a no-op. */
  private recordUnavailable(row: Omit<EvidenceUnavailableRecord, 'id'>): EvidenceUnavailableRecord {
    return this.d.bus.transaction(() => {
      if (this.d.unavailable.insert(row) !== null)
        this.d.bus.publish('evidence.unavailable', row.enterpriseId, {
          violationId: row.violationId,
          cameraId: row.cameraId,
          kind: row.kind,
          reason: row.reason,
          detectedAt: row.detectedAt,
          framesLooked: row.framesLooked,
          meanLuma: row.meanLuma,
        });
      return this.d.unavailable.forViolation(row.violationId).find((r) => r.kind === row.kind)!;
    });
  }
}
