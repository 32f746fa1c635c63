import { FrameCadence } from './frame-cadence.ts';
import { frameStats } from './frame-stats.ts';
import type { Signals } from './health-machine.ts';

/**
 * The signals the health machine reads (health-machine.ts `Signals`), kept for one camera. Its frames
 * set the picture's side here (last frame, luma statistics, the run of identical frames, the cadence);
 * the supervisor sets the connection's side (connected, failure, silent session) on the same object.
 */
export class FrameSignals {
  readonly signals: Signals = {
    connected: false,
    lastFrameAt: null,
    failure: null,
    silentSession: false,
    meanLuma: null,
    stdLuma: null,
    unchangedSince: null,
    typicalIntervalMs: null,
  };
  // keyframes only: until measured, assume a 4 s GOP so the first interval is not called a stall
  private readonly cadence = new FrameCadence(4000);
  private prevGrid: Uint8Array | null = null;
  private prevFrameAt = 0;

  constructor(
    private readonly frame: { width: number; height: number },
    /** fraction of changed grid samples below which two frames count as identical */
    private readonly minChange: number,
    keyframesOnly: boolean,
  ) {
    this.signals.typicalIntervalMs = this.cadenceSignal(keyframesOnly);
  }

  /** A frame arrived at `now` from a decoder that decodes keyframes only, or every frame. */
  sample(data: Buffer, now: number, keyframesOnly: boolean): void {
    const s = frameStats(data, this.frame.width, this.frame.height, this.prevGrid);
    const sig = this.signals;
    if (s.changed !== null && s.changed < this.minChange) sig.unchangedSince ??= this.prevFrameAt;
    else sig.unchangedSince = null;
    this.prevGrid = s.grid;
    this.prevFrameAt = now;
    sig.lastFrameAt = now;
    this.cadence.frame(now);
    sig.typicalIntervalMs = this.cadenceSignal(keyframesOnly);
    sig.meanLuma = s.meanLuma;
    sig.stdLuma = s.stdLuma;
    sig.connected = true;
    sig.failure = null;
    sig.silentSession = false;
  }

  /** A new session (reconnect): the next interval would measure the outage, not the cadence. */
  sessionStarted(): void {
    this.cadence.break();
  }

  /** The decoding mode switched: a new rhythm, one frame per GOP or every sampled frame. */
  modeSwitched(): void {
    this.cadence.reset();
  }

  /**
   * Only a keyframes-only decoder earns a wider no-frame limit: a fully decoded camera whose frames
   * thin out is failing, and must not teach health to wait longer (the permit gate reads it).
   */
  private cadenceSignal(keyframesOnly: boolean): number | null {
    return keyframesOnly ? this.cadence.typical() : null;
  }
}
