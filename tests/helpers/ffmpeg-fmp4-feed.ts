import { spawn, type ChildProcess } from 'node:child_process';
import type { Fmp4Feed, Fmp4Listener } from '../../src/video/recording/feed.ts';

/**
 * A test fMP4 feed (until the relay is merged; then the integration tests use src/video/relay): one
 * ffmpeg per subscription reading the camera with `-c copy` into fragmented MP4 on stdout, cut at every
 * keyframe, split into the init segment and moof+mdat fragments by their box headers. Real bytes of
 * the camera; `pids()` lets a test kill the ffmpeg.
 */
export function ffmpegFmp4Feed(urlOf: (cameraId: string) => string): Fmp4Feed & { pids(): number[] } {
  const procs = new Set<ChildProcess>();
  return {
    pids: () => [...procs].map((p) => p.pid!).filter(Boolean),
    subscribe(cameraId: string, listener: Fmp4Listener) {
      const p = spawn(
        'ffmpeg',
        [
          '-hide_banner',
          '-loglevel',
          'error',
          '-rtsp_transport',
          'tcp',
          '-i',
          urlOf(cameraId),
          '-map',
          '0:v:0',
          '-c',
          'copy',
          '-f',
          'mp4',
          '-movflags',
          'frag_keyframe+empty_moov+default_base_moof',
          'pipe:1',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      procs.add(p);
      let ended = false;
      let stderr = '';
      p.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-500)));
      const parser = new BoxSplitter(listener);
      p.stdout!.on('data', (d: Buffer) => parser.push(d));
      p.on('exit', (code, signal) => {
        procs.delete(p);
        if (ended) return;
        ended = true;
        listener.onEnd?.({
          code: 'upstream_exited',
          message: `ffmpeg exited ${signal ?? code}: ${stderr.trim()}`,
        });
      });
      return () => {
        ended = true;
        p.kill('SIGKILL');
      };
    },
  };
}

class BoxSplitter {
  private buf = Buffer.alloc(0);
  private init: Buffer[] = [];
  private initDone = false;
  private timescale = 90_000;
  private moof: Buffer | null = null;
  constructor(private readonly l: Fmp4Listener) {}

  push(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      if (this.buf.length < 8) return;
      const size = this.buf.readUInt32BE(0);
      if (this.buf.length < size) return;
      const box = this.buf.subarray(0, size);
      this.buf = this.buf.subarray(size);
      this.box(box.toString('latin1', 4, 8), Buffer.from(box));
    }
  }

  private box(type: string, box: Buffer): void {
    if (!this.initDone) {
      if (type !== 'moof') {
        this.init.push(box);
        if (type === 'moov') {
          const init = Buffer.concat(this.init);
          this.timescale = readMdhdTimescale(init) ?? 90_000;
          this.initDone = true;
          this.l.onInit(init, codecOf(init));
        }
        return;
      }
    }
    if (type === 'moof') this.moof = box;
    else if (type === 'mdat' && this.moof) {
      const data = Buffer.concat([this.moof, box]);
      const { decodeTime, duration } = fragmentTimes(this.moof);
      this.moof = null;
      this.l.onFragment({
        data,
        keyframe: true, // frag_keyframe: every fragment begins with one
        receivedAt: Date.now(),
        decodeTime,
        timescale: this.timescale,
        durationMs: (duration / this.timescale) * 1000,
      });
    }
  }
}

function find(buf: Buffer, fourcc: string, from = 0): number {
  return buf.indexOf(Buffer.from(fourcc, 'latin1'), from);
}

function readMdhdTimescale(init: Buffer): number | null {
  const i = find(init, 'mdhd');
  if (i < 0) return null;
  const version = init[i + 4]!;
  return init.readUInt32BE(i + (version === 1 ? 24 : 16));
}

function codecOf(init: Buffer): string {
  const i = find(init, 'avcC');
  if (i < 0) return 'avc1.42E01E';
  const hex = (n: number) => n.toString(16).padStart(2, '0').toUpperCase();
  return `avc1.${hex(init[i + 5]!)}${hex(init[i + 6]!)}${hex(init[i + 7]!)}`;
}

function fragmentTimes(moof: Buffer): { decodeTime: number; duration: number } {
  const t = find(moof, 'tfdt');
  const v = moof[t + 4]!;
  const decodeTime = v === 1 ? Number(moof.readBigUInt64BE(t + 8)) : moof.readUInt32BE(t + 8);
  const h = find(moof, 'tfhd');
  const hflags = moof.readUInt32BE(h + 4) & 0xffffff;
  let off = h + 12;
  if (hflags & 0x01) off += 8;
  if (hflags & 0x02) off += 4;
  const dflt = hflags & 0x08 ? moof.readUInt32BE(off) : 0;
  const r = find(moof, 'trun');
  const rflags = moof.readUInt32BE(r + 4) & 0xffffff;
  const count = moof.readUInt32BE(r + 8);
  let p = r + 12;
  if (rflags & 0x01) p += 4;
  if (rflags & 0x04) p += 4;
  if (!(rflags & 0x100)) return { decodeTime, duration: dflt * count };
  const per = [0x100, 0x200, 0x400, 0x800].filter((f) => rflags & f).length * 4;
  let duration = 0;
  for (let i = 0; i < count; i++) duration += moof.readUInt32BE(p + i * per);
  return { decodeTime, duration };
}
