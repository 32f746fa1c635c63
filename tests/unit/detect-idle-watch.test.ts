/**
 * Idle cameras decode keyframes only and are inferred at 0.5/s; the moment one moves (or shows a
 * person, or gets a permit) it must be decoded in full and inferred at the active rate again. The real
 * DetectScheduler over simulated time with a fake runner (no models), the watch as main.ts wires it.
 */
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleWatch } from '../../src/vision/detect/idle-watch.ts';
import { createDetectMetrics } from '../../src/vision/detect/detect-metrics.ts';
import { DetectScheduler } from '../../src/vision/detect/scheduler.ts';
import type { InferenceRunner } from '../../src/vision/detect/worker/inference-pool.ts';
import type { Detection } from '../../src/vision/detect/types.ts';

const W = 640;
const H = 360;
const grey = Buffer.alloc(W * H * 3, 128);
/** the grey picture with a dark 40 × 100 px block at x */
const withBlock = (x: number) => {
  const f = Buffer.from(grey);
  for (let y = 200; y < 300; y++) f.fill(30, (y * W + x) * 3, (y * W + x + 40) * 3);
  return f;
};

function setup(answer: () => Detection[] = () => []) {
  const dispatched: { at: number; seq: number }[] = [];
  const runner: InferenceRunner = {
    size: 2,
    idleCount: () => 2,
    detect: (f) => {
      dispatched.push({ at: Date.now(), seq: (f as unknown as { seq: number }).seq });
      return Promise.resolve({ detections: answer(), inferMs: 1 });
    },
  } as InferenceRunner;
  const s = new DetectScheduler(
    runner,
    {
      activeFps: 2,
      idleFps: 0.5,
      peopleHoldMs: 5_000,
      motionHoldMs: 3_000,
      motionCells: 2,
      maxFrameAgeMs: 1000,
    },
    createDetectMetrics(new Registry()),
  );
  const reports: { at: number; idle: boolean }[] = [];
  const watch = new IdleWatch(s, (_, idle) => reports.push({ at: Date.now(), idle }), {
    everyMs: 1_000,
    settleMs: 5_000,
  }).start();
  let seq = 0;
  const offer = (data: Buffer) =>
    s.offer({ cameraId: 'cam', ts: Date.now(), seq: ++seq, width: W, height: H, data });
  return { s, watch, reports, dispatched, offer, seq: () => seq };
}

describe('IdleWatch with the scheduler', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('reports a still camera idle after the settle time, and busy again on the frame that moves', async () => {
    const { s, watch, reports, dispatched, offer } = setup();
    const t0 = Date.now();
    const still = setInterval(() => offer(grey), 333);
    await vi.advanceTimersByTimeAsync(12_000);
    clearInterval(still);
    expect(reports.map((r) => r.idle)).toEqual([true]);
    expect(s.priorities().get('cam')).toBe('idle');
    // idle rate: one frame every 2 s
    const idleDispatches = dispatched.filter((d) => d.at >= t0 + 6_000 && d.at < t0 + 12_000).length;
    expect(idleDispatches).toBeGreaterThanOrEqual(2);
    expect(idleDispatches).toBeLessThanOrEqual(4);

    // something moves: busy is reported within the same offer, and that very frame is inferred
    const t = Date.now();
    offer(withBlock(100));
    expect(reports.at(-1)).toEqual({ at: t, idle: false });
    expect(s.priorities().get('cam')).toBe('motion');
    expect(dispatched.at(-1)).toEqual({ at: t, seq: expect.any(Number) });
    // and it keeps the active rate while it moves
    let k = 0;
    const moving = setInterval(() => offer(withBlock(100 + ((++k * 60) % 500))), 333);
    await vi.advanceTimersByTimeAsync(4_000);
    clearInterval(moving);
    expect(dispatched.filter((d) => d.at > t && d.at <= t + 4_000).length).toBeGreaterThanOrEqual(7);
    expect(reports.map((r) => r.idle)).toEqual([true, false]);
    watch.stop();
    s.stop();
  });

  it('wakes an idle camera at once when a permit starts on it; never reports a camera that was never idle', async () => {
    const { s, watch, reports, offer } = setup();
    const still = setInterval(() => offer(grey), 333);
    await vi.advanceTimersByTimeAsync(8_000);
    expect(reports.map((r) => r.idle)).toEqual([true]);
    s.setActivePermit('cam', true);
    expect(reports.map((r) => r.idle)).toEqual([true, false]);
    await vi.advanceTimersByTimeAsync(10_000);
    clearInterval(still);
    expect(reports.map((r) => r.idle)).toEqual([true, false]); // the permit holds it busy
    watch.stop();
    s.stop();
  });

  it('a camera that shows a person from the start is never reported', async () => {
    const person: Detection = { label: 'person', score: 0.9, box: [0, 0, 10, 30] };
    const { s, watch, reports, offer } = setup(() => [person]);
    const still = setInterval(() => offer(grey), 333);
    await vi.advanceTimersByTimeAsync(12_000);
    clearInterval(still);
    expect(reports).toEqual([]);
    expect(s.priorities().get('cam')).toBe('people');
    watch.stop();
    s.stop();
  });
});
