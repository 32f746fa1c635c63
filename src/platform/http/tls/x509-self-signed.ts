import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIPv4 } from 'node:net';

/**
 * A self-signed X.509 v3 certificate made with node:crypto alone (an ECDSA P-256 key, signed with
 * SHA-256) and a few lines of DER. node:crypto makes keys and parses certificates but cannot issue
 * one; the `openssl` command is not in the runtime image, and a JS X.509 package would be a dependency
 * for these ~100 lines. `new X509Certificate(pem)` and a real TLS handshake check the output
 * (tests/unit/x509-self-signed.test.ts, tests/integration/https-serving.test.ts).
 */

// --- DER: tag, length, value -------------------------------------------------------------------------
function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, body]);
}
const seq = (...p: Buffer[]) => der(0x30, ...p);
const set = (...p: Buffer[]) => der(0x31, ...p);
const octets = (b: Buffer) => der(0x04, b);
const bits = (b: Buffer, unused = 0) => der(0x03, Buffer.from([unused]), b);
const bool = (v: boolean) => der(0x01, Buffer.from([v ? 0xff : 0x00]));
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));
const explicit = (n: number, inner: Buffer) => der(0xa0 + n, inner);

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return der(0x02, v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return der(0x06, Buffer.from(out));
}

/** UTCTime up to 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
function time(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'; // YYYYMMDDHHMMSSZ
  return d.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(s.slice(2))) : der(0x18, Buffer.from(s));
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

const extension = (id: string, critical: boolean, value: Buffer) =>
  seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

/** dNSName [2] for names, iPAddress [7] for IPv4 addresses. */
function generalNames(names: readonly string[]): Buffer {
  return seq(
    ...names.map((n) =>
      isIPv4(n) ? der(0x87, Buffer.from(n.split('.').map(Number))) : der(0x82, Buffer.from(n, 'ascii')),
    ),
  );
}

export interface SelfSignedOptions {
  commonName: string;
  /** DNS names and IPv4 addresses the certificate is valid for (subjectAltName) */
  altNames: readonly string[];
  notBefore: Date;
  notAfter: Date;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

/**
 * Issues the certificate. It is its own CA (basicConstraints CA:TRUE, pathlen 0), so a phone can
 * install it as a trusted root (Android and iOS install only CA certificates) and then trust the
 * service with it; serverAuth in extendedKeyUsage and the names in subjectAltName make it a valid
 * server certificate too.
 */
export function issueSelfSigned(o: SelfSignedOptions): IssuedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const name = seq(
    set(seq(oid(OID.commonName), utf8(o.commonName))),
    set(seq(oid(OID.organization), utf8('Jianhu 监护'))),
  );
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive and non-zero, 16 bytes
  const algorithm = seq(oid(OID.ecdsaWithSha256));
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    algorithm,
    name,
    seq(time(o.notBefore), time(o.notAfter)),
    name,
    spki,
    explicit(
      3,
      seq(
        extension(OID.basicConstraints, true, seq(bool(true), integer(Buffer.from([0])))),
        // digitalSignature (bit 0) + keyCertSign (bit 5): 1000 0100, the last 2 bits unused
        extension(OID.keyUsage, true, bits(Buffer.from([0x84]), 2)),
        extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth))),
        extension(OID.subjectKeyId, false, octets(createHash('sha1').update(spki).digest())),
        extension(OID.subjectAltName, false, generalNames(o.altNames)),
      ),
    ),
  );
  const signature = sign('sha256', tbs, privateKey); // ECDSA: DER (r, s) by default
  const cert = seq(tbs, algorithm, bits(signature));
  return { certPem: pem('CERTIFICATE', cert), keyPem: keyPem(privateKey) };
}

function pem(label: string, body: Buffer): string {
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

const keyPem = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }).toString();
