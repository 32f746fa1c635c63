/**
 * The throwaway service a bench measures: a config with a temporary SQLite file and data dir, no MQTT
 * broker and no detection (each bench wires what it measures itself), one region / enterprise / site
 * holding the bench's cameras; and the small waits every service bench needs. Shared by bench:ingest,
 * bench:ingest-idle, bench:frames and bench:recording, so they all start the service the same way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../src/config/load.ts';
import type { Config } from '../src/config/schema.ts';
import { createPlatform, type Platform } from '../src/platform/platform.ts';
import { createLogger } from '../src/platform/shared/logger.ts';

export interface BenchCamera {
  id: string;
  name: string;
  url: string;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `done` every `stepMs` until it holds: the milliseconds it took, or null after `limitMs`
 * (a bench reports a camera that never got there rather than hanging).
 */
export async function waitUntil(done: () => boolean, limitMs: number, stepMs = 50): Promise<number | null> {
  const t0 = Date.now();
  while (!done()) {
    if (Date.now() - t0 > limitMs) return null;
    await sleep(stepMs);
  }
  return Date.now() - t0;
}

/**
 * The bench config under `dir`; `sections` adds or replaces top-level sections (ingest, evidence,
 * recording...). Validated like a real config, so a bench cannot run on settings the service refuses.
 */
export function benchConfig(
  dir: string,
  cameras: BenchCamera[],
  sections: Record<string, unknown> = {},
): Config {
  return validateConfig({
    server: { port: 0, logLevel: 'silent' },
    store: { path: join(dir, 'bench.db'), dataDir: dir },
    mqtt: { embedded: false },
    detect: { enabled: false },
    ...sections,
    regions: [{ id: 'r', name: 'bench' }],
    enterprises: [{ id: 'e', name: 'bench', regionId: 'r' }],
    sites: [{ id: 's', name: 'bench', enterpriseId: 'e', cameras }],
  });
}

export interface BenchPlatform {
  config: Config;
  core: Platform;
  /** the temporary dir: the store and the data dir */
  dir: string;
  /** closes the store and removes the temporary dir */
  close(): void;
}

/** A platform (store, bus, clock, silent logger) on a fresh bench config in a temporary dir. */
export async function startBenchPlatform(
  cameras: BenchCamera[],
  sections: Record<string, unknown> = {},
  prefix = 'jianhu-bench-',
): Promise<BenchPlatform> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    const config = benchConfig(dir, cameras, sections);
    const core = await createPlatform(config, { logger: createLogger('silent') });
    return {
      config,
      core,
      dir,
      close: () => {
        core.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
