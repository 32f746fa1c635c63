import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestService } from '../../src/video/ingest/ingest.service.ts';
import { ffmpegReadersOf as readers, waitFor, waitState } from './ingest-helpers.ts';
import { startSimCamera, type SimCamera } from './ingest-sim-harness.ts';

/**
 * Idle cameras decode keyframes only (`ingest.idleKeyframesOnly`): the switch, both ways, starts a
 * second real ffmpeg and ends the first only once the new one delivers, so frames never stop and
 * the camera's health (which the permit gate and the audit read) never changes.
 */
let cam: SimCamera;
let ingest: IngestService;
const frames: number[] = [];

/** Switch and wait until one reader in the new mode is left: how long, the most readers seen at once, the longest frame gap. */
async function switchTo(url: string, keyframes: boolean) {
  const t0 = Date.now();
  ingest.setKeyframesOnly('idle', keyframes);
  let readersSeen = 0;
  await waitFor(
    () => {
      const now = readers(url);
      readersSeen = Math.max(readersSeen, now.length);
      return now.length === 1 && now[0]!.keyframes === keyframes;
    },
    10_000,
    () => `readers ${JSON.stringify(readers(url))}`,
  );
  const ms = Date.now() - t0;
  await new Promise((r) => setTimeout(r, 300));
  return { ms, readersSeen, gap: maxGap(t0 - 400) };
}

/** Frames per second over the last `ms`. */
const rate = (ms: number): number => frames.filter((ts) => ts > Date.now() - ms).length / (ms / 1000);
const maxGap = (since: number): number => {
  const f = frames.filter((ts) => ts >= since);
  return Math.max(0, ...f.slice(1).map((ts, i) => ts - f[i]!));
};

beforeAll(async () => {
  cam = await startSimCamera('idle');
  ingest = cam.ingest;
  ingest.start();
  ingest.onFrame('idle', (f) => {
    frames.push(f.ts);
  });
}, 60_000);

afterAll(async () => {
  await cam?.close();
});

describe('idle keyframes-only decoding, switched make-before-break', () => {
  it('switches to keyframes and back without a gap in frames or a change of health', async () => {
    const url = cam.url;
    await waitState(ingest, 'idle', 'online', 20_000);
    await new Promise((r) => setTimeout(r, 2000));
    const fullRate = rate(2000);
    const since = Date.now();
    const [first] = readers(url);
    expect(first?.keyframes).toBe(false);

    // to keyframes: the full decoder keeps delivering 3 frames/s until the new one's first keyframe
    const s1 = await switchTo(url, true);
    await new Promise((r) => setTimeout(r, 4000));
    const keyRate = rate(4000);
    expect(ingest.decodesKeyframesOnly('idle')).toBe(true);
    // back to full: the keyframe decoder delivers until the full one's first frame
    const s2 = await switchTo(url, false);
    await new Promise((r) => setTimeout(r, 2000));
    const backRate = rate(2000);
    console.log(
      `frames/s: full ${fullRate.toFixed(1)}, keyframes only ${keyRate.toFixed(1)}, back ${backRate.toFixed(1)}; ` +
        `switch to keyframes ${s1.ms} ms (longest gap ${s1.gap} ms), back ${s2.ms} ms (longest gap ${s2.gap} ms)`,
    );
    expect(s1.readersSeen).toBe(2); // make before break: both ran at once
    expect(s2.readersSeen).toBe(2);
    expect(s1.gap).toBeLessThan(1500); // 3 frames/s went on until the first keyframe took over
    expect(s2.gap).toBeLessThan(2500); // the keyframe rhythm (sim GOP 1 s) went on until full took over
    expect(keyRate).toBeLessThan(fullRate * 0.6); // about one keyframe a second vs 3 sampled
    expect(backRate).toBeGreaterThan(keyRate);
    const changes = ingest.history('idle', since, Date.now() + 1).filter((r) => r.sinceMs >= since);
    expect(changes.map((r) => r.state)).toEqual([]);
    expect(ingest.current('idle').state).toBe('online');
  }, 60_000);

  it('a switch called back before it completes leaves one decoder in the mode asked for last', async () => {
    const url = cam.url;
    const since = Date.now();
    ingest.setKeyframesOnly('idle', true);
    ingest.setKeyframesOnly('idle', false);
    await new Promise((r) => setTimeout(r, 3000));
    const now = readers(url);
    expect(now).toHaveLength(1);
    expect(now[0]!.keyframes).toBe(false);
    expect(ingest.decodesKeyframesOnly('idle')).toBe(false);
    expect(maxGap(since)).toBeLessThan(1500);
    const changes = ingest.history('idle', since, Date.now() + 1).filter((r) => r.sinceMs >= since);
    expect(changes.map((r) => r.state)).toEqual([]);
  }, 30_000);
});
