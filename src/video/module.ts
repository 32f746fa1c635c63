import type { Platform } from '../platform/platform.ts';
import { EvidenceRepo } from './evidence/evidence.repo.ts';
import { EvidenceService } from './evidence/evidence.service.ts';
import { EvidenceUnavailableRepo } from './evidence/evidence-unavailable.repo.ts';
import { IngestService } from './ingest/ingest.service.ts';
import { CameraCatalog } from './cameras/camera-catalog.ts';
import { CamerasRepo } from './cameras/cameras.repo.ts';
import { STREAM_FIELDS } from './cameras/camera.types.ts';
import { autoTransport } from './sources/rtsp-transport.ts';
import { RelayFeed } from './relay/relay-feed.ts';
import { cameraSource } from './sources/camera-source.ts';

/** What the video context offers: camera ingest and health, and the evidence store with its rings. */
export interface VideoContext {
  /** the cameras: seeded from the config, added/edited/removed by enterprise admins at run time */
  cameras: CameraCatalog;
  /** one ffmpeg per camera, frames for detection, camera health (started by the composition root last) */
  ingest: IngestService;
  evidence: EvidenceService;
  /**
   * One fMP4 upstream per camera (main stream, stream copy), shared by live MSE viewers and the
   * recorder: `relay.subscribe(cameraId, listener)`. Nothing runs until someone subscribes.
   */
  relay: RelayFeed;
  /** Per-camera evidence rings (ffmpeg -c copy, when `rings`) and the hourly retention sweep. */
  startEvidence(): Promise<void>;
  stopEvidence(): Promise<void>;
}

const HOUR = 3_600_000;

export function createVideoContext(platform: Platform, opts: { rings: boolean }): VideoContext {
  const { config, db, bus, clock, logger, health } = platform;
  const cameras = new CameraCatalog(config, new CamerasRepo(db), bus, clock, logger);
  cameras.seedFromConfig();
  // a camera whose stream changed or went is a new camera to `auto`: TCP first again
  cameras.onChange((c) => {
    if (c.type === 'added') return;
    const old = c.type === 'changed' ? c.previous : c.camera;
    for (const url of [old.url, old.recordUrl]) if (url) autoTransport.forget(url);
  });
  const ingest = new IngestService({ ...platform, cameras });
  const evidence = new EvidenceService(
    config,
    new EvidenceRepo(db),
    new EvidenceUnavailableRepo(db),
    bus,
    clock,
    logger,
    (e) => platform.disk.record(e),
  );
  let timer: NodeJS.Timeout | null = null;
  let offRings: (() => void) | null = null;
  let unfeed: (() => void) | null = null;
  // the main stream (recordUrl, else url) of an enabled camera of the catalog, with its transport
  const relay = new RelayFeed((cameraId) => {
    const cam = cameras.get(cameraId);
    if (!cam?.enabled) return null;
    return cameraSource(
      {
        url: cam.url,
        ...(cam.recordUrl ? { recordUrl: cam.recordUrl } : {}),
        ...(cam.rtspTransport ? { rtspTransport: cam.rtspTransport } : {}),
      },
      config.ingest,
      'record',
    );
  }, logger);
  // an edited, disabled or removed camera ends its viewers' and recorder's upstream (they reopen)
  cameras.onChange((c) => {
    if (c.type === 'added') return;
    if (c.type === 'changed' && !c.changes.some((k) => (STREAM_FIELDS as readonly string[]).includes(k)))
      return;
    relay.forget(c.camera.id);
  });
  return {
    cameras,
    ingest,
    evidence,
    relay,
    async startEvidence() {
      if (opts.rings) {
        await evidence.startRings(cameras.list());
        // the rings follow the cameras managed at run time (added, stream edited, disabled, removed)
        let queue = Promise.resolve();
        offRings = cameras.onChange((c) => {
          if (
            c.type === 'changed' &&
            !c.changes.some((k) => (STREAM_FIELDS as readonly string[]).includes(k))
          )
            return;
          const camera = c.type === 'removed' ? null : c.camera;
          queue = queue
            .then(() => evidence.restartRing(c.camera.id, camera))
            .catch((err: unknown) =>
              logger.warn({ err, camera: c.camera.id }, 'evidence ring change failed'),
            );
        });
      }
      // every decoded frame, kept a few seconds: a snapshot shows the detection's own frame by time
      // lent frames: RecentFrames copies each into a buffer of its own (recent-frames.ts)
      unfeed = ingest.onFrame('*', (f) => evidence.frames.push(f), { lent: true });
      const online = (id: string) => {
        try {
          return ingest.current(id).state === 'online';
        } catch {
          return false; // a camera ingest does not know
        }
      };
      health.set('evidence', () => evidence.health(online));
      const sweep = () =>
        evidence.retentionSweep().catch((err: unknown) => logger.warn({ err }, 'evidence retention failed'));
      timer = setInterval(() => void sweep(), HOUR);
      timer.unref();
      void sweep();
    },
    async stopEvidence() {
      offRings?.();
      offRings = null;
      if (timer) clearInterval(timer);
      unfeed?.();
      await evidence.stop();
      health.delete('evidence');
    },
  };
}
