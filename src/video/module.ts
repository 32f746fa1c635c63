import type { Platform } from '../platform/platform.ts';
import { EvidenceRepo } from './evidence/evidence.repo.ts';
import { EvidenceService } from './evidence/evidence.service.ts';
import { IngestService } from './ingest/ingest.service.ts';
import { RelayFeed } from './relay/relay-feed.ts';
import { cameraSource } from './sources/camera-source.ts';

/** What the video context offers: camera ingest and health, and the evidence store with its rings. */
export interface VideoContext {
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
  const ingest = new IngestService(platform);
  const evidence = new EvidenceService(config, new EvidenceRepo(db), bus, clock, logger, (e) =>
    platform.disk.record(e),
  );
  let timer: NodeJS.Timeout | null = null;
  // the main stream (recordUrl, else url) of an enabled configured camera, with its transport
  const relay = new RelayFeed((cameraId) => {
    for (const site of config.sites)
      for (const cam of site.cameras)
        if (cam.id === cameraId) return cam.enabled ? cameraSource(cam, config.ingest, 'record') : null;
    return null;
  }, logger);
  return {
    ingest,
    evidence,
    relay,
    async startEvidence() {
      if (opts.rings) await evidence.startRings();
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
      if (timer) clearInterval(timer);
      await evidence.stop();
      health.delete('evidence');
    },
  };
}
