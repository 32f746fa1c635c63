import type { ChildProcessByStdio } from 'node:child_process';
import { spawnTied } from '../../platform/shared/tied-child.ts';
import type { Readable } from 'node:stream';
import type { RtspTransport } from '../sources/types.ts';
import { classifyFfmpegFailure, type FailureReason } from './ffmpeg-errors.ts';

/** What the supervisor decides for one process; called from its pipes and its exit. */
export interface FfmpegProcessHooks {
  /** true drops a stdout chunk unread (the output of a decoder no longer wanted) */
  drop(): boolean;
  /** a whole frame; the consumer owns the buffer */
  frame(data: Buffer): void;
  /** whether "Input #0" on stderr counts as the stream opening now (asked again until it does) */
  mayOpen(): boolean;
  opened(): void;
  close(code: number | null, signal: NodeJS.Signals | null): void;
}

/**
 * One ffmpeg run and its pipes: cuts stdout into fixed-size RGB frames and keeps the tail of stderr,
 * which tells when the camera answered, when the stream opened and, after the exit, why it ended
 * (exitVerdict). Which process may deliver, the health signals and the retries are the supervisor's
 * (camera-supervisor.ts), so this class knows nothing of generations or mode switches.
 */
export class FfmpegProcess {
  private readonly proc: ChildProcessByStdio<null, Readable, Readable>;
  readonly closed: Promise<void>;
  /** the end of stderr (and a spawn error), read to classify the exit */
  tail = '';
  /** the camera is reachable: TCP connected or RTSP answered (ffmpeg logs both at verbose level) */
  sessionUp = false;
  opened = false;

  constructor(path: string, args: string[], frameBytes: number, hooks: FfmpegProcessHooks) {
    // dies with the service, even on kill -9 (platform/shared/tied-child.ts)
    const p = spawnTied(path, args, { stdio: ['ignore', 'pipe', 'pipe'] }) as ChildProcessByStdio<
      null,
      Readable,
      Readable
    >;
    this.proc = p;
    let buf = Buffer.allocUnsafe(frameBytes);
    let filled = 0;
    p.stdout.on('data', (chunk: Buffer) => {
      if (hooks.drop()) return;
      let off = 0;
      while (off < chunk.length) {
        const n = Math.min(chunk.length - off, frameBytes - filled);
        chunk.copy(buf, filled, off, off + n);
        filled += n;
        off += n;
        if (filled === frameBytes) {
          hooks.frame(buf);
          buf = Buffer.allocUnsafe(frameBytes); // the consumer owns the old one now
          filled = 0;
        }
      }
    });
    p.stderr.on('data', (d: Buffer) => {
      this.tail = (this.tail + d.toString()).slice(-3000);
      if (!this.sessionUp && /Successfully connected to|SDP:|setting jitter buffer size/.test(this.tail))
        this.sessionUp = true;
      if (!this.opened && /^Input #0/m.test(this.tail) && hooks.mayOpen()) {
        this.opened = true;
        hooks.opened();
      }
    });
    this.closed = new Promise((resolve) => {
      p.once('close', (code, signal) => {
        resolve();
        hooks.close(code, signal);
      });
    });
    p.once('error', (e) => {
      // spawn failure (ffmpeg missing): 'close' still follows and schedules the retry
      this.tail += `\n${e.message}`;
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get exited(): boolean {
    return this.proc.exitCode !== null || this.proc.signalCode !== null;
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
    this.proc.kill(signal);
  }

  async end(): Promise<void> {
    this.proc.kill('SIGTERM');
    const force = setTimeout(() => this.proc.kill('SIGKILL'), 2000);
    await this.closed;
    clearTimeout(force);
  }
}
