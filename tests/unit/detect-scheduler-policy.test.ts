import { describe, expect, it } from 'vitest';
import {
  dispatchStamp,
  dueAt,
  pickNext,
  priorityOf,
  type CameraView,
  type PolicySettings,
} from '../../src/vision/detect/scheduler-policy.ts';

const S: PolicySettings = {
  activeFps: 2,
  idleFps: 0.5,
  peopleHoldMs: 10_000,
  motionHoldMs: 3_000,
  motionCells: 2,
  maxFrameAgeMs: 1_000,
};
const NOW = 100_000;
const cam = (id: string, over: Partial<CameraView> = {}): CameraView => ({
  cameraId: id,
  pendingTs: NOW - 10,
  inFlight: false,
  lastDispatchAt: -Infinity,
  activePermit: false,
  lastPersonAt: -Infinity,
  lastMotionAt: -Infinity,
  ...over,
});

describe('scheduler policy', () => {
  it('runs permit and people cameras at the active rate, the rest at the idle rate', () => {
    expect(priorityOf(cam('a', { activePermit: true }), NOW, S)).toBe('permit');
    expect(priorityOf(cam('b', { lastPersonAt: NOW - 9_000 }), NOW, S)).toBe('people');
    expect(priorityOf(cam('c', { lastPersonAt: NOW - 11_000 }), NOW, S)).toBe('idle');
    expect(dueAt(cam('a', { activePermit: true, lastDispatchAt: NOW }), NOW, S)).toBe(NOW + 500);
    expect(dueAt(cam('c', { lastDispatchAt: NOW }), NOW, S)).toBe(NOW + 2_000);
  });

  it('a camera whose picture moved within motionHoldMs runs at the active rate, below permit and people', () => {
    expect(priorityOf(cam('m', { lastMotionAt: NOW - 2_000 }), NOW, S)).toBe('motion');
    expect(priorityOf(cam('m', { lastMotionAt: NOW - 4_000 }), NOW, S)).toBe('idle');
    expect(priorityOf(cam('m', { lastMotionAt: NOW, lastPersonAt: NOW }), NOW, S)).toBe('people');
    expect(priorityOf(cam('m', { lastMotionAt: NOW, activePermit: true }), NOW, S)).toBe('permit');
    expect(priorityOf(cam('m', { lastMotionAt: NOW }), NOW, { ...S, motionHoldMs: 0 })).toBe('idle');
    // an idle camera last inferred 600 ms ago: not due at 0.5/s, due at once when it moves
    expect(dueAt(cam('m', { lastDispatchAt: NOW - 600 }), NOW, S)).toBe(NOW + 1_400);
    expect(dueAt(cam('m', { lastDispatchAt: NOW - 600, lastMotionAt: NOW }), NOW, S)).toBe(NOW - 100);
  });

  it('under overload a moving camera gets no head start over an idle one equally overdue', () => {
    const p = pickNext(
      [
        cam('moving', { lastDispatchAt: NOW - 1_000, lastMotionAt: NOW }), // due at NOW-500
        cam('people', { lastDispatchAt: NOW - 600, lastPersonAt: NOW }), // due at NOW-100, 1 s head start
        cam('idle', { lastDispatchAt: NOW - 2_600 }), // due at NOW-600
      ],
      NOW,
      3,
      S,
    );
    expect(p.dispatch).toEqual(['people', 'idle', 'moving']);
  });

  it('dispatches only due cameras, at most as many as free workers, most overdue first', () => {
    const cams = [
      cam('late', { lastDispatchAt: NOW - 3_000 }), // idle, due at NOW-1000
      cam('later', { lastDispatchAt: NOW - 4_000 }), // idle, due at NOW-2000
      cam('notyet', { lastDispatchAt: NOW - 1_000 }), // idle, due at NOW+1000
    ];
    const p = pickNext(cams, NOW, 1, S);
    expect(p.dispatch).toEqual(['later']);
    expect(p.nextDueAt).toBe(NOW + 1_000);
    expect(pickNext(cams, NOW, 5, S).dispatch).toEqual(['later', 'late']);
    expect(pickNext(cams, NOW, 0, S).dispatch).toEqual([]);
  });

  it('gives permit cameras a head start over idle ones, but an idle camera late enough still wins', () => {
    const permit = cam('permit', { activePermit: true, lastDispatchAt: NOW - 500 }); // due now
    const idle = cam('idle', { lastDispatchAt: NOW - 3_000 }); // 1 s overdue
    expect(pickNext([idle, permit], NOW, 1, S).dispatch).toEqual(['permit']);
    const starving = cam('idle', { lastDispatchAt: NOW - 4_500 }); // 2.5 s overdue > 2 s head start
    expect(pickNext([starving, permit], NOW, 1, S).dispatch).toEqual(['idle']);
  });

  it('skips cameras with nothing waiting or a frame in flight', () => {
    const p = pickNext([cam('empty', { pendingTs: undefined }), cam('busy', { inFlight: true })], NOW, 2, S);
    expect(p).toEqual({ dispatch: [], stale: [], nextDueAt: undefined });
  });

  it('drops frames older than the per-frame budget instead of inferring them late', () => {
    const p = pickNext([cam('old', { pendingTs: NOW - 1_001 }), cam('fresh')], NOW, 2, S);
    expect(p.stale).toEqual(['old']);
    expect(p.dispatch).toEqual(['fresh']);
  });

  it('keeps the cadence when a camera is served a little late, and restarts it after a long wait', () => {
    const c = cam('a', { activePermit: true, lastDispatchAt: NOW - 600 }); // due at NOW-100, period 500
    expect(dispatchStamp(c, NOW, S)).toBe(NOW - 100);
    const late = cam('b', { activePermit: true, lastDispatchAt: NOW - 900 }); // 400 ms late < 500
    expect(dispatchStamp(late, NOW, S)).toBe(NOW - 400);
    const stalled = cam('c', { activePermit: true, lastDispatchAt: NOW - 1_100 }); // 600 ms late > 500
    expect(dispatchStamp(stalled, NOW, S)).toBe(NOW);
    expect(dispatchStamp(cam('new'), NOW, S)).toBe(NOW);
  });
});
