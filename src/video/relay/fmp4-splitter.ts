import { boxAt, readFragmentInfo, readTrackInfo, type TrackInfo } from './mp4-boxes.ts';

export type SplitOutput =
  | { kind: 'init'; data: Buffer; codec: string; timescale: number }
  | {
      kind: 'fragment';
      data: Buffer;
      keyframe: boolean;
      decodeTime: number;
      /** in the track's timescale */
      duration: number;
      timescale: number;
    };

/** Any bigger top-level box is taken for garbage rather than buffered (a 4K keyframe is a few MB). */
const MAX_BOX_BYTES = 64 * 1024 * 1024;

/**
 * Splits ffmpeg's fragmented MP4 stdout, chunk by chunk, into the init segment (ftyp+moov) and
 * moof+mdat fragments. Chunks cut boxes anywhere; only complete boxes come out. Boxes that neither
 * begin nor carry media (free, sidx, mfra at the end) are skipped. Pure: feed bytes, get outputs.
 */
export class Fmp4Splitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private ftyp: Buffer | null = null;
  private track: TrackInfo | null = null;
  private moof: Buffer | null = null;

  /** Bytes given that did not come out yet (a box still arriving). */
  get buffered(): number {
    return this.pendingBytes;
  }

  get codec(): string | null {
    return this.track?.codec ?? null;
  }

  /** Takes the next chunk; returns what it completed. Throws on a stream that is not fMP4. */
  push(chunk: Buffer): SplitOutput[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    let buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    const out: SplitOutput[] = [];
    let at = 0;
    for (;;) {
      const box = boxAt(buf, at);
      if (!box) break;
      if ('malformed' in box) throw new Error(`fMP4: ${box.malformed}`);
      if (box.end - box.start > MAX_BOX_BYTES)
        throw new Error(`fMP4: ${box.type} box of ${box.end - box.start} bytes`);
      if (box.end > buf.length) break;
      const data = buf.subarray(box.start, box.end);
      this.take(box.type, data, out);
      at = box.end;
    }
    // keep only the incomplete tail (copied, so the big chunk it came from can be freed)
    buf = at === 0 ? buf : Buffer.from(buf.subarray(at));
    this.pending = buf.length ? [buf] : [];
    this.pendingBytes = buf.length;
    return out;
  }

  private take(type: string, data: Buffer, out: SplitOutput[]): void {
    if (type === 'ftyp') {
      this.ftyp = Buffer.from(data);
      return;
    }
    if (type === 'moov') {
      const moov = Buffer.from(data);
      const info = readTrackInfo(moov, boxAt(moov, 0) as never);
      if ('malformed' in info) throw new Error(`fMP4: ${info.malformed}`);
      this.track = info;
      const init = this.ftyp ? Buffer.concat([this.ftyp, moov]) : moov;
      out.push({ kind: 'init', data: init, codec: info.codec, timescale: info.timescale });
      return;
    }
    if (type === 'moof') {
      this.moof = Buffer.from(data);
      return;
    }
    if (type === 'mdat') {
      const moof = this.moof;
      this.moof = null;
      if (!moof || !this.track) return; // media before an init or without its moof: nothing can play it
      const info = readFragmentInfo(moof, boxAt(moof, 0) as never, this.track);
      if ('malformed' in info) throw new Error(`fMP4: ${info.malformed}`);
      out.push({
        kind: 'fragment',
        data: Buffer.concat([moof, data]),
        keyframe: info.keyframe,
        decodeTime: info.decodeTime,
        duration: info.duration,
        timescale: this.track.timescale,
      });
    }
    // styp, sidx, free, mfra, …: nothing a viewer or the recorder needs
  }
}
