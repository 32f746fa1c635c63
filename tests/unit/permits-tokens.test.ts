import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  distanceM,
  signAuthorisation,
  signQr,
  verifyAuthorisation,
  verifyQr,
} from '../../src/work/machines/machine-token.ts';

const key = Buffer.alloc(32, 7);
const other = Buffer.alloc(32, 8);

describe('一机一码 tokens', () => {
  it('round-trips a QR token and rejects other keys and any altered character', () => {
    const t = signQr(key, { machineId: 'M-01', version: 3, iat: 1_767_000_000 });
    expect(verifyQr(key, t)).toEqual({ machineId: 'M-01', version: 3, iat: 1_767_000_000 });
    expect(verifyQr(other, t)).toBeNull();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: t.length - 1 }), fc.constantFrom(...'AZaz09-_.x'), (i, ch) => {
        const altered = t.slice(0, i) + ch + t.slice(i + 1);
        return altered === t || verifyQr(key, altered) === null;
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips a work authorisation and rejects tampered claims', () => {
    const claims = { jti: 'j1', machineId: 'M1', permitId: 'p', userId: 4, exp: 1000 };
    const t = signAuthorisation(key, claims);
    expect(verifyAuthorisation(key, t)).toEqual(claims);
    const [h, , sig] = t.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, machineId: 'M2' })).toString('base64url')}.${sig}`;
    expect(verifyAuthorisation(key, forged)).toBeNull();
    expect(verifyAuthorisation(other, t)).toBeNull();
    expect(verifyAuthorisation(key, 'garbage')).toBeNull();
  });

  it('measures distance (1/1000 degree of latitude ≈ 111 m)', () => {
    const d = distanceM({ lat: 35.49, lon: 112.85 }, { lat: 35.491, lon: 112.85 });
    expect(d).toBeGreaterThan(110);
    expect(d).toBeLessThan(112);
    expect(distanceM({ lat: 1, lon: 2 }, { lat: 1, lon: 2 })).toBe(0);
  });
});
