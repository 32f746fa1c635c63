import ort from 'onnxruntime-node';
import { FittedInputs } from '../fitted-input.ts';
import { readVerifiedModel, type ModelEntry } from '../manifest.ts';
import { withDynamicSpatialInput } from '../onnx-dynamic-input.ts';
import { headAlone, headOutputName, mergeHeads } from '../onnx/merge-heads.ts';
import { decodeModel, encodeModel } from '../onnx/onnx-model.ts';
import { assertImage } from '../preprocess.ts';
import { Serial } from '../serial.ts';
import type { Detection, Detector, HeadDecoder, Label, RgbImage } from '../types.ts';

export interface SharedMember {
  entry: ModelEntry;
  decoder: HeadDecoder;
}

/** The labels a head waits for (manifest `options.runWhen`), or none: it runs on every frame. */
export const runWhenOf = (e: ModelEntry): readonly Label[] => {
  const w = e.options?.runWhen;
  return Array.isArray(w) ? (w as Label[]) : [];
};

/** A head run apart, after the base, on the frames where the base found what it waits for. */
interface GatedHead {
  member: SharedMember;
  waitsFor: ReadonlySet<Label>;
  session: ort.InferenceSession;
  /** its inputs: base tensors (the PAN outputs, the image) */
  cut: string[];
  runs: number;
  skipped: number;
}

/**
 * A base YOLOX model and the heads trained on its frozen backbone (manifest
 * `options.sharedBackbone: <base>`), run as one merged graph (onnx/merge-heads.ts): one
 * preprocessing pass, one backbone pass, each member's output decoded by that member's own decoder,
 * so the detections are those of the members run one by one (tests/integration/detect-shared-backbone.test.ts).
 *
 * A head with `options.runWhen` (the hard hat: `["person"]`) is not merged: the merged graph also
 * outputs the base tensors it reads, and its own nodes run as a second, small session only on frames
 * where the base found one of those labels. A frame with nobody in view costs the base and the
 * always-on heads (fire/smoke) only; `counts()` says how often each such head ran and was skipped.
 */
export class SharedBackboneDetector implements Detector {
  readonly name: string;
  readonly labels: readonly Label[];
  private session: ort.InferenceSession | null = null;
  private readonly fitted: FittedInputs;
  private readonly fit: boolean;
  /** heads inside the merged graph (run on every frame) */
  private readonly merged: readonly SharedMember[];
  private readonly waiting: readonly SharedMember[];
  private gated: GatedHead[] = [];
  private outputs: string[] = [];
  /** one frame at a time: the input buffers are reused */
  private readonly serial = new Serial();

  constructor(
    private readonly base: SharedMember,
    private readonly heads: readonly SharedMember[],
    private readonly ctx: { modelsDir: string; threads: number; gate?: boolean },
  ) {
    const members = [base, ...heads];
    this.name = members.map((m) => m.entry.name).join('+');
    this.labels = [...new Set(members.flatMap((m) => m.decoder.labels))];
    this.fit = members.every((m) => m.entry.options?.fitInput === true);
    this.fitted = new FittedInputs(base.entry.input);
    const gate = ctx.gate !== false;
    this.waiting = gate ? heads.filter((h) => runWhenOf(h.entry).length > 0) : [];
    this.merged = heads.filter((h) => !this.waiting.includes(h));
  }

  /** The member names, base first. */
  get members(): string[] {
    return [this.base, ...this.heads].map((m) => m.entry.name);
  }

  /** For each head run apart: frames it ran on and frames it was skipped on (`<name>.runs`, `.skipped`). */
  counts(): Record<string, number> {
    return Object.fromEntries(
      this.gated.flatMap((g) => [
        [`${g.member.entry.name}.runs`, g.runs],
        [`${g.member.entry.name}.skipped`, g.skipped],
      ]),
    );
  }

  async init(): Promise<void> {
    const read = (e: ModelEntry) => decodeModel(readVerifiedModel(e, this.ctx.modelsDir));
    const headModel = (h: SharedMember) => ({
      name: h.entry.name,
      model: read(h.entry),
      output: h.entry.output.name,
    });
    const base = read(this.base.entry);
    const apart = this.waiting.map((h) => ({ member: h, ...headAlone(base, headModel(h)) }));
    const input = this.base.entry.input.name;
    const exposed = [...new Set(apart.flatMap((a) => a.cut))].filter((t) => t !== input);
    const merged = mergeHeads(base, this.merged.map(headModel), exposed);
    this.session = await this.open(encodeModel(merged), this.fit);
    this.outputs = [
      this.base.entry.output.name,
      ...this.merged.map((h) => headOutputName(h.entry.name, h.entry.output.name)),
      ...exposed,
    ];
    for (const a of apart)
      this.gated.push({
        member: a.member,
        waitsFor: new Set(runWhenOf(a.member.entry)),
        session: await this.open(encodeModel(a.model), false),
        cut: a.cut,
        runs: 0,
        skipped: 0,
      });
    // warm-up: the first run allocates onnxruntime's arenas (a gated head is warmed by a forced run)
    const { width, height } = this.base.entry.input;
    await this.serial.run(() =>
      this.detectNow({ width, height, data: new Uint8Array(width * height * 3).fill(114) }, true),
    );
    for (const g of this.gated) g.runs = 0;
  }

  private open(bytes: Uint8Array, dynamic: boolean): Promise<ort.InferenceSession> {
    return ort.InferenceSession.create(dynamic ? withDynamicSpatialInput(bytes) : bytes, {
      intraOpNumThreads: this.ctx.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  }

  async detect(image: RgbImage): Promise<Detection[]> {
    assertImage(image);
    return this.serial.run(() => this.detectNow(image));
  }

  private async detectNow(image: RgbImage, runEveryHead = false): Promise<Detection[]> {
    const session = this.session;
    if (!session) throw new Error(`${this.name}: init() first`);
    const { input } = this.base.entry;
    const shape = this.fit ? this.fitted.for(image.width, image.height) : this.fitted.full();
    const placement = shape.pre.run(image);
    const imageTensor = new ort.Tensor('float32', shape.input, shape.dims);
    const out = await session.run({ [input.name]: imageTensor }, this.outputs);
    const [w, h] = [shape.dims[3]!, shape.dims[2]!];
    const found = new Map<SharedMember, Detection[]>();
    [this.base, ...this.merged].forEach((m, i) =>
      found.set(m, m.decoder.decode(out[this.outputs[i]!]!.data as Float32Array, placement, w, h)),
    );
    const seen = new Set(found.get(this.base)!.map((d) => d.label));
    for (const g of this.gated) {
      if (!runEveryHead && ![...g.waitsFor].some((l) => seen.has(l))) {
        g.skipped++;
        continue;
      }
      const feeds = Object.fromEntries(g.cut.map((t) => [t, t === input.name ? imageTensor : out[t]!]));
      const raw = await g.session.run(feeds);
      g.runs++;
      const data = raw[g.member.entry.output.name]!.data as Float32Array;
      found.set(g.member, g.member.decoder.decode(data, placement, w, h));
    }
    // in member order (base first), as when every head ran inside the merged graph
    return [this.base, ...this.heads].flatMap((m) => found.get(m) ?? []);
  }

  async close(): Promise<void> {
    await this.session?.release();
    this.session = null;
    for (const g of this.gated.splice(0)) await g.session.release();
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
