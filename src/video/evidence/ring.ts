import type { ChildProcess } from 'node:child_process';
import { spawnTied } from '../../platform/shared/tied-child.ts';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../../platform/shared/logger.ts';
import { redactUrl } from '../../platform/shared/redact-url.ts';
import { inputArgs } from '../sources/registry.ts';
import { autoTransport } from '../sources/rtsp-transport.ts';
import type { CameraSource } from '../sources/types.ts';

/**
 * A per-camera ring of recent video: one ffmpeg process copies the camera's stream (no decoding,
 * `-c copy`) into short MPEG-TS segments named by their wall-clock start (`seg-<epoch s>.ts`); segments
 * older than `ringSeconds` are deleted. A clip is the concatenation of the segments that overlap the
 * wanted window, so the pre-roll exists when a violation is raised.
 */
export interface RingOptions {
  cameraId: string;
  /** the record stream, with its credentials and transport */
  source: CameraSource;
  dir: string;
  segmentSeconds: number;
  ringSeconds: number;
  logger: Logger;
  ffmpegPath?: string;
}

export interface Segment {
  path: string;
  start: number;
  /** null while ffmpeg is still writing it */
  end: number | null;
}

/** ffmpeg arguments for the segmenter (pure; table-tested). How the camera is opened is its source type's. */
export function segmenterArgs(source: CameraSource, dir: string, segmentSeconds: number): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    // `auto`: the transport that works for this camera now (the one ingest and the relay found)
    ...inputArgs(autoTransport.resolve(source), 'evidence'),
    '-map',
    '0:v:0',
    '-c',
    'copy',
    '-f',
    'segment',
    '-segment_time',
    String(segmentSeconds),
    '-segment_format',
    'mpegts',
    '-reset_timestamps',
    '1',
    '-strftime',
    '1',
    join(dir, 'seg-%s.ts'),
  ];
}

/** ffmpeg arguments to join segments into one MP4 without re-encoding. */
export function concatArgs(listFile: string, out: string): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    listFile,
    '-c',
    'copy',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    '-y',
    out,
  ];
}

const BACKOFF_MS = [1000, 1000, 5000, 10_000, 30_000];

export class SegmentRing {
  private proc: ChildProcess | null = null;
  private stopped = true;
  private restarts = 0;
  private timer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private lastError = '';
  /** clip windows in use: segments overlapping them are not pruned */
  private readonly pins = new Set<{ from: number }>();

  constructor(private readonly o: RingOptions) {}

  async start(): Promise<void> {
    await mkdir(this.o.dir, { recursive: true });
    // stale segments from an earlier run have unknown ends; start clean
    for (const f of await readdir(this.o.dir))
      if (f.startsWith('seg-')) await rm(join(this.o.dir, f), { force: true });
    this.stopped = false;
    this.spawn();
    this.pruneTimer = setInterval(() => void this.prune(Date.now()), this.o.segmentSeconds * 1000);
    this.pruneTimer.unref();
  }

  /** `detail` is the end of ffmpeg's stderr when it failed, camera credentials redacted */
  health(): { ok: boolean; detail: string } {
    return { ok: !!this.proc && this.proc.exitCode === null, detail: this.lastError || 'recording' };
  }

