import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A 32-byte random secret in `<dataDir>/secrets/<name>` (base64, mode 0600, the folder 0700), created
 * on first use and never served by the API: the 一机一码 QR key, the service's MQTT password.
 */
export function loadOrCreateSecret(dataDir: string, name: string): Buffer {
  const dir = join(dataDir, 'secrets');
  const path = join(dir, name);
  if (existsSync(path)) {
    const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
    if (key.length < 32) throw new Error(`${path}: key too short`);
    return key;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(path, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return key;
}
