import { findModel, loadManifest, readVerifiedModel } from '../detect/manifest.ts';
import { OnnxSession } from '../detect/onnx-session.ts';
import type { Box, Detection, RgbImage } from '../detect/types.ts';

/**
 * Person appearance vectors for the tracker (Intel OMZ person-reidentification-retail, 256-d, from
 * ../shared/models/person-reid/, sha256-checked through the manifest). Each person box is stretched
 * to the model's 128x256 BGR input; boxes under `minHeight` pixels give null (too few pixels to mean
 * anything). One single-thread session: the 2-core target also runs ffmpeg and the detectors.
 */
export class ReidEmbedder {
  private constructor(
    private readonly session: OnnxSession,
    private readonly w: number,
    private readonly h: number,
    private readonly nhwc: boolean,
    private readonly minHeight: number,
  ) {}

  static async create(opts: { modelsDir: string; model?: string; threads?: number; minHeight?: number }) {
    const entry = findModel(loadManifest(), opts.model ?? 'person-reid-0248');
    const input = entry.input as { name: string; layout: string; width: number; height: number };
    const output = entry.output as { name: string };
    const nhwc = input.layout === 'NHWC';
    const dims = nhwc ? [1, input.height, input.width, 3] : [1, 3, input.height, input.width];
    const session = await OnnxSession.load(
      readVerifiedModel(entry, opts.modelsDir),
      { inputName: input.name, outputName: output.name, dims },
      { threads: opts.threads ?? 1 },
    );
    return new ReidEmbedder(session, input.width, input.height, nhwc, opts.minHeight ?? 48);
  }

  async embed(image: RgbImage, people: readonly Detection[]): Promise<(Float32Array | null)[]> {
    const out: (Float32Array | null)[] = [];
    for (const p of people) {
      if (p.box[3] - p.box[1] < this.minHeight) {
        out.push(null);
        continue;
      }
      this.fill(image, p.box);
      const v = await this.session.run();
      out.push(Float32Array.from(v));
    }
    return out;
  }

  /** Stretch-resizes the box (nearest pixel) into the input tensor as BGR 0..255. */
  private fill(img: RgbImage, box: Box): void {
    const x0 = Math.max(0, Math.floor(box[0]));
    const y0 = Math.max(0, Math.floor(box[1]));
    const x1 = Math.min(img.width, Math.ceil(box[2]));
    const y1 = Math.min(img.height, Math.ceil(box[3]));
    const bw = Math.max(1, x1 - x0);
    const bh = Math.max(1, y1 - y0);
    const t = this.session.input;
    const plane = this.w * this.h;
    for (let y = 0; y < this.h; y++) {
      const sy = y0 + Math.min(bh - 1, Math.floor(((y + 0.5) * bh) / this.h));
      for (let x = 0; x < this.w; x++) {
        const sx = x0 + Math.min(bw - 1, Math.floor(((x + 0.5) * bw) / this.w));
        const si = (sy * img.width + sx) * 3;
        const r = img.data[si]!;
        const g = img.data[si + 1]!;
        const b = img.data[si + 2]!;
        if (this.nhwc) {
          const di = (y * this.w + x) * 3;
          t[di] = b;
          t[di + 1] = g;
          t[di + 2] = r;
        } else {
          const di = y * this.w + x;
          t[di] = b;
          t[plane + di] = g;
          t[2 * plane + di] = r;
        }
      }
    }
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
