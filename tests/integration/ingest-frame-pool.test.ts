import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/platform/shared/clock.ts';
import { RecentFrames } from '../../src/video/evidence/recent-frames.ts';
import { IngestService } from '../../src/video/ingest/ingest.service.ts';
import type { Frame } from '../../src/video/ingest/types.ts';
import { createDetectMetrics } from '../../src/vision/detect/detect-metrics.ts';
import { DetectScheduler, type DetectionResult } from '../../src/vision/detect/scheduler.ts';
import type { InferenceRunner } from '../../src/vision/detect/worker/inference-pool.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { waitFor } from './ingest-helpers.ts';

/**
 * Ingest reuses frame buffers (frame-pool.ts): a lent frame's pixels are overwritten by a later frame
 * once nobody holds it. The attack: keep frames the way evidence, the detection mailbox, a result
 * handler and a plain consumer do, let the real ffmpeg deliver many more frames of a moving picture
 * through the pool, and check that none of the kept pixels changed. The control keeps lent frames by
 * reference without a lease and must see them overwritten, or the pool was never exercised.
 */
const hash = (b: Buffer) => createHash('sha1').update(b).digest('hex');
let dir: string;
let t: TestService;
let ingest: IngestService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jianhu-frame-pool-'));
  const clip = join(dir, 'moving.mp4');
  // a moving test picture (every frame differs), 25 fps, looped by the file source
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25:duration=4'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-pix_fmt', 'yuv420p', clip],
  ]);
  t = await startTestService({
    clock: systemClock,
    extra: {
      ingest: { detectFps: 12, decoderNice: 3 },
      sites: [
        {
          id: 'site-a',
          name: '甲',
          enterpriseId: 'ent-a',
          cameras: [{ id: 'cam', name: 'cam', url: clip }],
        },
      ],
    },
  });
  ingest = new IngestService(t.services);
}, 60_000);

afterAll(async () => {
  await ingest?.stop();
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('pooled frame buffers never change a kept frame', () => {
  it('evidence, the detection mailbox and results, and plain consumers keep what they were given (and the decoder runs nicer)', async () => {
    const seen = new Map<number, string>(); // frame ts → hash of its pixels when delivered
    const evidence = new RecentFrames(10_000, 1000);
    const plainKept: { f: Frame; h: string }[] = [];
    const lentByReference: { f: Frame; h: string }[] = [];
    const results: { r: DetectionResult; h: string }[] = [];
    // a worker that takes a while: frames wait in the mailbox and are replaced meanwhile
    const runner: InferenceRunner = {
      size: 1,
      idleCount: () => (busy ? 0 : 1),
      detect: () => {
        busy = true;
        return new Promise((resolve) =>
          setTimeout(() => {
            busy = false;
            resolve({ detections: [], inferMs: 1 });
          }, 150),
        );
      },
    };
    let busy = false;
    const settings = {
      activeFps: 10,
      idleFps: 10,
      peopleHoldMs: 0,
      motionHoldMs: 0,
      motionCells: 2,
      maxFrameAgeMs: 5000,
    };
    const sched = new DetectScheduler(runner, settings, createDetectMetrics(new Registry()));
    sched.onResult((r) => results.push({ r, h: seen.get(r.frameTs)! }));
    ingest.onFrame(
      'cam',
      (f) => {
        seen.set(f.ts, hash(f.data));
        evidence.push(f);
        sched.offer(f);
        if (lentByReference.length < 40) lentByReference.push({ f, h: hash(f.data) }); // no lease: the control
      },
      { lent: true },
    );
    ingest.onFrame('cam', (f) => {
      if (plainKept.length < 40) plainKept.push({ f, h: hash(f.data) });
    });
    ingest.start();
    await waitFor(
      () => (ingest.stats().cam?.buffers?.reused ?? 0) > 60 && results.length >= 8,
      30_000,
      () => JSON.stringify(ingest.stats().cam),
    );
    const firstResults = results.slice(0, 8);
    // let many more frames through the pool before looking at what was kept
    const reusedBefore = ingest.stats().cam!.buffers!.reused;
    await waitFor(
      () => ingest.stats().cam!.buffers!.reused > reusedBefore + 30,
      20_000,
      () => 'more frames',
    );
    sched.stop();

    // ingest.decoderNice: the decoder runs 3 steps nicer than this process (nice is field 19 of stat)
    if (process.platform === 'linux') {
      const pid = ingest.stats().cam!.pid!;
      const nice = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
      expect(nice).toBe(Math.min(19, getPriority() + 3));
    }
    expect(seen.size).toBeGreaterThan(40);
    // evidence: every frame it holds shows the pixels it was given
    const kept = evidence.around('cam', Date.now(), 60_000);
    expect(kept.length).toBeGreaterThan(40);
    for (const f of kept) expect(hash(f.data)).toBe(seen.get(f.ts));
    // detection results hand on the frame that was inferred, unchanged
    for (const { r, h } of firstResults) expect(hash(r.frame.data)).toBe(h);
    // a consumer that did not ask for lent frames owns them
    expect(plainKept).toHaveLength(40);
    for (const { f, h } of plainKept) expect(hash(f.data)).toBe(h);
    // the control: lent frames kept without a lease were overwritten (the buffers really were reused)
    const overwritten = lentByReference.filter(({ f, h }) => hash(f.data) !== h).length;
    expect(overwritten).toBeGreaterThan(10);
  }, 90_000);
});
