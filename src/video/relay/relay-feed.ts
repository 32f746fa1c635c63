import type { Logger } from '../../platform/shared/logger.ts';
import type { CameraSource } from '../sources/types.ts';
import { CameraUpstream, type UpstreamOptions, type UpstreamStats } from './camera-upstream.ts';
import { DEFAULT_FRAGMENT_MS } from './fmp4-args.ts';
import type { Fmp4Feed, Fmp4Listener } from './types.ts';

export const DEFAULT_UPSTREAM: UpstreamOptions = {
  ffmpegPath: 'ffmpeg',
  fragmentMs: DEFAULT_FRAGMENT_MS,
  idleGraceMs: 5000,
  // ~8 s of a 4 Mbit/s camera: a viewer that far behind is better reconnected at the live edge
  maxBufferedBytes: 4 * 1024 * 1024,
};

/**
 * The cameras' shared fMP4 upstreams, one per camera, made on the first subscription and forgotten
 * when idle (so a camera edited in the meantime is opened with its new source next time).
 */
export class RelayFeed implements Fmp4Feed {
  private readonly upstreams = new Map<string, CameraUpstream>();
  private closed = false;

  constructor(
    /** the camera's main stream (recordUrl, else url) with its transport; null when unknown or disabled */
    private readonly resolve: (cameraId: string) => CameraSource | null,
    private readonly logger: Logger,
    private readonly opts: UpstreamOptions = DEFAULT_UPSTREAM,
  ) {}

  subscribe(cameraId: string, listener: Fmp4Listener, opts?: { fromKeyframe?: boolean }): () => void {
    let up = this.upstreams.get(cameraId);
    if (!up) {
      const source = this.closed ? null : this.resolve(cameraId);
      if (!source) {
        const message = this.closed ? 'the relay is stopping' : `no camera ${cameraId}`;
        listener.onEnd?.({ code: this.closed ? 'relay_closed' : 'camera_unknown', message });
        return () => {};
      }
      const made: CameraUpstream = new CameraUpstream(cameraId, source, this.logger, this.opts, () => {
        if (this.upstreams.get(cameraId) === made) this.upstreams.delete(cameraId);
      });
      up = made;
      this.upstreams.set(cameraId, up);
    }
    return up.subscribe(listener, opts);
  }

  /** The camera changed or went away: its subscribers end (`camera_changed`) and may subscribe again. */
  forget(cameraId: string): void {
    const up = this.upstreams.get(cameraId);
    this.upstreams.delete(cameraId);
    up?.close('camera_changed', 'the camera was changed or removed');
  }

  stats(): UpstreamStats[] {
    return [...this.upstreams.values()].map((u) => ({ ...u.stats }));
  }

  close(): void {
    this.closed = true;
    for (const up of this.upstreams.values()) up.close();
    this.upstreams.clear();
  }
}
