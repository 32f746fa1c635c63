import type { ChildProcess } from 'node:child_process';
import type { Logger } from '../../platform/shared/logger.ts';
import { redactUrl } from '../../platform/shared/redact-url.ts';
import { spawnTied } from '../../platform/shared/tied-child.ts';
import { Backoff } from '../sources/backoff.ts';
import { autoTransport } from '../sources/rtsp-transport.ts';
import { schemeOf } from '../sources/registry.ts';
import type { CameraSource } from '../sources/types.ts';
import { fmp4RelayArgs } from './fmp4-args.ts';
import { Fmp4Splitter } from './fmp4-splitter.ts';
import { GopCache } from './gop-cache.ts';
import type { Fmp4Fragment, Fmp4Listener } from './types.ts';

export interface UpstreamOptions {
  ffmpegPath: string;
  fragmentMs: number;
  /** keep ffmpeg this long after the last subscriber left (a page reload does not restart it) */
  idleGraceMs: number;
  /** a subscriber with more than this queued is cut off (`slow_subscriber`) */
  maxBufferedBytes: number;
  /** reconnect delays; ingest's ladder by default */
  backoff?: readonly (readonly [number, number])[];
}

export interface UpstreamStats {
  cameraId: string;
  subscribers: number;
  running: boolean;
  codec: string | null;
  spawns: number;
  bytesIn: number;
  fragments: number;
  cutOff: number;
}

interface Subscriber {
  listener: Fmp4Listener;
  /** nothing is delivered until the next keyframe (a decoder cannot start elsewhere) */
  awaitingKeyframe: boolean;
  hasInit: boolean;
}

/**
 * One camera's upstream: one ffmpeg copying the main stream to fragmented MP4, shared by every
 * subscriber (live viewers, the recorder). Started by the first subscriber, stopped `idleGraceMs` after
 * the last one left, reconnected with a stepped back-off while anyone listens. A session id guards
 * against a stopped ffmpeg's late output being taken for the current one's.
 */
export class CameraUpstream {
  private readonly subs = new Set<Subscriber>();
  private readonly cache = new GopCache();
  private readonly backoff: Backoff;
  private proc: ChildProcess | null = null;
  private session = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;
  readonly stats: UpstreamStats;

  constructor(
    readonly cameraId: string,
    private readonly source: CameraSource,
    private readonly logger: Logger,
    private readonly opts: UpstreamOptions,
    /** told when the upstream stopped for want of subscribers (the feed forgets it) */
    private readonly onIdle: () => void = () => {},
  ) {
    this.backoff = new Backoff(opts.backoff);
    this.stats = {
      cameraId,
      subscribers: 0,
      running: false,
      codec: null,
      spawns: 0,
      bytesIn: 0,
      fragments: 0,
      cutOff: 0,
    };
  }

  subscribe(listener: Fmp4Listener, opts: { fromKeyframe?: boolean } = {}): () => void {
    if (this.closed) {
      listener.onEnd?.({ code: 'relay_closed', message: 'the relay is stopping' });
      return () => {};
    }
    const sub: Subscriber = { listener, awaitingKeyframe: true, hasInit: false };
    this.subs.add(sub);
    this.stats.subscribers = this.subs.size;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const init = this.cache.init;
    if (init) {
      sub.hasInit = this.deliver(sub, () => listener.onInit(init.data, init.codec));
      const gop = this.cache.fromKeyframe();
      if (opts.fromKeyframe && gop.length > 0 && sub.hasInit) {
        sub.awaitingKeyframe = false;
        for (const f of gop) if (!this.deliver(sub, () => listener.onFragment(f))) break;
      }
    }
    if (!this.proc && !this.retryTimer) this.spawn();
    return () => this.remove(sub);
  }

