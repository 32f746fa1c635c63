import { describe, expect, it } from 'vitest';
import { permitsProvider } from '../../src/supervision/violations/permits-adapter.ts';

describe('permitsProvider', () => {
  it('maps active permit kinds per camera and caches for a second', () => {
    let calls = 0;
    const p = permitsProvider((cam) => {
      calls++;
      return cam === 'c1' ? [{ kind: 'hot_work' }] : cam === 'c2' ? [{ kind: 'confined_space' }] : [];
    });
    expect(p.activeOn('c1', 0)).toEqual({ hotWork: true, confinedSpace: false });
    expect(p.activeOn('c2', 0)).toEqual({ hotWork: false, confinedSpace: true });
    expect(p.activeOn('c3', 0)).toEqual({ hotWork: false, confinedSpace: false });
    p.activeOn('c1', 500);
    expect(calls).toBe(3);
    p.activeOn('c1', 1500);
    expect(calls).toBe(4);
  });
  it('a failing lookup reads as no active permit', () => {
    const p = permitsProvider(() => {
      throw new Error('db locked');
    });
    expect(p.activeOn('c1', 0)).toEqual({ hotWork: false, confinedSpace: false });
  });
});
