/**
 * Runs async jobs one at a time, in call order. Detectors preprocess into one reused input buffer
 * (no allocation per frame), so two overlapping detect() calls on one detector would overwrite each
 * other's input while onnxruntime reads it; the service never overlaps them (one frame at a time per
 * worker), but `jianhu eval`, training scripts and tests may.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
