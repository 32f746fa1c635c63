/**
 * DetectScheduler over simulated time (fake timers, a fake inference runner): with enough inference
 * capacity it holds every camera at its rate even when frames arrive with jitter and the workers
 * are busy now and then; past capacity it drops frames (counted) instead of queueing, and the
 * camera with an active permit keeps its rate while idle ones slow down.
 */
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDetectMetrics } from '../../src/vision/detect/detect-metrics.ts';
import { DetectScheduler, type DetectionResult } from '../../src/vision/detect/scheduler.ts';
import type { InferenceRunner } from '../../src/vision/detect/worker/inference-pool.ts';

/** `slots` frames in flight at most, each taking `ms` (± 20 %, seeded). */
function fakeRunner(slots: number, ms: number): InferenceRunner & { peak: number } {
  let inFlight = 0;
  let seed = 7;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const r = {
    size: slots,
    peak: 0,
    idleCount: () => slots - inFlight,
    detect: () => {
      inFlight++;
      r.peak = Math.max(r.peak, inFlight);
      return new Promise<{ detections: []; inferMs: number }>((resolve) =>
        setTimeout(
          () => {
            inFlight--;
            resolve({ detections: [], inferMs: ms });
          },
          ms * (0.8 + 0.4 * rand()),
        ),
      );
    },
  };
  return r;
}

/** `cameras` cameras delivering `fps` frames per second, each with its own phase and ±15 ms jitter. */
function feed(s: DetectScheduler, cameras: number, fps: number): void {
  for (let c = 0; c < cameras; c++) {
    let seq = 0;
    const id = `cam-${c}`;
    setTimeout(
      () =>
        setInterval(() => {
          setTimeout(
            () =>
              s.offer({
                cameraId: id,
                ts: Date.now(),
                seq: seq++,
                width: 640,
                height: 360,
                data: Buffer.alloc(0),
              }),
            (c * 7 + seq * 13) % 30,
          );
        }, 1000 / fps),
      (c * 37) % Math.round(1000 / fps),
    );
  }
}