  private spawn(): void {
    if (this.stopped) return;
    const args = segmenterArgs(this.o.source, this.o.dir, this.o.segmentSeconds);
    // dies with the service, even on kill -9 (platform/shared/tied-child.ts)
    const p = spawnTied(this.o.ffmpegPath ?? 'ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc = p;
    const started = Date.now();
    // ffmpeg prints the URL it failed on, and this text reaches the log and the health detail: the
    // whole tail is redacted before it is cut, so a URL split across two chunks is caught too
    let tail = '';
    p.stderr?.on('data', (c: Buffer) => {
      tail = redactUrl(tail + c.toString(), [this.o.source.url]).slice(-300);
      this.lastError = tail.trim();
    });
    p.on('error', (e) => (this.lastError = e.message));
    p.on('exit', (code) => {
      if (this.proc === p) this.proc = null;
      if (this.stopped) return;
      if (Date.now() - started > 30_000) this.restarts = 0;
      const wait = BACKOFF_MS[Math.min(this.restarts++, BACKOFF_MS.length - 1)]!;
      this.o.logger.warn(
        { camera: this.o.cameraId, code, wait, err: this.lastError },
        'evidence ring ffmpeg exited',
      );
      this.timer = setTimeout(() => this.spawn(), wait);
      this.timer.unref();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((res) => {
      const kill = setTimeout(() => p.kill('SIGKILL'), 2000);
      p.once('exit', () => {
        clearTimeout(kill);
        res();
      });
      p.kill('SIGTERM');
    });
  }

  async segments(): Promise<Segment[]> {
    const names = (await readdir(this.o.dir).catch(() => [] as string[])).filter((f) =>
      /^seg-\d+\.ts$/.test(f),
    );
    const segs = names
      .map((f) => ({ path: join(this.o.dir, f), start: Number(f.slice(4, -3)) * 1000 }))
      .sort((a, b) => a.start - b.start);
    return segs.map((s, i) => ({ ...s, end: segs[i + 1]?.start ?? null }));
  }

  async prune(now: number): Promise<number> {
    const keepFrom = Math.min(now - this.o.ringSeconds * 1000, ...[...this.pins].map((p) => p.from));
    let n = 0;
    for (const s of await this.segments()) {
      if (s.end !== null && s.end < keepFrom) {
        await rm(s.path, { force: true });
        n++;
      }
    }
    return n;
  }

  /**
   * Writes the video between `from` and `to` (epoch ms) to `out` (MP4). Waits until the segments
   * covering `to` are complete, at most until `deadline`. Returns the window actually covered, or
   * null when the ring holds nothing for it (camera down, ring started too late).
   * `cutSlot`: awaited after the wait and before the cut, and its release called after it, so that a
   * caller can bound the cuts (ffmpeg processes) at once without bounding the clips waiting for their
   * end — a wait costs a timer, a cut a process.
   */
  async clip(
    from: number,
    to: number,
    out: string,
    deadline: number,
    cutSlot: () => Promise<() => void> = async () => () => {},
  ): Promise<{ from: number; to: number } | null> {
    const pin = { from };
    this.pins.add(pin);
    try {
      for (;;) {
        const segs = await this.segments();
        const last = segs[segs.length - 1];
        // on stop, cut the clip from what exists now rather than hold shutdown up
        if ((last && last.start >= to) || Date.now() >= deadline || this.stopped) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const release = await cutSlot();
      try {
        return await this.cut(from, to, out);
      } finally {
        release();
      }
    } finally {
      this.pins.delete(pin);
    }
  }

  private async cut(from: number, to: number, out: string): Promise<{ from: number; to: number } | null> {
    const use = (await this.segments()).filter((s) => s.end !== null && s.end > from && s.start < to);
    const sizes = await Promise.all(
      use.map((s) =>
        stat(s.path).then(
          (x) => x.size,
          () => 0,
        ),
      ),
    );
    const ok = use.filter((_, i) => sizes[i]! > 0);
    if (ok.length === 0) return null;
    const list = `${out}.txt`;
    // absolute paths: the concat demuxer reads relative ones against the list file's folder, which
    // is the clip's folder, not ours (a relative store.dataDir, as in the demo, broke every clip)
    const line = (p: string) => `file '${resolve(p).replace(/'/g, "'\\''")}'`;
    await writeFile(list, ok.map((s) => line(s.path)).join('\n') + '\n');
    try {
      await run(this.o.ffmpegPath ?? 'ffmpeg', concatArgs(list, out));
    } finally {
      await rm(list, { force: true });
    }
    return { from: ok[0]!.start, to: ok[ok.length - 1]!.end! };
  }
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((res, rej) => {
    const p = spawnTied(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr?.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-500)));
    p.on('error', rej);
    p.on('exit', (code) => (code === 0 ? res() : rej(new Error(`ffmpeg exited ${code}: ${err.trim()}`))));
  });
}
