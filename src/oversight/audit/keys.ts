import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { checkpointMessage, sha256Hex, type CheckpointClaim } from '../../platform/events/chain.ts';

/**
 * The Ed25519 key that signs checkpoints. Where the private key lives is `audit.signingKeyFile`
 * (created 0600 on first start), or the PEM itself in the env variable JIANHU_AUDIT_SIGNING_KEY (a
 * KMS or secret store hands it over; nothing is written). The default `<dataDir>/audit/` keeps old
 * installs working but sits beside the database: whoever copies the data folder can re-sign a
 * rewritten chain, so start() warns about it. The public key is always written to
 * `<dataDir>/audit/checkpoint-ed25519.pub.pem` (verify and bundles read it); its id (first 16 hex of
 * the sha256 of its DER form) is what a regulator pins.
 */
export interface SigningKey {
  keyId: string;
  publicKeyPem: string;
  /** where the private key came from: a file path, or 'env' */
  source: string;
  /** true when the private key sits inside the data folder (the warning case) */
  insideDataDir: boolean;
  sign(claim: CheckpointClaim): string;
}

export const SIGNING_KEY_ENV = 'JIANHU_AUDIT_SIGNING_KEY';

export const keyPaths = (dataDir: string) => ({
  dir: join(dataDir, 'audit'),
  privateKey: join(dataDir, 'audit', 'checkpoint-ed25519.key'),
  publicKey: join(dataDir, 'audit', 'checkpoint-ed25519.pub.pem'),
});

export function keyIdOf(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return sha256Hex(der).slice(0, 16);
}

export const isInside = (dir: string, file: string): boolean => {
  const rel = relative(resolve(dir), resolve(file));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

export function loadOrCreateSigningKey(
  dataDir: string,
  opts: { keyFile?: string; env?: NodeJS.ProcessEnv } = {},
): SigningKey {
  const p = keyPaths(dataDir);
  const fromEnv = (opts.env ?? process.env)[SIGNING_KEY_ENV];
  const file = opts.keyFile || p.privateKey;
  let priv: KeyObject;
  if (fromEnv) priv = createPrivateKey(fromEnv);
  else if (existsSync(file)) {
    priv = createPrivateKey(readFileSync(file));
    chmodSync(file, 0o600); // an older install may have left it wider
  } else {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const pair = generateKeyPairSync('ed25519');
    priv = pair.privateKey;
    writeFileSync(file, priv.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600); // in case the umask widened it
  }
  const publicKeyPem = createPublicKey(priv).export({ type: 'spki', format: 'pem' }).toString();
  mkdirSync(p.dir, { recursive: true, mode: 0o700 });
  if (!existsSync(p.publicKey) || readFileSync(p.publicKey, 'utf8') !== publicKeyPem)
    writeFileSync(p.publicKey, publicKeyPem, { mode: 0o644 });
  return {
    keyId: keyIdOf(publicKeyPem),
    publicKeyPem,
    source: fromEnv ? 'env' : file,
    insideDataDir: !fromEnv && isInside(dataDir, file),
    sign: (claim) => sign(null, checkpointMessage(claim), priv).toString('base64'),
  };
}

export function verifyCheckpointSignature(
  publicKeyPem: string,
  c: CheckpointClaim & { signature: string },
): boolean {
  try {
    return verify(
      null,
      checkpointMessage(c),
      createPublicKey(publicKeyPem),
      Buffer.from(c.signature, 'base64'),
    );
  } catch {
    return false;
  }
}
