import ort from 'onnxruntime-node';
import { FittedInputs } from '../fitted-input.ts';
import { readVerifiedModel, type ModelEntry } from '../manifest.ts';
import { withDynamicSpatialInput } from '../onnx-dynamic-input.ts';
import { headOutputName, mergeHeads } from '../onnx/merge-heads.ts';
import { decodeModel, encodeModel } from '../onnx/onnx-model.ts';
import { assertImage } from '../preprocess.ts';
import { Serial } from '../serial.ts';
import type { Detection, Detector, HeadDecoder, Label, RgbImage } from '../types.ts';

export interface SharedMember {
  entry: ModelEntry;
  decoder: HeadDecoder;
}

/**
 * A base YOLOX model and the heads trained on its frozen backbone (manifest
 * `options.sharedBackbone: <base>`), run as one merged graph (onnx/merge-heads.ts): one
 * preprocessing pass, one backbone pass, each member's output decoded by that member's own decoder,
 * so the detections are those of the members run one by one (tests/integration/shared-backbone.test.ts).
 */
export class SharedBackboneDetector implements Detector {
  readonly name: string;
  readonly labels: readonly Label[];
  private session: ort.InferenceSession | null = null;
  private readonly fitted: FittedInputs;
  private readonly fit: boolean;
  private readonly outputs: string[];
  /** one frame at a time: the input buffers are reused */
  private readonly serial = new Serial();

  constructor(
    private readonly base: SharedMember,
    private readonly heads: readonly SharedMember[],
    private readonly ctx: { modelsDir: string; threads: number },
  ) {
    const members = [base, ...heads];
    this.name = members.map((m) => m.entry.name).join('+');
    this.labels = [...new Set(members.flatMap((m) => m.decoder.labels))];
    this.fit = members.every((m) => m.entry.options?.fitInput === true);
    this.fitted = new FittedInputs(base.entry.input);
    this.outputs = [
      base.entry.output.name,
      ...heads.map((h) => headOutputName(h.entry.name, h.entry.output.name)),
    ];
  }

  /** The member names, base first. */
  get members(): string[] {
    return [this.base, ...this.heads].map((m) => m.entry.name);
  }

  async init(): Promise<void> {
    const read = (e: ModelEntry) => decodeModel(readVerifiedModel(e, this.ctx.modelsDir));
    const merged = mergeHeads(
      read(this.base.entry),
      this.heads.map((h) => ({ name: h.entry.name, model: read(h.entry), output: h.entry.output.name })),
    );
    const bytes = encodeModel(merged);
    this.session = await ort.InferenceSession.create(this.fit ? withDynamicSpatialInput(bytes) : bytes, {
      intraOpNumThreads: this.ctx.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    // warm-up: the first run allocates onnxruntime's arenas
    const { width, height } = this.base.entry.input;
    await this.detect({ width, height, data: new Uint8Array(width * height * 3).fill(114) });
  }

  async detect(image: RgbImage): Promise<Detection[]> {
    assertImage(image);
    return this.serial.run(() => this.detectNow(image));
  }

  private async detectNow(image: RgbImage): Promise<Detection[]> {
    const session = this.session;
    if (!session) throw new Error(`${this.name}: init() first`);
    const { input } = this.base.entry;
    const shape = this.fit ? this.fitted.for(image.width, image.height) : this.fitted.full();
    const placement = shape.pre.run(image);
    const out = await session.run(
      { [input.name]: new ort.Tensor('float32', shape.input, shape.dims) },
      this.outputs,
    );
    const [w, h] = [shape.dims[3]!, shape.dims[2]!];
    return [this.base, ...this.heads].flatMap((m, i) =>
      m.decoder.decode(out[this.outputs[i]!]!.data as Float32Array, placement, w, h),
    );
  }

  async close(): Promise<void> {
    await this.session?.release();
    this.session = null;
  }
}

/**
 * Which selected stage-1 models can run merged: heads whose `options.sharedBackbone` names another
 * selected model with the same input layout, both with a decoder. Returns base name → head names.
 */
export function backboneGroups(
  entries: readonly ModelEntry[],
  hasDecoder: (e: ModelEntry) => boolean,
): Map<string, string[]> {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const groups = new Map<string, string[]>();
  for (const e of entries) {
    const baseName = e.options?.sharedBackbone;
    if (typeof baseName !== 'string' || e.stage !== 1) continue;
    const base = byName.get(baseName);
    if (!base || base.stage !== 1 || !hasDecoder(base) || !hasDecoder(e)) continue;
    if (JSON.stringify(base.input) !== JSON.stringify(e.input)) continue;
    groups.set(baseName, [...(groups.get(baseName) ?? []), e.name]);
  }
  return groups;
}
