/** The detection runtime's contracts: every detector plugin implements `Detector`. */
import type { Placement } from './preprocess.ts';

/**
 * The project's label vocabulary (what `jianhu detect --json` prints). `arc`: a welding arc or cutting
 * sparks (hot work without a flame; models/arc.card.md); `fire` stays for flame.
 */
export const LABELS = [
  'person',
  'phone',
  'helmet',
  'head',
  'vest',
  'no_vest',
  'fire',
  'smoke',
  'arc',
] as const;
export type Label = (typeof LABELS)[number];

/** [x1, y1, x2, y2] in source-image pixels. */
export type Box = [number, number, number, number];

export interface Detection {
  label: Label;
  score: number;
  box: Box;
}

/** An image handed to detectors: packed RGB24, row-major (same layout as ingest's Frame). */
export interface RgbImage {
  width: number;
  height: number;
  data: Buffer | Uint8Array;
}

/**
 * The pure decoding half of a whole-frame detector: its raw output for one input of
 * inputWidth×inputHeight → detections in source pixels. Plugins that offer one can run merged on a
 * shared backbone (plugins/shared-backbone.ts).
 */
export interface HeadDecoder {
  readonly labels: readonly Label[];
  decode(raw: Float32Array, placement: Placement, inputWidth: number, inputHeight: number): Detection[];
}

/** Which camera a frame is from and when (lets stage-2 plugins reuse recent per-person answers). */
export interface FrameContext {
  key: string;
  ts: number;
}

export interface Detector {
  readonly name: string;
  readonly labels: readonly Label[];
  /** Loads the model (verifying its sha256) and runs a warm-up inference. */
  init(): Promise<void>;
  /**
   * `context` carries detections from earlier stages (e.g. people from the person detector) so
   * second-stage plugins (hard hat on heads, vest on torsos) can crop from them.
   */
  detect(image: RgbImage, context?: readonly Detection[], frame?: FrameContext): Promise<Detection[]>;
  close(): Promise<void>;
  /**
   * Work done and spared so far, e.g. `{ "ppe-vest.runs": 12, "ppe-vest.reused": 30 }` (crops classified,
   * answers reused) or `{ "ppe-hardhat.runs", "ppe-hardhat.skipped" }` (frames with and without a person).
   */
  counts?(): Record<string, number>;
}
