import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type Sim } from '../../streams-sim/index.ts';
import { createLogger } from '../../src/platform/shared/logger.ts';
import { DEFAULT_UPSTREAM, RelayFeed } from '../../src/video/relay/relay-feed.ts';
import type { Fmp4Fragment, Fmp4Listener } from '../../src/video/relay/types.ts';

// The shared fMP4 upstream against a real RTSP camera (streams-sim, GOP 1 s) and real ffmpeg.
let sim: Sim;
let feed: RelayFeed;
const logger = createLogger('silent');

/** pids of relay ffmpeg processes reading `url` (found through /proc, not by name). */
function upstreamPids(url: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.includes('frag_keyframe') && cmd.includes(url)) out.push(Number(d));
    } catch {
      /* exited */
    }
  }
  return out;
}

const waitFor = async (cond: () => boolean, ms: number, what: string) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** A listener that records what it got. */
function recorder(extra: Partial<Fmp4Listener> = {}) {
  const got = {
    inits: [] as string[],
    fragments: [] as Fmp4Fragment[],
    downs: 0,
    ended: null as string | null,
  };
  const listener: Fmp4Listener = {
    onInit: (_init, codec) => got.inits.push(codec),
    onFragment: (f) => got.fragments.push(f),
    onUpstreamDown: () => got.downs++,
    onEnd: (cause) => (got.ended = cause.code),
    ...extra,
  };
  return { got, listener };
}

beforeAll(async () => {
  sim = await startSim({ cameras: ['cam1'], port: 0, sources: [{ kind: 'pattern', variant: 1 }] });
  feed = new RelayFeed(
    (id) => (id === 'cam1' ? { url: sim.url('cam1'), rtspTransport: 'tcp' } : null),
    logger,
    { ...DEFAULT_UPSTREAM, idleGraceMs: 500, backoff: [[1000, 300]] },
  );
});
afterAll(async () => {
  feed?.close();
  await sim?.stop();
});

describe('fMP4 relay upstream', () => {
  it('shares one ffmpeg between subscribers; a late one starts at the cached keyframe, then goes live', async () => {
    const a = recorder();
    const stopA = feed.subscribe('cam1', a.listener);
    // a GOP under way: a keyframe followed by at least two more fragments
    await waitFor(
      () =>
        a.got.fragments.length >= 3 && !a.got.fragments.at(-1)!.keyframe && !a.got.fragments.at(-2)!.keyframe,
      30_000,
      'fragments mid-GOP',
    );
    expect(a.got.inits[0]).toMatch(/^avc1\.[0-9A-F]{6}$/);
    expect(a.got.fragments[0]!.keyframe, 'a decoder can start at the first fragment').toBe(true);
    expect(a.got.fragments[0]!.durationMs).toBeLessThan(600); // fragments every ~200 ms, not per GOP

    const b = recorder();
    const stopB = feed.subscribe('cam1', b.listener, { fromKeyframe: true });
    // init and the cached GOP come at once, from memory
    expect(b.got.inits).toEqual([a.got.inits[0]]);
    expect(b.got.fragments.length).toBeGreaterThanOrEqual(3);
    expect(b.got.fragments[0]!.keyframe).toBe(true);
    const lastKey = a.got.fragments.findLastIndex((f) => f.keyframe);
    expect(b.got.fragments.map((f) => f.decodeTime)).toEqual(
      a.got.fragments.slice(lastKey).map((f) => f.decodeTime),
    );
    // then live, in step with the first subscriber
    const had = b.got.fragments.length;
    await waitFor(() => b.got.fragments.length >= had + 3, 10_000, 'live fragments');
    expect(b.got.fragments.at(-1)!.decodeTime).toBe(a.got.fragments.at(-1)!.decodeTime);
    const times = b.got.fragments.map((f) => f.decodeTime);
    expect(times).toEqual([...times].sort((x, y) => x - y));

    expect(upstreamPids(sim.url('cam1'))).toHaveLength(1);
    expect(feed.stats()).toMatchObject([{ cameraId: 'cam1', subscribers: 2, spawns: 1, running: true }]);

    stopA();
    stopB();
    // kept for the idle grace (a page reload reuses it), then stopped
    expect(feed.stats()[0]?.running).toBe(true);
    await waitFor(
      () => feed.stats().length === 0 && upstreamPids(sim.url('cam1')).length === 0,
      10_000,
      'idle stop',
    );
  });

  it('cuts off a subscriber whose queue is over the cap, and keeps serving the others', async () => {
    const fast = recorder();
    const slow = recorder({ bufferedBytes: () => DEFAULT_UPSTREAM.maxBufferedBytes + 1 });
    const stopFast = feed.subscribe('cam1', fast.listener);
    feed.subscribe('cam1', slow.listener);
    await waitFor(() => slow.got.ended !== null && fast.got.fragments.length >= 3, 30_000, 'cut-off');
    expect(slow.got.ended).toBe('slow_subscriber');
    expect(slow.got.fragments).toHaveLength(0);
    expect(feed.stats()[0]).toMatchObject({ subscribers: 1, cutOff: 1 });
    stopFast();
  });

  it('reconnects when the RTSP server stops and comes back, with a new init', async () => {
    const sub = recorder();
    const stop = feed.subscribe('cam1', sub.listener);
    await waitFor(() => sub.got.fragments.length >= 2, 30_000, 'first session');
    const port = sim.port;
    const firstSession = sub.got.fragments[0]!.session;
    await sim.stop();
    await waitFor(() => sub.got.downs >= 1, 20_000, 'upstream down');
    // a while without a server: retries fail and keep coming (stepped back-off)
    await new Promise((r) => setTimeout(r, 1500));
    sim = await startSim({ cameras: ['cam1'], port, sources: [{ kind: 'pattern', variant: 1 }] });
    const before = sub.got.fragments.length;
    await waitFor(() => sub.got.fragments.length >= before + 2, 30_000, 'second session');
    expect(sub.got.inits.length).toBeGreaterThanOrEqual(2);
    const resumed = sub.got.fragments[before]!;
    expect(resumed.keyframe, 'the new session starts at a keyframe').toBe(true);
    expect(resumed.session).toBeGreaterThan(firstSession!);
    expect(feed.stats()[0]!.spawns).toBeGreaterThanOrEqual(3); // the first, failed retries, the one that worked
    expect(sub.got.ended).toBeNull();
    stop();
  });

  it('ends a subscription to a camera it does not know', () => {
    const sub = recorder();
    feed.subscribe('nope', sub.listener);
    expect(sub.got.ended).toBe('camera_unknown');
  });
});
