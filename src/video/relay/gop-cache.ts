import type { Fmp4Fragment } from './types.ts';

/**
 * What a new viewer needs to show a picture at once: the init segment and every fragment since the
 * last keyframe (a decoder can start only at a keyframe; with an 8 s GOP, waiting for the next one is
 * what made the MPEG-1 relay's first picture take ~9 s). Bounded: a GOP larger than `maxBytes` (a
 * camera whose keyframes stopped) is dropped, and the cache waits for the next keyframe.
 */
export class GopCache {
  private initSegment: { data: Buffer; codec: string } | null = null;
  private gop: Fmp4Fragment[] = [];
  private gopBytes = 0;

  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  get init(): { data: Buffer; codec: string } | null {
    return this.initSegment;
  }

  /** A new init (a new ffmpeg session): fragments of the old one cannot follow it. */
  setInit(data: Buffer, codec: string): void {
    this.initSegment = { data, codec };
    this.clearGop();
  }

  add(f: Fmp4Fragment): void {
    if (f.keyframe) this.clearGop();
    else if (this.gop.length === 0) return; // no keyframe yet: nothing here could be decoded
    if (this.gopBytes + f.data.length > this.maxBytes) {
      this.clearGop();
      return;
    }
    this.gop.push(f);
    this.gopBytes += f.data.length;
  }

  /** The fragments from the last keyframe on (empty until a keyframe came). */
  fromKeyframe(): readonly Fmp4Fragment[] {
    return this.gop;
  }

  get bytes(): number {
    return this.gopBytes;
  }

  /** The session ended: nothing cached belongs to the next one. */
  reset(): void {
    this.initSegment = null;
    this.clearGop();
  }

  private clearGop(): void {
    this.gop = [];
    this.gopBytes = 0;
  }
}
