import { describe, expect, it } from 'vitest';
import { permitsProvider } from '../../src/supervision/violations/permits-adapter.ts';

describe('permitsProvider', () => {
  it('maps active permit kinds per camera, asking the index at the frame time each time', () => {
    const asked: number[] = [];
    const p = permitsProvider((cam, ts) => {
      asked.push(ts);
      return cam === 'c1' ? ['hot_work'] : cam === 'c2' ? ['confined_space', 'hot_work'] : [];
    });
    expect(p.activeOn('c1', 0)).toEqual({ hotWork: true, confinedSpace: false });
    expect(p.activeOn('c2', 10)).toEqual({ hotWork: true, confinedSpace: true });
    expect(p.activeOn('c3', 20)).toEqual({ hotWork: false, confinedSpace: false });
    expect(asked).toEqual([0, 10, 20]);
  });
  it('a failing lookup reads as no active permit', () => {
    const p = permitsProvider(() => {
      throw new Error('index gone');
    });
    expect(p.activeOn('c1', 0)).toEqual({ hotWork: false, confinedSpace: false });
  });
});
