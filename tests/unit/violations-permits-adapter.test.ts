import { describe, expect, it } from 'vitest';
import { permitsProvider, type PermitKindFacts } from '../../src/supervision/violations/permits-adapter.ts';
import { KINDS } from '../../src/work/kinds/index.ts';

const facts = (guardian: boolean, flame: boolean): PermitKindFacts => ({
  guardian: { required: guardian },
  supervision: { allowsOpenFlame: flame },
});

describe('permitsProvider', () => {
  it('reads the registered kinds’ facts per camera, asking the index at the frame time each time', () => {
    const asked: number[] = [];
    const p = permitsProvider(
      (cam, ts) => {
        asked.push(ts);
        return cam === 'c1' ? ['hot_work'] : cam === 'c2' ? ['confined_space'] : [];
      },
      (kind) => KINDS.find(kind),
    );
    expect(p.activeOn('c1', 0)).toEqual({
      guardianRequired: true,
      openFlameAllowed: true,
      kinds: ['hot_work'],
    });
    expect(p.activeOn('c2', 10)).toEqual({
      guardianRequired: true,
      openFlameAllowed: false,
      kinds: ['confined_space'],
    });
    expect(p.activeOn('c3', 20)).toEqual({ guardianRequired: false, openFlameAllowed: false, kinds: [] });
    expect(asked).toEqual([0, 10, 20]);
  });

  it('combines the kinds on one camera, and reads an unknown kind strictly (guardian, no flame)', () => {
    const table: Record<string, PermitKindFacts> = {
      flame_only: facts(false, true),
      watched: facts(true, false),
    };
    const p = permitsProvider(
      (cam) => (cam === 'both' ? ['flame_only', 'watched'] : ['mystery']),
      (kind) => table[kind],
    );
    expect(p.activeOn('both', 0)).toEqual({
      guardianRequired: true,
      openFlameAllowed: true,
      kinds: ['flame_only', 'watched'],
    });
    expect(p.activeOn('x', 0)).toEqual({
      guardianRequired: true,
      openFlameAllowed: false,
      kinds: ['mystery'],
    });
  });

  it('a failing lookup reads as no active permit', () => {
    const p = permitsProvider(
      () => {
        throw new Error('index gone');
      },
      (kind) => KINDS.find(kind),
    );
    expect(p.activeOn('c1', 0)).toEqual({ guardianRequired: false, openFlameAllowed: false, kinds: [] });
  });
});
