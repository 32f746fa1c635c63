import { createHash, type Hash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Fmp4Fragment } from './feed.ts';

export interface ClosedSegment {
  /** absolute path of the finished `.mp4` */
  file: string;
  sha256: string;
  bytes: number;
  startedAt: number;
  endedAt: number;
  mediaStart: number;
  codec: string;
}

/**
 * One segment being written: the init segment then the fragments, appended as they come (stream copy:
 * the bytes are the camera's), hashed on the way. It is written as `<name>.part` and renamed once
 * synced, so a crash leaves a `.part` file and never a half segment under a final name.
 */
export class SegmentFile {
  private readonly fd: number;
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;
  readonly startedAt: number;
  readonly mediaStart: number;
  private readonly firstDecode: number;
  private endedAt: number;

  constructor(
    readonly file: string,
    private readonly init: Buffer,
    private readonly codec: string,
    first: Fmp4Fragment,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    this.fd = openSync(`${file}.part`, 'w', 0o640);
    this.startedAt = first.receivedAt;
    this.endedAt = first.receivedAt;
    this.firstDecode = first.decodeTime;
    this.mediaStart = first.decodeTime / first.timescale;
    this.write(init);
    this.append(first);
  }

  append(f: Fmp4Fragment): void {
    this.write(f.data);
    this.endedAt = Math.max(this.endedAt, f.receivedAt + f.durationMs);
  }

  /** Media seconds from the segment's first fragment to the start of `f`. */
  secondsTo(f: Fmp4Fragment): number {
    return (f.decodeTime - this.firstDecode) / f.timescale;
  }

  get end(): number {
    return this.endedAt;
  }

  close(): ClosedSegment {
    fsyncSync(this.fd);
    closeSync(this.fd);
    renameSync(`${this.file}.part`, this.file);
    return {
      file: this.file,
      sha256: this.hash.digest('hex'),
      bytes: this.bytes,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      mediaStart: this.mediaStart,
      codec: this.codec,
    };
  }

  private write(b: Buffer): void {
    let off = 0;
    while (off < b.length) off += writeSync(this.fd, b, off, b.length - off);
    this.hash.update(b);
    this.bytes += b.length;
  }

  /** the init segment it began with (the next segment after a length cut reuses it) */
  get initSegment(): Buffer {
    return this.init;
  }
}
