import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS, type Detection } from '../../src/vision/detect/types.ts';
import type { FakeClock } from '../../src/platform/shared/clock.ts';
import type { SupervisionContext } from '../../src/supervision/module.ts';
import type { EvidenceService } from '../../src/video/evidence/evidence.service.ts';
import { bareHead, greyFrame, hardHat } from '../helpers/scripted-worker.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';

/**
 * Disk full for the evidence folder, reproduced for real: a 1 MiB tmpfs mounted over <dataDir>/evidence
 * (needs root; CI runs as root here) and filled to the last byte, so writes fail with ENOSPC from the
 * kernel. Violations must still be recorded (SQLite lives elsewhere), /healthz must raise a clear alarm,
 * and the alarm must clear once space returns; the next violation gets its snapshot again.
 */
let t: TestService;
let mod: SupervisionContext & { evidence: EvidenceService };
let evidenceDir = '';
let mounted = false;
let filler = '';

function tryMount(dir: string): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Fills the file system under `dir` until the kernel says ENOSPC. */
function fill(dir: string): string {
  const path = join(dir, 'filler.bin');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  return path;
}

beforeAll(async () => {
  t = await startTestService({
    assemble: { labels: () => new Set(LABELS) },
    extra: {
      evidence: { clips: false },
      rules: { noHelmet: { cooldownSeconds: 0 } }, // a second violation right after the first
      sites: [
        {
          id: 'site-a',
          name: '甲',
          enterpriseId: 'ent-a',
          cameras: [{ id: 'cam-a1', name: '炼钢一号', url: 'rtsp://127.0.0.1:1/a1' }],
        },
      ],
    },
  });
  evidenceDir = join(t.dir, 'evidence');
  mkdirSync(evidenceDir, { recursive: true });
  mounted = tryMount(evidenceDir);
  await t.services.video.startEvidence(); // its /healthz alarm
  mod = { ...t.services.supervision, evidence: t.services.video.evidence };
});
afterAll(async () => {
  if (mounted) execFileSync('umount', ['-l', evidenceDir]);
  await t?.close();
});

const clock = () => t.clock as FakeClock;
async function feed(detections: Detection[], seconds: number) {
  const t0 = clock().now();
  for (let i = 0; i < seconds * 2; i++) {
    clock().set(t0 + i * 500);
    mod.pipeline.process({
      cameraId: 'cam-a1',
      frameTs: t0 + i * 500,
      detections,
      frame: greyFrame(t0 + i * 500),
    });
  }
  clock().set(t0 + seconds * 1000);
  await mod.pipeline.idle();
}
const healthz = async () => {
  const res = await t.app.inject({ url: '/healthz' });
  return {
    status: res.statusCode,
    body: res.json() as { components: Record<string, { ok: boolean; detail?: string }> },
  };
};
const violations = () =>
  t.services.db.prepare('SELECT id, state FROM violations ORDER BY id').all() as {
    id: number;
    state: string;
  }[];
const evidenceOf = (id: number) =>
  t.services.db.prepare('SELECT path FROM evidence WHERE violation_id = ?').all(id) as { path: string }[];

describe('evidence folder full (ENOSPC from a real 1 MiB tmpfs)', () => {
  it('records the violation without its snapshot and raises a clear alarm on /healthz', async (ctx) => {
    if (!mounted) ctx.skip(); // visible skip: no root to mount a tmpfs (the fault cannot be made real)
    filler = fill(evidenceDir);
    await feed(bareHead, 5);
    const rows = violations();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.state).toBe('active');
    expect(evidenceOf(rows[0]!.id)).toEqual([]); // no row for a file that could not be written
    const h = await healthz();
    expect(h.status).toBe(503);
    expect(h.body.components.evidence).toMatchObject({ ok: false });
    expect(h.body.components.evidence!.detail).toMatch(/证据磁盘已满 evidence disk full \(ENOSPC/);
    // the rest of the service still answers
    const list = await t.app.inject({
      url: '/api/violations',
      headers: { authorization: await t.login('safety-a') },
    });
    expect(list.statusCode).toBe(200);
  });

  it('clears the alarm when space returns; the next violation has its snapshot', async (ctx) => {
    if (!mounted) ctx.skip();
    rmSync(filler);
    await new Promise((r) => setTimeout(r, 2100)); // the probe is throttled to one per 2 s
    const h = await healthz();
    expect(h.status).toBe(200);
    expect(h.body.components.evidence!.ok).toBe(true);
    await feed(hardHat, 20); // the first violation ends
    await feed(bareHead, 5); // a new one starts
    const rows = violations();
    expect(rows.map((r) => r.state)).toEqual(['ended', 'active']);
    expect(evidenceOf(rows[1]!.id)).toHaveLength(1);
  });
});
