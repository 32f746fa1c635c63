import { describe, expect, it } from 'vitest';
import { parseSchedstat, ThreadClock } from '../../src/vision/detect/worker/thread-cpu.ts';

describe('thread CPU clock (schedstat)', () => {
  it('parses "<cpu ns> <wait ns> <slices>" and rejects anything else', () => {
    expect(parseSchedstat('2565202 360605 1\n')).toEqual({ cpuNs: 2565202, waitNs: 360605 });
    expect(parseSchedstat('')).toBeUndefined();
    expect(parseSchedstat('n/a')).toBeUndefined();
  });

  it('is unavailable, not wrong, where the file is missing', () => {
    const c = new ThreadClock('/nonexistent/schedstat');
    expect(c.read()).toBeUndefined();
    c.close();
  });

  it.skipIf(process.platform !== 'linux')('counts CPU this thread spends, not time it sleeps', async () => {
    const c = new ThreadClock();
    const a = c.read()!;
    let x = 0;
    for (let i = 0; i < 3e7; i++) x = (x + i * 7) % 1_000_003;
    const b = c.read()!;
    await new Promise((r) => setTimeout(r, 200));
    const d = c.read()!;
    c.close();
    expect(x).toBeGreaterThanOrEqual(0);
    expect(b.cpuNs - a.cpuNs).toBeGreaterThan(1e6); // the loop ran on a core
    expect(d.cpuNs - b.cpuNs).toBeLessThan(150e6); // a 200 ms sleep is not 200 ms of CPU
    expect(b.waitNs).toBeGreaterThanOrEqual(a.waitNs);
  });
});
