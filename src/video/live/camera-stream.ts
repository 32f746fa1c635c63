import type { ChildProcess } from 'node:child_process';
import { spawnTied } from '../../platform/shared/tied-child.ts';
import type { WebSocket } from 'ws';
import type { Logger } from '../../platform/shared/logger.ts';
import { redactUrl } from '../../platform/shared/redact-url.ts';
import type { CameraSource } from '../sources/types.ts';
import { schemeOf } from '../sources/registry.ts';
import { autoTransport } from '../sources/rtsp-transport.ts';
import { liveFfmpegArgs, respawnDelayMs, type LiveEncodeOptions } from './ffmpeg-args.ts';

/** A viewer whose socket has more than this queued is skipped (frames dropped, not queued). */
const MAX_BUFFERED_BYTES = 512 * 1024;
/** Keep ffmpeg this long after the last viewer leaves, so a page reload does not restart it. */
const LINGER_MS = 3000;
/** A run that lasted this long counts as healthy: the back-off starts again from 1 s. */
const HEALTHY_RUN_MS = 10_000;

export interface CameraStreamStats {
  cameraId: string;
  viewers: number;
  running: boolean;
  spawns: number;
  bytesOut: number;
  droppedChunks: number;
}

/**
 * One camera's relay: ffmpeg is started by the first viewer and stopped after the last one leaves
 * (go2rtc: producer on first consumer), respawned with stepped back-off while viewers remain. A worker
 * id guards against a ghost ffmpeg's late output or exit being taken for the current one's.
 */
export class CameraStream {
  private readonly viewers = new Set<WebSocket>();
  private proc: ChildProcess | null = null;
  private worker = 0;
  private failures = 0;
  private respawnTimer: NodeJS.Timeout | null = null;
  private lingerTimer: NodeJS.Timeout | null = null;
  private closed = false;
  readonly stats: CameraStreamStats;

  constructor(
    readonly cameraId: string,
    private readonly source: CameraSource,
    private readonly encode: LiveEncodeOptions,
    private readonly logger: Logger,
    private readonly ffmpegPath = 'ffmpeg',
  ) {
    this.stats = { cameraId, viewers: 0, running: false, spawns: 0, bytesOut: 0, droppedChunks: 0 };
  }

  add(ws: WebSocket): void {
    if (this.closed) {
      ws.close(1001, 'relay stopping');
      return;
    }
    this.viewers.add(ws);
    this.stats.viewers = this.viewers.size;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    ws.on('close', () => this.remove(ws));
    ws.on('error', () => this.remove(ws));
    if (!this.proc && !this.respawnTimer) this.spawn();
  }

  private remove(ws: WebSocket): void {
    if (!this.viewers.delete(ws)) return;
    this.stats.viewers = this.viewers.size;
    if (this.viewers.size === 0 && !this.lingerTimer) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = null;
        if (this.viewers.size === 0) this.halt();
      }, LINGER_MS);
    }
  }

  private spawn(): void {
    this.respawnTimer = null;
    const id = ++this.worker;
    const started = Date.now();
    // `auto`: TCP first, or the transport that works for this camera now (rtsp-transport.ts)
    const tried = autoTransport.choose(this.source);
    const args = liveFfmpegArgs({ ...this.source, rtspTransport: tried }, this.encode);
    const proc = spawnTied(this.ffmpegPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    this.stats.spawns++;
    this.stats.running = true;
    let stderrTail = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      if (id === this.worker) this.broadcast(chunk);
    });
    proc.stderr?.on('data', (b: Buffer) => {
      // ffmpeg prints the URL it failed on: redact the whole tail before cutting it, so a URL split
      // across two chunks is still caught once both halves are in
      stderrTail = redactUrl(stderrTail + b.toString(), [this.source.url]).slice(-500);
    });
    proc.on('error', (err) =>
      this.logger.error({ err, cameraId: this.cameraId }, 'live relay: ffmpeg failed to start'),
    );
    proc.on('close', (code, signal) => {
      if (id !== this.worker) return;
      this.proc = null;
      this.stats.running = false;
      if (this.closed || this.viewers.size === 0) return;
      if (
        schemeOf(this.source.url).startsWith('rtsp') &&
        autoTransport.failed(this.source, tried, stderrTail)
      ) {
        this.logger.info({ cameraId: this.cameraId }, 'live relay: camera refuses TCP, auto uses UDP');
        this.respawnTimer = setTimeout(() => this.spawn(), 0);
        return;
      }
      this.failures = Date.now() - started >= HEALTHY_RUN_MS ? 1 : this.failures + 1;
      const delay = respawnDelayMs(this.failures);
      this.logger.warn(
        { cameraId: this.cameraId, code, signal, delay, stderr: stderrTail.trim() },
        'live relay: ffmpeg exited, respawning 视频转发中断，正在重连',
      );
      this.respawnTimer = setTimeout(() => this.spawn(), delay);
    });
  }

  private broadcast(chunk: Buffer): void {
    for (const ws of this.viewers) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        this.stats.droppedChunks++;
        continue;
      }
      ws.send(chunk, { binary: true });
      this.stats.bytesOut += chunk.length;
    }
  }

  /** Stops ffmpeg (SIGTERM, then SIGKILL after 2 s) and cancels any pending respawn. */
  private halt(): void {
    if (this.respawnTimer) clearTimeout(this.respawnTimer);
    this.respawnTimer = null;
    this.failures = 0;
    const proc = this.proc;
    this.proc = null;
    this.worker++;
    this.stats.running = false;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const kill = setTimeout(() => proc.kill('SIGKILL'), 2000);
    proc.once('close', () => clearTimeout(kill));
  }

  close(): void {
    this.closed = true;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    for (const ws of this.viewers) ws.close(1001, 'relay stopping');
    this.viewers.clear();
    this.stats.viewers = 0;
    this.halt();
  }
}
