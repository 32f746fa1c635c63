import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/platform/shared/clock.ts';
import {
  classify,
  DEFAULT_THRESHOLDS as TH,
  initialHealth,
  step,
  type Health,
  type Signals,
} from '../../src/video/ingest/health-machine.ts';
import type { HealthState } from '../../src/video/ingest/types.ts';
import { FrameCadence } from '../../src/video/ingest/frame-cadence.ts';

const live = (): Signals => ({
  connected: true,
  lastFrameAt: null,
  failure: null,
  silentSession: false,
  meanLuma: 120,
  stdLuma: 50,
  unchangedSince: null,
});

/** Drives the machine like the service does: frames update signals, a 250 ms tick evaluates. */
class Rig {
  clock = new FakeClock(1_000_000);
  s = live();
  h: Health = initialHealth(this.clock.now());
  changes: HealthState[] = [];
  tick(ms: number, onTick: (now: number) => void = () => {}) {
    for (let t = 0; t < ms; t += 250) {
      this.clock.advance(250);
      onTick(this.clock.now());
      const next = step(this.h, classify(this.s, this.clock.now(), TH), this.clock.now(), TH);
      if (next.state !== this.h.state) this.changes.push(next.state);
      this.h = next;
    }
  }
  frames(ms: number, every = 500, patch: Partial<Signals> = {}) {
    let next = this.clock.now();
    this.tick(ms, (now) => {
      if (now >= next) {
        Object.assign(this.s, {
          lastFrameAt: now,
          connected: true,
          failure: null,
          unchangedSince: null,
          meanLuma: 120,
          stdLuma: 50,
          ...patch,
        });
        next = now + every;
      }
    });
  }
  online() {
    this.frames(3000);
    expect(this.h.state).toBe('online');
    this.changes = [];
  }
}

