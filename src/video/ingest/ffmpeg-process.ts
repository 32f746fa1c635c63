import type { ChildProcess } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import { spawnTied } from '../../platform/shared/tied-child.ts';
import type { FramePool } from './frame-pool.ts';
import { FrameAssembler, openFrameSocket } from './frame-socket.ts';
import type { RtspTransport } from '../sources/types.ts';
import { classifyFfmpegFailure, type FailureReason } from './ffmpeg-errors.ts';

/** What the supervisor decides for one process; called from its pipes and its exit. */
export interface FfmpegProcessHooks {
  /** true drops a stdout chunk unread (the output of a decoder no longer wanted) */
  drop(): boolean;
  /** a whole frame: the buffer is the consumer's, or the pool's to be given back through a lease */
  frame(data: Buffer): void;
  /** whether "Input #0" on stderr counts as the stream opening now (asked again until it does) */
  mayOpen(): boolean;
  opened(): void;
  close(code: number | null, signal: NodeJS.Signals | null): void;
}

/** How frames leave ffmpeg: see frame-socket.ts and frame-pool.ts; `fresh` is the path before both. */
export interface FrameTransport {
  /** buffers frames are assembled in; without it every frame gets a freshly allocated buffer */
  pool?: FramePool;
  /** read stdout through a Unix socket into one reused buffer (else a pipe: a new buffer per read) */
  socket?: boolean;
  /** run the decoder this much nicer than the service (setpriority), so inference threads come first */
  nice?: number;
}

/**
 * One ffmpeg run and its pipes: cuts stdout into fixed-size RGB frames and keeps the tail of stderr,
 * which tells when the camera answered, when the stream opened and, after the exit, why it ended
 * (exitVerdict). Which process may deliver, the health signals and the retries are the supervisor's
 * (camera-supervisor.ts), so this class knows nothing of generations or mode switches.
 * With `transport.socket` the process starts a moment later (the socket pair is connected first);
 * a kill meanwhile stops it before it starts, and `close` is heard as for any other exit.
 */
export class FfmpegProcess {
  private proc: ChildProcess | null = null;
  readonly closed: Promise<void>;
  /** the end of stderr (and a spawn error), read to classify the exit */
  tail = '';
  /** the camera is reachable: TCP connected or RTSP answered (ffmpeg logs both at verbose level) */
  sessionUp = false;
  opened = false;
  private killedBeforeStart: NodeJS.Signals | null = null;
  private done = false;

  constructor(
    path: string,
    args: string[],
    frameBytes: number,
    private readonly hooks: FfmpegProcessHooks,
    transport: FrameTransport = {},
  ) {
    const pool = transport.pool;
    const frames = new FrameAssembler(
      frameBytes,
      pool ? () => pool.acquire() : () => Buffer.allocUnsafe(frameBytes),
      (buf) => hooks.frame(buf),
    );
    const onData = (chunk: Uint8Array, length: number) => {
      if (!hooks.drop()) frames.push(chunk, length);
    };
    this.closed = this.launch(path, args, transport, onData).catch((e: unknown) => {
      // spawn itself threw (bad arguments): heard as an exit, so the supervisor retries as for any
      this.tail += `\n${(e as Error).message}`;
      if (!this.done) this.finish(null, null);
    });
  }

