import type { Clock } from '../../platform/shared/clock.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import { Backoff } from '../sources/backoff.ts';
import { redactUrl } from '../../platform/shared/redact-url.ts';
import { buildFfmpegArgs, type FfmpegInput } from './ffmpeg-args.ts';
import { FfmpegProcess } from './ffmpeg-process.ts';
import { FramePool } from './frame-pool.ts';
import { FrameSignals } from './frame-signals.ts';
import type { Signals } from './health-machine.ts';
import type { Frame } from './types.ts';
import { schemeOf } from '../sources/registry.ts';
import { autoTransport, type ConcreteTransport } from '../sources/rtsp-transport.ts';

export interface SupervisorOptions extends FfmpegInput {
  cameraId: string;
  clock: Clock;
  logger: Logger;
  onFrame(frame: Frame): void;
  /** fraction of changed grid samples below which two frames count as identical */
  minChange: number;
  /** connected but no frame for this long: kill ffmpeg and reconnect (a wedged decoder or camera) */
  stallRestartMs?: number;
  backoff?: Backoff;
  ffmpegPath?: string;
  /**
   * `pooled`: frames read through a socket into reused buffers and published with a lease
   * (frame-pool.ts); `fresh`: a pipe and a new buffer per frame (the path before; bench:frames compares)
   */
  frameBuffers?: 'pooled' | 'fresh';
  /** the decoder's nice value above the service's (ffmpeg-process.ts) */
  decoderNice?: number;
}

/**
 * One camera: runs one ffmpeg at a time, reads fixed-size RGB frames from its stdout, keeps the
 * signals the health machine reads, and reconnects with stepped backoff after ANY exit (ffmpeg often
 * exits 0 when a stream dies). A generation number ties callbacks to their process, so a late event
 * from an old ffmpeg can never act on the new one, and a new ffmpeg starts only after the old one closed.
 */
export class CameraSupervisor {
  /** what health reads: the frames' side kept by `seen`, the connection's set here */
  readonly signals: Signals;
  private readonly seen: FrameSignals;
  readonly counters = { frames: 0, spawned: 0, exits: 0 };
  private proc: FfmpegProcess | null = null;
  private generation = 0;
  /** the generation whose frames are delivered (behind `generation` while a mode switch is under way) */
  private liveGen = 0;
  /** during a mode switch: the process still delivering until the new one's first frame */
  private retiring: FfmpegProcess | null = null;
  private keyframesOnly: boolean;
  /** the mode of the decoder delivering now (differs from keyframesOnly while a switch is under way) */
  private liveKeyframes: boolean;
  /** the switch under way was called back (not a failure) */
  private cancelled = false;
  private stopping = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private readonly backoff: Backoff;
  private readonly frameBytes: number;
  /** this camera's frame buffers (`frameBuffers: 'pooled'`), shared by its decoders */
  readonly pool: FramePool | undefined;
  private seq = 0;
  private sessionFrames = 0;
  private spawnedAt = 0;
  private killedForStall = false;
  /** the RTSP transport the running (or last) ffmpeg was asked for: `auto` resolved (rtsp-transport.ts) */
  private tried: ConcreteTransport = 'tcp';