describe('DetectScheduler over simulated time', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  const run = async (o: { cameras: number; slots: number; ms: number; permitCamera?: string }) => {
    const runner = fakeRunner(o.slots, o.ms);
    const s = new DetectScheduler(
      runner,
      { activeFps: 2, idleFps: 0.5, peopleHoldMs: 0, motionHoldMs: 0, motionCells: 2, maxFrameAgeMs: 1000 },
      createDetectMetrics(new Registry()),
    );
    const perCamera = new Map<string, number>();
    const latency: number[] = [];
    let measuring = false;
    s.onResult((r: DetectionResult) => {
      if (!measuring) return;
      perCamera.set(r.cameraId, (perCamera.get(r.cameraId) ?? 0) + 1);
      latency.push(r.latencyMs);
    });
    for (let c = 0; c < o.cameras; c++)
      s.setActivePermit(`cam-${c}`, o.permitCamera ? `cam-${c}` === o.permitCamera : true);
    feed(s, o.cameras, 3);
    await vi.advanceTimersByTimeAsync(3_000);
    const before = { ...s.counts };
    measuring = true;
    await vi.advanceTimersByTimeAsync(20_000);
    measuring = false;
    s.stop();
    const counts = Object.fromEntries(
      Object.entries(s.counts).map(([k, v]) => [k, v - before[k as keyof typeof before]]),
    );
    latency.sort((a, b) => a - b);
    return { perCamera, counts, p95: latency[Math.floor(latency.length * 0.95)]!, peak: runner.peak };
  };

  it('holds 24 cameras at 2 detections/s each when two workers take 40 ms a frame', async () => {
    const r = await run({ cameras: 24, slots: 2, ms: 40 });
    expect(r.perCamera.size).toBe(24);
    for (const n of r.perCamera.values()) expect(n / 20).toBeGreaterThanOrEqual(1.95);
    expect(r.p95).toBeLessThan(1000);
    expect(r.peak).toBeLessThanOrEqual(2); // never more in flight than the runner has room for
    expect(r.counts.stale).toBe(0);
  });

  it('past capacity drops frames instead of queueing; the permit camera keeps its rate', async () => {
    // 2 slots × 100 ms = 20 frames/s for 24 cameras: far below 24 × 2
    const r = await run({ cameras: 24, slots: 2, ms: 100, permitCamera: 'cam-5' });
    expect(r.perCamera.get('cam-5')! / 20).toBeGreaterThanOrEqual(1.9);
    const idle = [...r.perCamera].filter(([id]) => id !== 'cam-5').map(([, n]) => n / 20);
    expect(Math.min(...idle)).toBeGreaterThan(0.3); // slowed down, not starved
    expect(r.counts.dropped! + r.counts.skipped!).toBeGreaterThan(0);
    expect(r.p95).toBeLessThan(1000); // frames older than the budget are dropped, never inferred late
  });

  it('reports each inferred camera as permit / people / idle, and people fade to idle after the hold', async () => {
    let personOn = 'cam-1';
    const runner: InferenceRunner = {
      size: 2,
      idleCount: () => 2,
      detect: (_image, frame) =>
        Promise.resolve({
          detections:
            frame?.key === personOn
              ? [
                  {
                    label: 'person' as const,
                    score: 0.9,
                    box: [0, 0, 10, 10] as [number, number, number, number],
                  },
                ]
              : [],
          inferMs: 5,
        }),
    };
    const s = new DetectScheduler(
      runner,
      {
        activeFps: 2,
        idleFps: 0.5,
        peopleHoldMs: 5_000,
        motionHoldMs: 0,
        motionCells: 2,
        maxFrameAgeMs: 1000,
      },
      createDetectMetrics(new Registry()),
    );
    s.setActivePermit('cam-0', true);
    expect(s.priorities().size).toBe(0); // nothing inferred yet: no opinion
    feed(s, 3, 3);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(Object.fromEntries(s.priorities())).toEqual({
      'cam-0': 'permit',
      'cam-1': 'people',
      'cam-2': 'idle',
    });
    personOn = 'nobody';
    await vi.advanceTimersByTimeAsync(6_000);
    expect(s.priorities().get('cam-1')).toBe('idle');
    s.setActivePermit('cam-0', false);
    expect(s.priorities().get('cam-0')).toBe('idle');
    s.stop();
  });
  it('an idle camera whose picture moves is inferred at the active rate, a still one at the idle rate', async () => {
    const runner = fakeRunner(2, 20);
    const s = new DetectScheduler(
      runner,
      {
        activeFps: 2,
        idleFps: 0.5,
        peopleHoldMs: 0,
        motionHoldMs: 3_000,
        motionCells: 2,
        maxFrameAgeMs: 1000,
      },
      createDetectMetrics(new Registry()),
    );
    const inferred = new Map<string, number>();
    s.onResult((r) => inferred.set(r.cameraId, (inferred.get(r.cameraId) ?? 0) + 1));
    const grey = Buffer.alloc(640 * 360 * 3, 128);
    // a dark 40 × 100 px block that jumps 60 px every frame
    const walker = (k: number) => {
      const f = Buffer.from(grey);
      for (let y = 200; y < 300; y++)
        f.fill(30, (y * 640 + ((k * 60) % 560)) * 3, (y * 640 + ((k * 60) % 560) + 40) * 3);
      return f;
    };
    let k = 0;
    const timer = setInterval(() => {
      k++;
      const frame = { ts: Date.now(), seq: k, width: 640, height: 360 };
      s.offer({ ...frame, cameraId: 'still', data: grey });
      s.offer({ ...frame, cameraId: 'moving', data: walker(k) });
    }, 333);
    await vi.advanceTimersByTimeAsync(10_000);
    clearInterval(timer);
    s.stop();
    expect(inferred.get('still')).toBeGreaterThanOrEqual(4);
    expect(inferred.get('still')).toBeLessThanOrEqual(6);
    expect(inferred.get('moving')).toBeGreaterThanOrEqual(17);
    expect(inferred.get('moving')).toBeLessThanOrEqual(21);
    expect(Object.fromEntries(s.priorities())).toEqual({ still: 'idle', moving: 'motion' });
  });
});