describe('camera health machine', () => {
  it('starts recovering and goes online once frames have flowed for recoverMs', () => {
    const r = new Rig();
    expect(r.h.state).toBe('recovering');
    r.frames(750);
    expect(r.h.state).toBe('recovering');
    r.frames(1000);
    expect(r.h.state).toBe('online');
  });

  it.each([
    ['dark', { meanLuma: 5, stdLuma: 2 }, 'mean_luma_low'],
    ['obstructed', { meanLuma: 90, stdLuma: 2 }, 'near_uniform'],
  ] as const)('flags %s within 5 s, recovers within 5 s', (state, patch, reason) => {
    const r = new Rig();
    r.online();
    r.frames(1250, 500, patch);
    expect(r.h.state).toBe('online'); // not yet: hysteresis
    r.frames(1500, 500, patch);
    expect(r.h).toMatchObject({ state, reason });
    r.frames(500);
    expect(r.h.state).toBe('recovering');
    r.frames(1250);
    expect(r.h.state).toBe('online');
    expect(r.changes).toEqual([state, 'recovering', 'online']);
  });

  it('flags frozen from the first identical frame, and stalled when connected without frames', () => {
    const r = new Rig();
    r.online();
    const start = r.clock.now();
    r.frames(2500, 500, { unchangedSince: start });
    expect(r.h).toMatchObject({ state: 'frozen', since: start });
    r.frames(1500);
    r.frames(500);
    expect(r.h.state).toBe('online');
    r.tick(3250); // connected, nothing arrives: 1.5 s without frames + 1.5 s hold
    expect(r.h).toMatchObject({ state: 'stalled', reason: 'no_frames' });
  });

  it('a camera that answers RTSP but never sends media is stalled, not offline', () => {
    const r = new Rig();
    r.online();
    Object.assign(r.s, { connected: false, failure: null, silentSession: true });
    r.tick(3250);
    expect(r.h).toMatchObject({ state: 'stalled', reason: 'no_frames' });
    r.s.silentSession = false;
    r.s.failure = { reason: 'connection_refused', message: '拒绝 refused' };
    r.tick(1750);
    expect(r.changes).toEqual(['stalled', 'offline']);
  });

  it('goes offline with the failure reason, and stays there through retries', () => {
    const r = new Rig();
    r.online();
    Object.assign(r.s, {
      connected: false,
      failure: { reason: 'auth_failed', message: '认证失败 Auth failed' },
    });
    r.tick(1750);
    expect(r.h).toMatchObject({ state: 'offline', reason: 'auth_failed' });
    r.s.failure = null; // an attempt in progress is no evidence either way
    r.tick(5000);
    expect(r.h.state).toBe('offline');
    expect(r.changes).toEqual(['offline']);
  });

  it('no picture that changes its look (offline, then connected and stalled) holds from its start', () => {
    const r = new Rig();
    r.online();
    const start = r.clock.now();
    r.s.lastFrameAt = start - 500;
    // ffmpeg died: offline for 1 s while the retry waits, then connected without a frame
    Object.assign(r.s, { connected: false, failure: { reason: 'connection_lost', message: 'x' } });
    r.tick(1000);
    expect(r.h.state).toBe('online'); // still within the hold
    Object.assign(r.s, { connected: true, failure: null });
    r.tick(750);
    // neither look lasted 1.5 s alone, but the picture has been missing since `start`
    expect(r.h.state).toBe('stalled');
    expect(r.h.since).toBe(start + 250);
    expect(r.changes).toEqual(['stalled']);
  });

  it('a keyframes-only camera (one frame per 4 s GOP) stays online, and is stalled when it stops', () => {
    const r = new Rig();
    const cadence = new FrameCadence(4000); // keyframes only: a 4 s GOP assumed until measured
    const keyframe = (patch: Partial<Signals> = {}) => {
      cadence.frame(r.clock.now());
      Object.assign(r.s, { lastFrameAt: r.clock.now(), typicalIntervalMs: cadence.typical(), ...patch });
    };
    for (let i = 0; i < 15; i++) {
      keyframe();
      r.tick(4000);
    }
    keyframe();
    expect(r.h.state).toBe('online');
    expect(r.changes).toEqual(['online']);
    const stoppedAt = r.clock.now();
    r.tick(12_000); // connected, no more keyframes
    expect(r.h.state).toBe('stalled');
    // twice the cadence (8 s) without a frame, then the 1.5 s hold
    expect(r.h.since - stoppedAt).toBeGreaterThan(8000);
    expect(r.h.since - stoppedAt).toBeLessThanOrEqual(8250);
  });

  it('the cadence is a median: an outage gap does not teach the camera to be slow; the limit is capped', () => {
    const c = new FrameCadence();
    for (const t of [0, 333, 667, 1000, 1333, 9000, 9333, 9667]) c.frame(t);
    expect(c.typical()).toBe(333);
    c.break(); // a reconnect: the outage is not an interval
    c.frame(60_000);
    expect(c.typical()).toBe(333);
    const slow: Signals = { ...live(), lastFrameAt: 0, typicalIntervalMs: 30_000 };
    expect(classify(slow, TH.maxNoFrameMs, TH)?.state).toBe('online');
    expect(classify(slow, TH.maxNoFrameMs + 1, TH)?.state).toBe('stalled');
  });

  it('does not flap on jitter: late frames, single bad frames, one quick reconnect', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            gap: fc.integer({ min: 250, max: 1400 }), // frames late by up to 1.4 s
            dark: fc.boolean(),
            same: fc.boolean(),
            reconnect: fc.boolean(),
          }),
          { minLength: 20, maxLength: 80 },
        ),
        (events) => {
          const r = new Rig();
          r.online();
          let prevBad = false;
          let prevReconnect = false;
          for (const e of events) {
            // never two bad frames in a row, never two reconnects in a row: that is jitter, not a fault
            const bad: boolean = !prevBad && (e.dark || e.same);
            prevBad = bad;
            const reconnect: boolean = e.reconnect && !bad && !prevReconnect;
            prevReconnect = reconnect;
            if (reconnect) {
              Object.assign(r.s, { connected: false, failure: { reason: 'connection_lost', message: 'x' } });
              r.tick(750);
            }
            r.tick(Math.max(250, e.gap - (reconnect ? 750 : 0)));
            Object.assign(r.s, {
              connected: true,
              failure: null,
              lastFrameAt: r.clock.now(),
              meanLuma: bad && e.dark ? 3 : 120,
              stdLuma: bad && e.dark ? 1 : 50,
              unchangedSince: bad && e.same && !e.dark ? r.clock.now() - 500 : null,
            });
          }
          expect(r.changes).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a fault seen only during recovering sends the camera back to the fault, not online', () => {
    const r = new Rig();
    r.online();
    r.frames(2000, 500, { meanLuma: 4, stdLuma: 1 });
    expect(r.h.state).toBe('dark');
    r.frames(500);
    expect(r.h.state).toBe('recovering');
    r.frames(2000, 500, { meanLuma: 4, stdLuma: 1 });
    expect(r.changes).toEqual(['dark', 'recovering', 'dark']);
  });
});