  constructor(private readonly o: SupervisorOptions) {
    this.backoff = o.backoff ?? new Backoff();
    this.keyframesOnly = this.liveKeyframes = o.keyframesOnly === true;
    this.seen = new FrameSignals(o, o.minChange, this.liveKeyframes);
    this.signals = this.seen.signals;
    this.frameBytes = o.width * o.height * 3;
    this.pool = o.frameBuffers === 'fresh' ? undefined : new FramePool(this.frameBytes);
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  start(): void {
    this.stopping = false;
    this.spawnOnce();
    this.watchdog = setInterval(() => this.checkStall(), 1000);
    this.watchdog.unref();
  }

  /** The mode of the decoder delivering now (a switch under way has not changed it yet). */
  get decodesKeyframesOnly(): boolean {
    return this.liveKeyframes;
  }

  /**
   * Switch between full and keyframes-only decoding, make-before-break: a second ffmpeg starts in the
   * new mode and the old one keeps delivering until the new one's first frame, so health and the
   * permit gate never see a gap. If the new one dies first, the old one simply carries on.
   */
  setKeyframesOnly(on: boolean): void {
    if (this.stopping) return;
    if (this.retiring) {
      // a switch is under way and the old mode is wanted back: drop the new decoder (handoverFailed)
      if (on !== this.keyframesOnly) {
        this.cancelled = true;
        this.proc?.kill('SIGKILL');
      }
      return;
    }
    if (on === this.keyframesOnly) return;
    this.keyframesOnly = on;
    if (!this.proc) return; // waiting to retry: the next start uses the new mode
    this.retiring = this.proc;
    this.spawnOnce(true);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.watchdog) clearInterval(this.watchdog);
    this.retryTimer = this.watchdog = null;
    const running = [...(this.proc ? [this.proc] : []), ...(this.retiring ? [this.retiring] : [])];
    await Promise.all(running.map((r) => r.end()));
    this.retiring = null;
    this.signals.connected = false;
  }

  private spawnOnce(handover = false): void {
    this.retryTimer = null;
    if (this.stopping) return;
    const gen = ++this.generation;
    if (!handover) {
      this.liveGen = gen;
      this.liveKeyframes = this.keyframesOnly;
    }
    let args: string[];
    this.tried = autoTransport.choose({ url: this.o.url, rtspTransport: this.o.transport });
    try {
      args = buildFfmpegArgs({ ...this.o, transport: this.tried, keyframesOnly: this.keyframesOnly });
    } catch (e) {
      this.signals.failure = {
        reason: 'bad_url',
        message: `摄像头地址无效 Invalid camera URL: ${(e as Error).message}`,
      };
      return; // a config error; retrying cannot help
    }
    const p: FfmpegProcess = new FfmpegProcess(
      this.o.ffmpegPath ?? 'ffmpeg',
      args,
      this.frameBytes,
      {
        // the live decoder's frames, and those of a new one taking over (unless that switch was called back)
        drop: () => gen !== this.liveGen && (this.cancelled || !(gen === this.generation && this.retiring)),
        frame: (data) => {
          if (gen !== this.liveGen) this.promote(gen);
          this.frame(data);
        },
        mayOpen: () => gen === this.generation,
        opened: () => {
          this.o.logger.debug(
            { camera: this.o.cameraId, ms: this.o.clock.now() - this.spawnedAt },
            'stream opened',
          );
          this.signals.connected = true;
          this.signals.failure = null;
        },
        close: (code, signal) => this.exited(p, gen, code, signal),
      },
      { pool: this.pool, socket: this.pool !== undefined, nice: this.o.decoderNice },
    );
    this.proc = p;
    this.counters.spawned++;
    this.spawnedAt = this.o.clock.now();
    if (!handover) {
      this.sessionFrames = 0;
      this.seen.sessionStarted();
    }
  }

  private exited(p: FfmpegProcess, gen: number, code: number | null, signal: NodeJS.Signals | null): void {
    // the old decoder ended in the middle of a switch: the new one carries on (or fails as usual)
    if (this.retiring === p) return this.promote(this.generation);
    if (gen !== this.generation) return;
    if (gen !== this.liveGen) return this.handoverFailed(code, signal, p.tail);
    this.proc = null;
    this.counters.exits++;
    this.signals.connected = false;
    const timedOut = this.o.clock.now() - this.spawnedAt >= (this.o.timeoutMs ?? 5000) * 0.9;
    const rtsp = schemeOf(this.o.url).startsWith('rtsp');
    // the advice names what to set: under auto only a refused UDP (after TCP) is left to report
    const advice = this.o.transport === 'auto' ? 'auto' : this.tried;
    const { failure, silent } = p.exitVerdict(
      this.sessionFrames,
      timedOut,
      this.killedForStall,
      rtsp ? advice : undefined,
    );
    this.signals.failure = silent ? null : failure;
    this.signals.silentSession = silent;
    this.killedForStall = false;
    if (this.stopping) return; // our own stop: not a camera failure, nothing to log or retry
    if (
      rtsp &&
      autoTransport.failed({ url: this.o.url, rtspTransport: this.o.transport }, this.tried, p.tail)
    ) {
      // auto: TCP refused, UDP at once; not a fault of the camera (health waits for the UDP session)
      this.signals.failure = null;
      this.o.logger.info(
        { camera: this.o.cameraId, url: redactUrl(this.o.url) },
        'camera refuses RTSP over TCP; auto transport uses UDP 摄像头不支持 TCP，改用 UDP',
      );
      this.retryTimer = setTimeout(() => this.spawnOnce(), 0);
      return;
    }
    if (this.sessionFrames > 0) this.backoff.reset();
    const delay = this.backoff.next();
    // the first exit of a run of failures is worth a warning; the retries after it are not
    this.o.logger[this.backoff.attempts <= 1 ? 'warn' : 'debug'](
      {
        camera: this.o.cameraId,
        url: redactUrl(this.o.url),
        code,
        signal,
        reason: failure.reason,
        retryInMs: delay,
      },
      'ffmpeg exited 摄像头连接断开',
    );
    this.retryTimer = setTimeout(() => this.spawnOnce(), delay);
  }

