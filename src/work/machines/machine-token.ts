import { createHmac, timingSafeEqual } from 'node:crypto';
import { loadOrCreateSecret } from '../../platform/shared/secret-file.ts';

/**
 * 一机一码 secrets. One 32-byte key in `<dataDir>/secrets/machine-qr.key` (mode 0600, created on
 * first start, never served by the API). QR tokens and work authorisations are HMAC-SHA256 under keys
 * derived from it, so neither can be forged or guessed; a QR is revoked by bumping the machine's
 * token version (old labels stop working) and ages out after `qrMaxAgeDays`.
 */
export const loadOrCreateMachineKey = (dataDir: string): Buffer =>
  loadOrCreateSecret(dataDir, 'machine-qr.key');

const b64url = (b: Buffer) => b.toString('base64url');

// Sub-keys per purpose (QR labels vs work authorisations), derived once per key.
const derivedKeys = new WeakMap<Buffer, Map<string, Buffer>>();
function mac(key: Buffer, purpose: string, message: string): Buffer {
  let perKey = derivedKeys.get(key);
  if (!perKey) derivedKeys.set(key, (perKey = new Map()));
  let derived = perKey.get(purpose);
  if (!derived)
    perKey.set(purpose, (derived = createHmac('sha256', key).update(`jianhu:${purpose}`).digest()));
  return createHmac('sha256', derived).update(message).digest();
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface QrClaims {
  machineId: string;
  version: number;
  /** issued at, epoch seconds */
  iat: number;
}

/** `JH1.<machineId>.<version>.<iat base36>.<mac>`: short enough for a small, robust QR code. */
export function signQr(key: Buffer, c: QrClaims): string {
  const body = `JH1.${c.machineId}.${c.version}.${c.iat.toString(36)}`;
  return `${body}.${b64url(mac(key, 'qr', body)).slice(0, 27)}`;
}

export function verifyQr(key: Buffer, token: string): QrClaims | null {
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== 'JH1') return null;
  const [, machineId, v, iat, sig] = parts as [string, string, string, string, string];
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(machineId) || !/^\d{1,9}$/.test(v) || !/^[0-9a-z]{1,10}$/.test(iat))
    return null;
  const body = parts.slice(0, 4).join('.');
  if (!same(sig, b64url(mac(key, 'qr', body)).slice(0, 27))) return null;
  return { machineId, version: Number(v), iat: parseInt(iat, 36) };
}

export interface AuthorisationClaims {
  jti: string;
  machineId: string;
  permitId: string;
  userId: number;
  /** expiry, epoch ms */
  exp: number;
}

/** The work authorisation the chip presents to power on: single machine, single use, short-lived. */
export function signAuthorisation(key: Buffer, c: AuthorisationClaims): string {
  const body = b64url(Buffer.from(JSON.stringify(c)));
  return `JHA1.${body}.${b64url(mac(key, 'authorisation', body))}`;
}

export function verifyAuthorisation(key: Buffer, token: string): AuthorisationClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'JHA1') return null;
  const [, body, sig] = parts as [string, string, string];
  if (!same(sig, b64url(mac(key, 'authorisation', body)))) return null;
  try {
    const c = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as AuthorisationClaims;
    if (typeof c.jti !== 'string' || typeof c.machineId !== 'string' || typeof c.exp !== 'number')
      return null;
    return c;
  } catch {
    return null;
  }
}

/** Great-circle distance in metres (haversine). */
export function distanceM(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const R = 6_371_008.8;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}
