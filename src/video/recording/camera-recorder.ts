import { join } from 'node:path';
import type { Clock } from '../../platform/shared/clock.ts';
import type { Fmp4Feed, Fmp4Fragment, Fmp4Listener } from './feed.ts';
import { SegmentFile, type ClosedSegment } from './segment-file.ts';

export type CloseReason = 'length' | 'stopped' | 'feed_ended' | 'stalled' | 'reinit';

export interface RecorderSink {
  segmentClosed(cameraId: string, seg: ClosedSegment, closedBy: CloseReason): void;
  gap(cameraId: string, gap: { from: number; to: number; cause: string; message: string }): void;
  error(cameraId: string, err: unknown): void;
}

export interface CameraRecorderOptions {
  dir: string;
  segmentSeconds: number;
  preRollSeconds: number;
  /** no fragment for this long while recording: the feed is treated as ended (a gap) and re-opened */
  stallMs: number;
  /** a start-up or restart pause shorter than this is not reported as a gap (the first keyframe) */
  minGapMs: number;
}

const RESUBSCRIBE_MAX_MS = 10_000;
/** the pre-roll ring never holds more than this (a camera at 2 Mbit/s needs 2.5 MB for 10 s) */
const RING_MAX_BYTES = 64 * 1024 * 1024;

/**
 * One camera's recording: a subscription to the shared fMP4 feed, a pre-roll ring of fragments while
 * armed, and segments (init + fragments, cut at the first keyframe after `segmentSeconds`) while
 * recording. When the feed ends or stalls the open segment closes, the time without video is kept as a
 * gap (reported when video comes back or the recording stops), and the feed is re-opened with backoff.
 */
export class CameraRecorder {
  private unsubscribe: (() => void) | null = null;
  private init: { data: Buffer; codec: string } | null = null;
  private ring: Fmp4Fragment[] = [];
  private ringBytes = 0;
  private seg: SegmentFile | null = null;
  private recording = false;
  private armed = false;
  private gapOpen: { from: number; cause: string; message: string; always: boolean } | null = null;
  private lastVideoAt = 0;
  private retry: NodeJS.Timeout | null = null;
  private retryMs = 1000;
  private readonly watchdog: NodeJS.Timeout;
  private generation = 0;

  constructor(
    readonly cameraId: string,
    private readonly feed: Fmp4Feed,
    private readonly sink: RecorderSink,
    private readonly clock: Clock,
    private readonly opts: CameraRecorderOptions,
  ) {
    this.watchdog = setInterval(() => this.checkStall(), Math.min(2000, opts.stallMs / 2));
    this.watchdog.unref();
  }

  get isRecording(): boolean {
    return this.recording;
  }

  /** Keep the feed open (for the pre-roll) without writing. */
  arm(): void {
    this.armed = true;
    this.open();
  }

  start(): void {
    if (this.recording) return;
    this.recording = true;
    this.lastVideoAt = this.clock.now();
    if (this.ring.length > 0 && this.init) {
      const [first, ...rest] = this.ring;
      this.openSegment(first!);
      for (const f of rest) this.seg!.append(f);
    } else {
      this.gapOpen ??= {
        from: this.clock.now(),
        cause: 'not_started',
        message: 'no video yet 尚无视频',
        always: false,
      };
    }
    this.clearRing();
    this.open();
  }

  stop(): void {
    if (!this.recording) return;
    this.recording = false;
    this.closeSegment('stopped');
    this.flushGap(this.clock.now());
    if (!this.armed || this.opts.preRollSeconds === 0) this.close();
  }

  dispose(): void {
    this.armed = false;
    this.stop();
    this.close();
    clearInterval(this.watchdog);
  }

  private open(): void {
    if (this.unsubscribe || this.retry) return;
    const gen = ++this.generation;
    const live = () => gen === this.generation;
    const listener: Fmp4Listener = {
      onInit: (data, codec) => live() && this.onInit(data, codec),
      onFragment: (f) => live() && this.onFragment(f),
      onUpstreamDown: (cause) => live() && this.onUpstreamDown(cause.code, cause.message),
      onEnd: (cause) => live() && this.onEnd(cause.code, cause.message),
    };
    try {
      this.unsubscribe = this.feed.subscribe(this.cameraId, listener, { fromKeyframe: true });
    } catch (e) {
      this.sink.error(this.cameraId, e);
      this.onEnd('subscribe_failed', (e as Error).message);
    }
  }

  private close(): void {
    this.generation++;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const off = this.unsubscribe;
    this.unsubscribe = null;
    off?.();
    this.init = null;
    this.clearRing();
  }

