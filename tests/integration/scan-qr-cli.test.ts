import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { verifyQr, loadOrCreateMachineKey } from '../../src/work/machines/machine-token.ts';
import { tokenOfQr } from '../../src/work/machines/scan-target.ts';
import { MACHINE_AT, call, decodeQr, startPermitsHarness, type PermitsHarness } from './permits-harness.ts';

const run = promisify(execFile);
let h: PermitsHarness;
let configFile: string;

beforeAll(async () => {
  h = await startPermitsHarness();
  const dir = h.services.config.store.dataDir;
  configFile = join(dir, 'config.json');
  // the same store and data dir as the running service (the secret key is shared through the file)
  writeFileSync(configFile, JSON.stringify({ store: h.services.config.store, mqtt: { embedded: false } }));
  await call(h, 'admin-a', 'POST', '/api/machines', {
    id: 'M7',
    name: '7号焊机',
    siteId: 'site-a',
    ...MACHINE_AT,
  });
});
afterAll(async () => h?.close());

describe('npx jianhu qr machine ID > label.png', () => {
  it('prints a PNG label whose QR opens the HTTPS scan page with the machine’s signed token', async () => {
    const { stdout } = await run('node', ['bin/jianhu.mjs', 'qr', 'machine', 'M7', '--config', configFile], {
      encoding: 'buffer',
      maxBuffer: 8 * 1024 * 1024,
    });
    expect(stdout.subarray(1, 4).toString()).toBe('PNG');
    const { data, info } = await sharp(stdout).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const qr = decodeQr(new Uint8ClampedArray(data), info.width, info.height);
    const key = loadOrCreateMachineKey(h.services.config.store.dataDir);
    expect(qr!.data).toMatch(/^https:\/\/.+\/ui\/phone\.html#m=/);
    expect(verifyQr(key, tokenOfQr(qr!.data))).toMatchObject({ machineId: 'M7', version: 1 });
  });

  it('exits 1 for an unknown machine, with a message', async () => {
    const unknown = await run('node', [
      'bin/jianhu.mjs',
      'qr',
      'machine',
      'NOPE',
      '--config',
      configFile,
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining('not found') });
  });
});
