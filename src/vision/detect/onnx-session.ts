import * as ort from 'onnxruntime-node';

export interface SessionOptions {
  /**
   * onnxruntime intra-op threads. Set on purpose, never left to the default: on the 2-core target a
   * default (all cores) session oversubscribes as soon as two run at once or ffmpeg is busy; the
   * service runs `config.detect.sessions` single-thread sessions in worker threads instead
   * (measurements in src/vision/detect/README.md).
   */
  threads: number;
}

/** A loaded model with a reusable input tensor: `run()` reads `input` in place (no copy). */
export class OnnxSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly inputName: string,
    private readonly outputName: string,
    private readonly tensor: ort.Tensor,
    readonly input: Float32Array,
  ) {}

  static async load(
    model: Uint8Array,
    io: { inputName: string; outputName: string; dims: readonly number[] },
    opts: SessionOptions,
  ): Promise<OnnxSession> {
    const session = await ort.InferenceSession.create(model, {
      intraOpNumThreads: opts.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    const inputName = session.inputNames.includes(io.inputName) ? io.inputName : session.inputNames[0]!;
    const outputName = session.outputNames.includes(io.outputName) ? io.outputName : session.outputNames[0]!;
    const size = io.dims.reduce((a, b) => a * b, 1);
    const input = new Float32Array(size);
    const tensor = new ort.Tensor('float32', input, io.dims);
    return new OnnxSession(session, inputName, outputName, tensor, input);
  }

  /** Runs on `this.input` as filled by the caller; returns the output values. */
  async run(): Promise<Float32Array> {
    const out = await this.session.run({ [this.inputName]: this.tensor });
    const t = out[this.outputName]!;
    return t.data as Float32Array;
  }

  /** Runs on another buffer of another shape (models with symbolic input dims); no copy. */
  async runWith(input: Float32Array, dims: readonly number[]): Promise<Float32Array> {
    const out = await this.session.run({ [this.inputName]: new ort.Tensor('float32', input, dims) });
    return out[this.outputName]!.data as Float32Array;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