  private onInit(data: Buffer, codec: string): void {
    if (this.seg) {
      const from = this.seg.end;
      this.closeSegment('reinit');
      this.gapOpen ??= { from, cause: 'reinit', message: 'stream restarted 视频流重新开始', always: true };
    }
    this.init = { data, codec };
    this.clearRing();
  }

  private onFragment(f: Fmp4Fragment): void {
    if (!this.init) return;
    this.lastVideoAt = this.clock.now();
    this.retryMs = 1000;
    if (!this.recording) return this.pushRing(f);
    try {
      if (!this.seg) {
        if (f.keyframe) this.openSegment(f);
      } else if (f.keyframe && this.seg.secondsTo(f) >= this.opts.segmentSeconds) {
        this.closeSegment('length');
        this.openSegment(f);
      } else this.seg.append(f);
    } catch (e) {
      this.sink.error(this.cameraId, e); // a failed write (full disk): the next keyframe tries again
      this.seg = null;
    }
  }

  /** The feed's upstream broke and it reconnects by itself: close the segment, keep listening. */
  private onUpstreamDown(code: string, message: string): void {
    this.lastVideoAt = this.clock.now(); // the feed is on it: the stall watchdog waits afresh
    this.init = null;
    this.clearRing();
    if (!this.recording) return;
    const from = this.seg?.end ?? this.gapOpen?.from ?? this.clock.now();
    this.closeSegment('feed_ended');
    if (!this.gapOpen || !this.gapOpen.always) this.gapOpen = { from, cause: code, message, always: true };
  }

  private onEnd(code: string, message: string): void {
    const now = this.clock.now();
    if (this.recording) {
      const from = this.seg?.end ?? this.gapOpen?.from ?? now;
      this.closeSegment(code === 'stalled' ? 'stalled' : 'feed_ended');
      if (!this.gapOpen || !this.gapOpen.always) this.gapOpen = { from, cause: code, message, always: true };
    }
    this.close();
    if (!this.recording && !this.armed) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.recording || this.armed) this.open();
    }, this.retryMs);
    this.retry.unref();
    this.retryMs = Math.min(this.retryMs * 2, RESUBSCRIBE_MAX_MS);
  }

  private checkStall(): void {
    if (!this.recording || !this.unsubscribe) return;
    const quiet = this.clock.now() - this.lastVideoAt;
    if (quiet > this.opts.stallMs)
      this.onEnd('stalled', `no video for ${Math.round(quiet / 1000)} s 视频中断`);
  }

  private openSegment(first: Fmp4Fragment): void {
    this.flushGap(first.receivedAt);
    const name = `${this.cameraId}-${new Date(first.receivedAt).toISOString().replace(/[-:.]/g, '')}.mp4`;
    const day = new Date(first.receivedAt).toISOString().slice(0, 10);
    this.seg = new SegmentFile(
      join(this.opts.dir, this.cameraId, day, name),
      this.init!.data,
      this.init!.codec,
      first,
    );
  }

  private closeSegment(by: CloseReason): void {
    const seg = this.seg;
    this.seg = null;
    if (!seg) return;
    try {
      this.sink.segmentClosed(this.cameraId, seg.close(), by);
    } catch (e) {
      this.sink.error(this.cameraId, e);
    }
  }

  private flushGap(to: number): void {
    const g = this.gapOpen;
    this.gapOpen = null;
    if (!g) return;
    const ms = to - g.from;
    if (ms < (g.always ? 1000 : this.opts.minGapMs)) return; // a restart's second is not a gap
    this.sink.gap(this.cameraId, { from: g.from, to, cause: g.cause, message: g.message });
  }

  private pushRing(f: Fmp4Fragment): void {
    if (this.opts.preRollSeconds === 0) return;
    if (this.ring.length === 0 && !f.keyframe) return;
    this.ring.push(f);
    this.ringBytes += f.data.length;
    // keep from the newest keyframe that is at least the pre-roll old
    const horizon = f.receivedAt - this.opts.preRollSeconds * 1000;
    let cut = 0;
    for (let i = 1; i < this.ring.length; i++)
      if (this.ring[i]!.keyframe && (this.ring[i]!.receivedAt <= horizon || this.ringBytes > RING_MAX_BYTES))
        cut = i;
    if (cut > 0) for (const d of this.ring.splice(0, cut)) this.ringBytes -= d.data.length;
  }

  private clearRing(): void {
    this.ring = [];
    this.ringBytes = 0;
  }
}
