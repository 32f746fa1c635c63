import { describe, expect, it } from 'vitest';
import { Slots } from '../../src/platform/shared/slots.ts';

describe('Slots', () => {
  it('lets at most size holders in and the rest in call order', async () => {
    const s = new Slots(2);
    const order: string[] = [];
    const a = await s.acquire();
    const b = await s.acquire();
    const c = s.acquire().then((r) => (order.push('c'), r));
    const d = s.acquire().then((r) => (order.push('d'), r));
    await Promise.resolve();
    expect(s.inUse).toBe(2);
    expect(s.queued).toBe(2);
    expect(order).toEqual([]);
    a();
    const rc = await c;
    expect(order).toEqual(['c']);
    a(); // a second release of the same slot changes nothing
    expect(s.queued).toBe(1);
    b();
    const rd = await d;
    expect(order).toEqual(['c', 'd']);
    rc();
    rd();
    expect(s.inUse).toBe(0);
  });
});
