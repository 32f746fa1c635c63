import { describe, expect, it } from 'vitest';
import { permitsProvider, type PermitKindFacts } from '../../src/supervision/violations/permits-adapter.ts';
import { KINDS } from '../../src/work/kinds/index.ts';

const facts = (guardian: boolean, flame: boolean): PermitKindFacts => ({
  guardian: { required: guardian },
  supervision: { allowsOpenFlame: flame },
});

describe('permitsProvider', () => {
  it('reads the registered kinds’ facts per camera and caches for a second', () => {
    let calls = 0;
    const p = permitsProvider(
      (cam) => {
        calls++;
        return cam === 'c1' ? [{ kind: 'hot_work' }] : cam === 'c2' ? [{ kind: 'confined_space' }] : [];
      },
      (kind) => KINDS.find(kind),
    );
    expect(p.activeOn('c1', 0)).toEqual({
      guardianRequired: true,
      openFlameAllowed: true,
      kinds: ['hot_work'],
    });
    expect(p.activeOn('c2', 0)).toEqual({
      guardianRequired: true,
      openFlameAllowed: false,
      kinds: ['confined_space'],
    });
    expect(p.activeOn('c3', 0)).toEqual({ guardianRequired: false, openFlameAllowed: false, kinds: [] });
    p.activeOn('c1', 500);
    expect(calls).toBe(3);
    p.activeOn('c1', 1500);
    expect(calls).toBe(4);
  });

  it('combines the kinds on one camera, and reads an unknown kind strictly (guardian, no flame)', () => {
    const table: Record<string, PermitKindFacts> = {
      flame_only: facts(false, true),
      watched: facts(true, false),
    };
    const p = permitsProvider(
      (cam) => (cam === 'both' ? [{ kind: 'flame_only' }, { kind: 'watched' }] : [{ kind: 'mystery' }]),
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
        throw new Error('db locked');
      },
      (kind) => KINDS.find(kind),
    );
    expect(p.activeOn('c1', 0)).toEqual({ guardianRequired: false, openFlameAllowed: false, kinds: [] });
  });
});
