import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointMessage, sha256Hex } from '../../platform/events/chain.ts';

/**
 * The Ed25519 key that signs checkpoints. Created on first start in `<dataDir>/audit/` (private key
 * mode 0600); the public key is exported with every bundle, and its id (first 16 hex of the sha256 of
 * its DER form) is what a regulator pins.
 */
export interface SigningKey {
  keyId: string;
  publicKeyPem: string;
  sign(seq: number, hash: string, signedAt: string): string;
}

export const keyPaths = (dataDir: string) => ({
  dir: join(dataDir, 'audit'),
  privateKey: join(dataDir, 'audit', 'checkpoint-ed25519.key'),
  publicKey: join(dataDir, 'audit', 'checkpoint-ed25519.pub.pem'),
});

export function keyIdOf(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return sha256Hex(der).slice(0, 16);
}

export function loadOrCreateSigningKey(dataDir: string): SigningKey {
  const p = keyPaths(dataDir);
  let priv: KeyObject;
  if (existsSync(p.privateKey)) {
    priv = createPrivateKey(readFileSync(p.privateKey));
  } else {
    mkdirSync(p.dir, { recursive: true, mode: 0o700 });
    const pair = generateKeyPairSync('ed25519');
    priv = pair.privateKey;
    writeFileSync(p.privateKey, priv.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    chmodSync(p.privateKey, 0o600); // in case the umask widened it
  }
  const publicKeyPem = createPublicKey(priv).export({ type: 'spki', format: 'pem' }).toString();
  if (!existsSync(p.publicKey)) writeFileSync(p.publicKey, publicKeyPem, { mode: 0o644 });
  const keyId = keyIdOf(publicKeyPem);
  return {
    keyId,
    publicKeyPem,
    sign: (seq, hash, signedAt) =>
      sign(null, checkpointMessage(seq, hash, signedAt), priv).toString('base64'),
  };
}

export function verifyCheckpointSignature(
  publicKeyPem: string,
  c: { seq: number; hash: string; signedAt: string; signature: string },
): boolean {
  try {
    return verify(
      null,
      checkpointMessage(c.seq, c.hash, c.signedAt),
      createPublicKey(publicKeyPem),
      Buffer.from(c.signature, 'base64'),
    );
  } catch {
    return false;
  }
}
