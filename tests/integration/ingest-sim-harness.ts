import { IngestService } from '../../src/video/ingest/ingest.service.ts';
import { systemClock } from '../../src/platform/shared/clock.ts';
import { startSim, type Sim, type SimSource } from '../../streams-sim/index.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';

/**
 * One streams-sim camera read by a real IngestService on the test service (real SQLite, real ffmpeg,
 * the real clock: ffmpeg's frames carry wall time): the setup the idle-decoding tests share. The
 * camera is the only one of site-a. Ingest is built, not started, so a test subscribes first.
 */
export interface SimCamera {
  sim: Sim;
  t: TestService;
  ingest: IngestService;
  /** the camera's RTSP URL (what its ffmpeg readers are started with) */
  url: string;
  /** stops ingest (its ffmpeg readers), the simulator and the service, in that order */
  close(): Promise<void>;
}

export async function startSimCamera(id: string, source?: SimSource): Promise<SimCamera> {
  const sim = await startSim({ cameras: [id], port: 0, ...(source ? { sources: [source] } : {}) });
  let t: TestService;
  try {
    t = await startTestService({
      clock: systemClock,
      extra: {
        sites: [
          { id: 'site-a', name: '甲', enterpriseId: 'ent-a', cameras: [{ id, name: id, url: sim.url(id) }] },
        ],
      },
    });
  } catch (err) {
    await sim.stop();
    throw err;
  }
  const ingest = new IngestService(t.services);
  return {
    sim,
    t,
    ingest,
    url: sim.url(id),
    close: async () => {
      await ingest.stop();
      await sim.stop();
      await t.close();
    },
  };
}
