import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestService } from '../../src/ingest/ingest.service.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { waitState } from './ingest-helpers.ts';

/**
 * `ingest.keyframesOnly` on a camera whose GOP is 4 s (common on real cameras): real ffmpeg decodes
 * one frame per 4 s, and the health machine must read that as the camera's rhythm, not as a stall.
 * The "camera" is a file played in real time and looped (the `file:` scheme), encoded here with
 * x264 at 25 fps and a keyframe every 100 frames.
 */
let dir: string;
let t: TestService;
let ingest: IngestService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jianhu-gop-'));
  const clip = join(dir, 'gop4s.mp4');
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
    ...['-i', 'testsrc2=size=320x180:rate=25:duration=12', '-c:v', 'libx264', '-preset', 'ultrafast'],
    ...['-g', '100', '-keyint_min', '100', '-sc_threshold', '0', '-bf', '0', '-pix_fmt', 'yuv420p', clip],
  ]);
  t = await startTestService({
    clock: systemClock,
    extra: {
      ingest: { keyframesOnly: true },
      sites: [
        {
          id: 'site-a',
          name: '甲',
          enterpriseId: 'ent-a',
          cameras: [{ id: 'gop', name: 'gop', url: `file://${clip}` }],
        },
      ],
    },
  });
  ingest = new IngestService(t.services);
  ingest.start();
}, 30_000);

afterAll(async () => {
  await ingest?.stop();
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('keyframes-only decoding', () => {
  it('a 4 s GOP camera comes online and stays online: its cadence is not a stall', async () => {
    await waitState(ingest, 'gop', 'online', 15_000);
    const since = Date.now();
    const frames: number[] = [];
    const off = ingest.onFrame('gop', (f) => {
      frames.push(f.ts);
    });
    await new Promise((r) => setTimeout(r, 14_000));
    off();
    const gaps = frames.slice(1).map((ts, i) => ts - frames[i]!);
    console.log(`keyframes only, 4 s GOP: ${frames.length} frames in 14 s, gaps ${gaps.join(', ')} ms`);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...gaps)).toBeGreaterThan(2000); // only keyframes were decoded
    const changes = ingest.history('gop', since, Date.now() + 1).filter((r) => r.sinceMs >= since);
    expect(changes.map((r) => r.state)).toEqual([]);
    expect(ingest.current('gop').state).toBe('online');
  }, 40_000);
});
