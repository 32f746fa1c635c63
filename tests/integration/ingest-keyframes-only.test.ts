import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestService } from '../../src/video/ingest/ingest.service.ts';
import { systemClock } from '../../src/platform/shared/clock.ts';
import { startGstCamera, type GstCamera } from '../helpers/gst-rtsp.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { waitFor, waitState } from './ingest-helpers.ts';

/**
 * `ingest.keyframesOnly` on a camera whose GOP is 4 s (common on real cameras): real ffmpeg decodes
 * one frame per 4 s, and the health machine must read that as the camera's rhythm, not as a stall.
 * The camera is GStreamer's RTSP server (the one streams-sim uses) encoding a live test picture with
 * a keyframe every 100 frames at 25 fps.
 */
let gst: GstCamera;
let t: TestService;
let ingest: IngestService;

beforeAll(async () => {
  gst = await startGstCamera(
    'videotestsrc is-live=true horizontal-speed=8 ! video/x-raw,width=320,height=180,framerate=25/1 ! openh264enc gop-size=100 ! h264parse config-interval=-1 ! rtph264pay name=pay0 pt=96',
    'gop',
  );
  t = await startTestService({
    clock: systemClock,
    extra: {
      ingest: { keyframesOnly: true },
      sites: [
        {
          id: 'site-a',
          name: '甲',
          enterpriseId: 'ent-a',
          cameras: [{ id: 'gop', name: 'gop', url: gst.url }],
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
  gst?.stop();
});

describe('keyframes-only decoding', () => {
  it('a 4 s GOP camera comes online and stays online: its cadence is not a stall', async () => {
    await waitState(ingest, 'gop', 'online', 15_000);
    const since = Date.now();
    const frames: number[] = [];
    const off = ingest.onFrame('gop', (f) => {
      frames.push(f.ts);
    });
    // four keyframes (three 4 s intervals), however slow the machine is today
    await waitFor(
      () => frames.length >= 4,
      25_000,
      () => `${frames.length} frames`,
    );
    off();
    const gaps = frames.slice(1).map((ts, i) => ts - frames[i]!);
    console.log(`keyframes only, 4 s GOP: ${frames.length} frames, gaps ${gaps.join(', ')} ms`);
    expect(Math.min(...gaps)).toBeGreaterThan(2000); // only keyframes were decoded
    const changes = ingest.history('gop', since, Date.now() + 1).filter((r) => r.sinceMs >= since);
    expect(changes.map((r) => r.state)).toEqual([]);
    expect(ingest.current('gop').state).toBe('online');
  }, 60_000);
});
