import type { Box } from '../../vision/detect/types.ts';
import type { Frame } from '../ingest/types.ts';
import type { RuleZone } from '../../supervision/rules/types.ts';
import type { EvidenceRecord } from './evidence.repo.ts';
import type { EvidenceUnavailableRecord } from './evidence-unavailable.repo.ts';
import type { EvidenceProof, FrameChoice } from './frame-choice.ts';
import type { OverlayBox } from './snapshot.ts';
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