  private async launch(
    path: string,
    args: string[],
    transport: FrameTransport,
    onData: (chunk: Uint8Array, length: number) => void,
  ): Promise<void> {
    let sock: Awaited<ReturnType<typeof openFrameSocket>> | undefined;
    if (transport.socket) {
      // a folder or socket we cannot make: the pipe carries the frames, only with more garbage
      sock = await openFrameSocket(onData).catch(() => undefined);
    }
    if (this.killedBeforeStart) {
      sock?.reader.destroy();
      sock?.writer.destroy();
      return this.finish(null, this.killedBeforeStart);
    }
    // dies with the service, even on kill -9 (platform/shared/tied-child.ts)
    const p = spawnTied(path, args, { stdio: ['ignore', sock ? sock.writer : 'pipe', 'pipe'] });
    this.proc = p;
    // the child holds its own copy of the socket's end now; ours must go, or its exit is never seen
    sock?.writer.destroy();
    if (transport.nice && p.pid) deprioritize(p.pid, transport.nice);
    const stdoutDone = sock
      ? new Promise<void>((resolve) => {
          sock.reader.once('close', () => resolve());
          sock.reader.on('error', () => undefined); // a reset socket closes too; the exit says why
        })
      : Promise.resolve();
    p.stdout?.on('data', (chunk: Buffer) => onData(chunk, chunk.length));
    p.stderr?.on('data', (d: Buffer) => {
      this.tail = (this.tail + d.toString()).slice(-3000);
      if (!this.sessionUp && /Successfully connected to|SDP:|setting jitter buffer size/.test(this.tail))
        this.sessionUp = true;
      if (!this.opened && /^Input #0/m.test(this.tail) && this.hooks.mayOpen()) {
        this.opened = true;
        this.hooks.opened();
      }
    });
    p.once('error', (e) => {
      // spawn failure (ffmpeg missing): 'close' still follows and schedules the retry
      this.tail += `\n${e.message}`;
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      p.once('close', (c, s) => resolve([c, s])),
    );
    // every frame the socket still held is delivered before the exit is heard
    await stdoutDone;
    this.finish(code, signal);
  }

  private finish(code: number | null, signal: NodeJS.Signals | null): void {
    this.done = true;
    this.hooks.close(code, signal);
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get exited(): boolean {
    const p = this.proc;
    return this.done || (p !== null && (p.exitCode !== null || p.signalCode !== null));
  }

  /**
   * What this run's exit means for health. `sessionFrames`: frames the session delivered; `timedOut`: it
   * ran for ffmpeg's I/O timeout; `killedForStall`: the supervisor restarted it for sending nothing.
   */
  exitVerdict(
    sessionFrames: number,
    timedOut: boolean,
    killedForStall: boolean,
    transport?: RtspTransport,
  ): { failure: FailureReason; silent: boolean } {
    let failure = classifyFfmpegFailure(this.tail, this.opened || sessionFrames > 0, transport);
    // ffmpeg says "Invalid data" also for a camera that accepted the connection and then sent
    // nothing for the whole socket timeout (tests/faults/ingest-process-faults.test.ts): call it a timeout
    if (failure.reason === 'invalid_data' && !this.opened && timedOut)
      failure = { reason: 'timeout', message: '摄像头无响应（超时） Camera did not answer (timeout)' };
    // Reachable, but no media until ffmpeg's I/O timeout (a hung camera, or one whose stream is
    // stalled: it may not even answer DESCRIBE), or our own restart of a silent session: that is
    // "connected, no frames" (stalled), not a lost connection.
    const silent =
      killedForStall ||
      (this.sessionUp &&
        sessionFrames === 0 &&
        timedOut &&
        ['timeout', 'invalid_data', 'connection_lost', 'connect_failed'].includes(failure.reason));
    return { failure, silent };
  }

  kill(signal: NodeJS.Signals): void {
    if (this.proc) this.proc.kill(signal);
    else this.killedBeforeStart ??= signal;
  }

  async end(): Promise<void> {
    this.kill('SIGTERM');
    const force = setTimeout(() => this.kill('SIGKILL'), 2000);
    await this.closed;
    clearTimeout(force);
  }
}

/**
 * The decoder `by` steps nicer than this process (as `nice -n` does: relative, so a service already
 * started with nice 10 gives its decoders 15, and never needs the right to raise a priority). ffmpeg
 * is single-threaded here (-threads 1, -filter_threads 1) and threads it made later would inherit it.
 */
function deprioritize(pid: number, by: number): void {
  try {
    setPriority(pid, Math.min(19, getPriority() + by));
  } catch {
    // gone already, or not allowed: it decodes at the service's priority
  }
}