  private remove(sub: Subscriber): void {
    if (!this.subs.delete(sub)) return;
    this.stats.subscribers = this.subs.size;
    if (this.subs.size === 0 && !this.idleTimer && !this.closed) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = null;
        if (this.subs.size > 0) return;
        this.halt();
        this.onIdle();
      }, this.opts.idleGraceMs);
    }
  }

  /** Runs one callback for a subscriber; false (and the subscriber is gone) when it threw. */
  private deliver(sub: Subscriber, call: () => void): boolean {
    try {
      call();
      return this.subs.has(sub);
    } catch (err) {
      this.logger.warn({ err, cameraId: this.cameraId }, 'fMP4 relay: a subscriber failed; dropped');
      this.remove(sub);
      return false;
    }
  }

  private end(sub: Subscriber, code: string, message: string): void {
    this.remove(sub);
    try {
      sub.listener.onEnd?.({ code, message });
    } catch {
      /* it is gone either way */
    }
  }

  private spawn(): void {
    this.retryTimer = null;
    const session = ++this.session;
    const splitter = new Fmp4Splitter();
    let delivered = false;
    let stderrTail = '';
    // `auto`: TCP first, or the transport that works for this camera now (sources/rtsp-transport.ts);
    // without this a UDP-only camera (VLC answers 461 to TCP) was never relayed, so never recorded
    const tried = autoTransport.choose(this.source);
    const source = { ...this.source, rtspTransport: tried };
    const proc = spawnTied(this.opts.ffmpegPath, fmp4RelayArgs(source, this.opts.fragmentMs), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    this.stats.spawns++;
    this.stats.running = true;
    proc.stdout?.on('data', (chunk: Buffer) => {
      if (session !== this.session) return;
      this.stats.bytesIn += chunk.length;
      let outputs;
      try {
        outputs = splitter.push(chunk);
      } catch (err) {
        this.logger.warn({ err, cameraId: this.cameraId }, 'fMP4 relay: unreadable output; restarting');
        proc.kill('SIGKILL');
        return;
      }
      for (const o of outputs) {
        if (o.kind === 'init') this.onInit(o.data, o.codec);
        else {
          if (o.keyframe && !delivered) {
            // a session that delivered a picture resets the ladder
            delivered = true;
            this.backoff.reset();
          }
          this.onFragment({
            data: o.data,
            keyframe: o.keyframe,
            receivedAt: Date.now(),
            decodeTime: o.decodeTime,
            timescale: o.timescale,
            durationMs: o.timescale > 0 ? (o.duration * 1000) / o.timescale : 0,
            session,
          });
        }
      }
    });
    proc.stderr?.on('data', (b: Buffer) => {
      // ffmpeg prints the URL it failed on: redact before keeping the tail
      stderrTail = redactUrl(stderrTail + b.toString(), [this.source.url]).slice(-500);
    });
    proc.on('error', (err) =>
      this.logger.error({ err, cameraId: this.cameraId }, 'fMP4 relay: ffmpeg failed to start'),
    );
    proc.on('close', (code, signal) => {
      if (session !== this.session) return;
      this.proc = null;
      this.stats.running = false;
      this.cache.reset();
      if (this.closed || this.subs.size === 0) return;
      const refused =
        schemeOf(this.source.url).startsWith('rtsp') && autoTransport.failed(this.source, tried, stderrTail);
      if (refused && !delivered) {
        // the camera refused TCP before any picture: auto retries over UDP at once, nothing was lost
        this.logger.info({ cameraId: this.cameraId }, 'fMP4 relay: camera refuses TCP, auto uses UDP');
        this.retryTimer = setTimeout(() => this.spawn(), 0);
        return;
      }
      const message = stderrTail.trim() || `ffmpeg exited (${code ?? signal})`;
      for (const sub of [...this.subs]) {
        sub.hasInit = false;
        sub.awaitingKeyframe = true;
        this.deliver(sub, () => sub.listener.onUpstreamDown?.({ code: 'upstream_down', message }));
      }
      const delay = this.backoff.next();
      this.logger.warn(
        { cameraId: this.cameraId, code, signal, delay, stderr: stderrTail.trim() },
        'fMP4 relay: ffmpeg exited, reconnecting 视频转发中断，正在重连',
      );
      this.retryTimer = setTimeout(() => this.spawn(), delay);
    });
  }

  private onInit(data: Buffer, codec: string): void {
    this.cache.setInit(data, codec);
    this.stats.codec = codec;
    for (const sub of [...this.subs]) {
      sub.awaitingKeyframe = true;
      sub.hasInit = this.deliver(sub, () => sub.listener.onInit(data, codec));
    }
  }

  private onFragment(f: Fmp4Fragment): void {
    this.cache.add(f);
    this.stats.fragments++;
    for (const sub of [...this.subs]) {
      if (!sub.hasInit || (sub.awaitingKeyframe && !f.keyframe)) continue;
      const queued = sub.listener.bufferedBytes?.() ?? 0;
      if (queued > this.opts.maxBufferedBytes) {
        this.stats.cutOff++;
        this.end(sub, 'slow_subscriber', `${queued} bytes queued, over ${this.opts.maxBufferedBytes}`);
        continue;
      }
      sub.awaitingKeyframe = false;
      this.deliver(sub, () => sub.listener.onFragment(f));
    }
  }

  /** Stops ffmpeg (SIGTERM, SIGKILL after 2 s) and any pending reconnect. */
  private halt(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.backoff.reset();
    this.cache.reset();
    const proc = this.proc;
    this.proc = null;
    this.session++;
    this.stats.running = false;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const kill = setTimeout(() => proc.kill('SIGKILL'), 2000);
    proc.once('close', () => clearTimeout(kill));
  }

  /** Ends every subscriber with `code` and stops for good. */
  close(code = 'relay_closed', message = 'the relay is stopping'): void {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    for (const sub of [...this.subs]) this.end(sub, code, message);
    this.halt();
  }
}
