import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../src/config/load.ts';
import { IngestService } from '../src/video/ingest/ingest.service.ts';
import type { Frame } from '../src/video/ingest/types.ts';
import { createPlatform } from '../src/platform/platform.ts';
import { createLogger } from '../src/platform/shared/logger.ts';
import type { Feed } from './detect-feed.ts';
import { cpuSecondsOfAll } from './proc-cpu.ts';

/**
 * The service's own ingest as the benchmark's frame source: a real IngestService (camera supervisors,
 * ffmpeg per camera, health, the frame fan-out) on a temporary SQLite file, cameras pointing at
 * streams-sim, frames delivered through `onFrame('*')` exactly as the running service does.
 */
export async function startIngestFeed(o: {
  inputs: string[];
  outFps: number;
  /** gets lent frames (Frame.lease): retain what is kept, copy what is stored */
  onFrame: (f: Frame) => void;
}): Promise<Feed> {
  const dir = mkdtempSync(join(tmpdir(), 'jianhu-bench-detect-'));
  const config = validateConfig({
    server: { port: 0, logLevel: 'silent' },
    store: { path: join(dir, 'bench.db'), dataDir: dir },
    mqtt: { embedded: false },
    detect: { enabled: false },
    evidence: { clips: false },
    ingest: { detectFps: o.outFps },
    regions: [{ id: 'r', name: 'bench' }],
    enterprises: [{ id: 'e', name: 'bench', regionId: 'r' }],
    sites: [
      {
        id: 's',
        name: 'bench',
        enterpriseId: 'e',
        cameras: o.inputs.map((url, i) => ({
          id: `cam-${String(i + 1).padStart(2, '0')}`,
          name: `cam ${i + 1}`,
          url,
        })),
      },
    ],
  });
  const logger = createLogger('silent');
  const core = await createPlatform(config, { logger });
  const ingest = new IngestService({ config, db: core.db, bus: core.bus, clock: core.clock, logger });
  const started = new Set<string>();
  let framesOut = 0;
  // lent: the scheduler retains what it keeps and copies what it hands on (src/video/ingest/frame-pool.ts)
  const off = ingest.onFrame(
    '*',
    (f) => {
      framesOut++;
      started.add(f.cameraId);
      o.onFrame(f);
    },
    { lent: true },
  );
  ingest.start();
  const pids = () =>
    Object.values(ingest.stats())
      .map((s) => s.pid)
      .filter((p): p is number => p !== undefined);
  return {
    framesOut: () => framesOut,
    cpuSeconds: () => cpuSecondsOfAll(pids()),
    allStarted: async (timeoutMs) => {
      const end = Date.now() + timeoutMs;
      while (started.size < o.inputs.length && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      return started.size === o.inputs.length;
    },
    stop: async () => {
      off();
      await ingest.stop();
      core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
