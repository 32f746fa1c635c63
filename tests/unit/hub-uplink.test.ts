import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nkeys } from 'nats';
import { describe, expect, it } from 'vitest';
import { validateConfig, ConfigError } from '../../src/config/load.ts';
import { answerEvidence } from '../../src/platform/uplink/evidence-responder.ts';
import { boxPermissions, renderNatsServerConfig } from '../../src/platform/uplink/nats-server-config.ts';
import { hubBoxKeyCommand, hubNatsConfigCommand } from '../../src/cli/commands/hub-nats.ts';
import { readSeed } from '../../src/platform/uplink/hub-link.ts';

const userKey = () => nkeys.createUser().getPublicKey();

describe('hub: config section', () => {
  it('is optional, takes defaults, and rejects unknown keys', () => {
    expect(validateConfig({}).hub).toBeUndefined();
    const cfg = validateConfig({ hub: { servers: ['nats://hub:4222'], boxId: 'box-1', nkeySeedFile: '/k' } });
    expect(cfg.hub).toMatchObject({ batchSize: 500, maxInFlight: 64, evidence: true });
    expect(() =>
      validateConfig({
        hub: { servers: ['nats://hub:4222'], boxId: 'box-1', nkeySeedFile: '/k', pass: 'x' },
      }),
    ).toThrow(ConfigError);
    expect(() =>
      validateConfig({ hub: { servers: ['nats://hub:4222'], boxId: 'a.b', nkeySeedFile: '/k' } }),
    ).toThrow(ConfigError);
  });
});

describe('hub.nkeySeedFile', () => {
  it('stops the start with a code when missing or not a user seed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jianhu-seed-'));
    expect(() => readSeed(join(dir, 'none.nk'))).toThrow(
      expect.objectContaining({ code: 'JH_ERR_HUB_NKEY_SEED' }),
    );
    writeFileSync(join(dir, 'bad.nk'), 'not a seed\n');
    expect(() => readSeed(join(dir, 'bad.nk'))).toThrow(
      expect.objectContaining({ code: 'JH_ERR_HUB_NKEY_SEED' }),
    );
    const seed = new TextDecoder().decode(nkeys.createUser().getSeed());
    writeFileSync(join(dir, 'ok.nk'), `${seed}\n`);
    expect(readSeed(join(dir, 'ok.nk'))).toBe(seed);
  });
});

describe('hub nats-server config', () => {
  it('gives each box its own subjects, rpc and inbox, and the hub the stream API', () => {
    expect(boxPermissions('box-1', ['ent-a'])).toEqual({
      publish: ['jianhu.ev.box-1.ent-a.>', 'jianhu.ev.box-1._.>'],
      subscribe: ['jianhu.rpc.box-1.>', '_INBOX_box-1.>'],
    });
    const hubKey = userKey();
    const boxKey = userKey();
    const text = renderNatsServerConfig({
      listen: '0.0.0.0:4222',
      storeDir: '/var/lib/jianhu-hub/js',
      maxPayload: 1048576,
      hubNkey: hubKey,
      boxes: [{ boxId: 'box-1', nkey: boxKey, enterprises: ['ent-a'] }],
    });
    expect(text).toContain('jetstream { store_dir: "/var/lib/jianhu-hub/js" }');
    expect(text).toContain(`{ nkey: "${boxKey}", permissions: {`);
    expect(text).toContain('publish: { allow: ["jianhu.ev.box-1.ent-a.>", "jianhu.ev.box-1._.>"] }');
    expect(text).toContain('allow_responses: { max: 1, expires: "1m" }');
  });

  it('refuses a box listed twice or two users sharing a key', () => {
    const k = userKey();
    const base = { listen: ':4222', storeDir: '/s', maxPayload: 1048576, hubNkey: userKey() };
    expect(() =>
      renderNatsServerConfig({
        ...base,
        boxes: [
          { boxId: 'b', nkey: k, enterprises: [] },
          { boxId: 'b', nkey: userKey(), enterprises: [] },
        ],
      }),
    ).toThrow(/twice/);
    expect(() =>
      renderNatsServerConfig({
        ...base,
        boxes: [
          { boxId: 'b', nkey: k, enterprises: [] },
          { boxId: 'c', nkey: k, enterprises: [] },
        ],
      }),
    ).toThrow(/share/);
  });
});

describe('jianhu hub box-key / nats-config', () => {
  it('makes a 0600 seed once, prints its public key, and the hub config takes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jianhu-hubkey-'));
    const seedFile = join(dir, 'box.nk');
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => out.push(s) > 0) as typeof process.stdout.write;
    try {
      expect(await hubBoxKeyCommand.run(['--out', seedFile])).toBe(0);
      expect(await hubBoxKeyCommand.run(['--out', seedFile])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(out[0]).toMatch(/^U[A-Z2-7]{55}\n$/);
    expect(out[1]).toBe(out[0]); // the second run keeps the seed
    expect(statSync(seedFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(seedFile, 'utf8')).toMatch(/^SU/);
    const input = join(dir, 'hub.yaml');
    writeFileSync(
      input,
      `natsServer:\n  storeDir: ${dir}/js\n  hubNkey: ${userKey()}\n  boxes:\n    - { boxId: box-1, nkey: ${out[0]!.trim()}, enterprises: [ent-a] }\n`,
    );
    expect(await hubNatsConfigCommand.run(['--config', input, '--out', join(dir, 'nats.conf')])).toBe(0);
    expect(readFileSync(join(dir, 'nats.conf'), 'utf8')).toContain(out[0]!.trim());
    writeFileSync(input, `natsServer:\n  storeDir: ${dir}/js\n  hubNkey: nope\n`);
    expect(await hubNatsConfigCommand.run(['--config', input, '--out', join(dir, 'bad.conf')])).toBe(2);
  });
});

describe('evidence replies', () => {
  const file = { contentType: 'image/jpeg', sha256: 'a'.repeat(64), data: Buffer.alloc(3000, 1) };
  it('answers within the max payload and refuses beyond it', async () => {
    expect(await answerEvidence(async () => file, '{"violationId":3}', 1024 * 1024)).toMatchObject({
      ok: true,
    });
    expect(await answerEvidence(async () => file, '{"violationId":3}', 2048)).toMatchObject({
      ok: false,
      code: 'too_large',
    });
  });
  it('reports a source failure (a tampered file) as unavailable, not as a crash', async () => {
    const r = await answerEvidence(
      async () => {
        throw new Error('JH_ERR_EVIDENCE_TAMPERED');
      },
      '{"violationId":3}',
      1024 * 1024,
    );
    expect(r).toMatchObject({ ok: false, code: 'unavailable' });
  });
});