  /** The new mode's first frame: it delivers from now on; the old process is ended quietly. */
  private promote(gen: number): void {
    this.liveGen = gen;
    this.liveKeyframes = this.keyframesOnly;
    const old = this.retiring;
    this.retiring = null;
    if (old && !old.exited) void old.end();
    this.sessionFrames = 0;
    this.seen.modeSwitched();
    this.o.logger.info(
      { camera: this.o.cameraId, keyframesOnly: this.keyframesOnly },
      'decoding mode switched 解码模式已切换',
    );
  }

  /** The new mode's ffmpeg ended before its first frame: keep the old one and its mode. */
  private handoverFailed(code: number | null, signal: string | null, tail: string): void {
    const old = this.retiring;
    const cancelled = this.cancelled;
    this.retiring = null;
    this.cancelled = false;
    this.keyframesOnly = !this.keyframesOnly;
    if (!old || this.stopping) return;
    this.proc = old;
    this.generation = this.liveGen;
    if (cancelled) {
      this.o.logger.debug({ camera: this.o.cameraId }, 'decoding mode switch called back');
      return;
    }
    this.o.logger.warn(
      { camera: this.o.cameraId, code, signal, tail: redactUrl(tail, [this.o.url]).slice(-300) },
      'decoding mode switch failed; the running decoder carries on 解码模式切换失败',
    );
  }

  private frame(data: Buffer): void {
    const now = this.o.clock.now();
    this.seen.sample(data, now, this.liveKeyframes);
    this.counters.frames++;
    if (this.sessionFrames++ === 0)
      this.o.logger.debug({ camera: this.o.cameraId, ms: now - this.spawnedAt }, 'first frame');
    // a pooled buffer is published with one reference, ours, given up once every consumer has had
    // the frame (those that keep it took their own reference or a copy)
    const lease = this.pool?.lease(data);
    this.o.onFrame({
      cameraId: this.o.cameraId,
      ts: now,
      seq: this.seq++,
      width: this.o.width,
      height: this.o.height,
      data,
      ...(lease ? { lease } : {}),
    });
    lease?.release();
  }

  /** The RTSP keep-alives can hold a dead stream open forever; a silent session is restarted. */
  private checkStall(): void {
    const p = this.proc;
    if (!p || this.stopping) return;
    const now = this.o.clock.now();
    // a new decoder that has not delivered its first frame in time: give up the switch
    if (this.retiring && now - this.spawnedAt > Math.max(15_000, 2 * (this.o.timeoutMs ?? 5000))) {
      p.kill('SIGKILL');
      return;
    }
    const limit = this.o.stallRestartMs ?? 10_000;
    const since = Math.max(this.signals.lastFrameAt ?? 0, this.spawnedAt);
    if (now - since > limit) {
      this.o.logger.warn({ camera: this.o.cameraId }, 'no frames; restarting ffmpeg 无画面，重启解码');
      this.killedForStall = true;
      p.kill('SIGKILL');
    }
  }
}
