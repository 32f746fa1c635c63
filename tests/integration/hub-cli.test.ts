import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { hubConfigInput } from '../helpers/hub-sim.ts';

const run = (args: string[]) =>
  new Promise<{ code: number; stderr: string }>((done) =>
    execFile(
      process.execPath,
      [resolve('bin/jianhu.mjs'), ...args],
      { timeout: 60_000 },
      (err, _out, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
    ),
  );

describe('jianhu hub (fail closed)', () => {
  it('refuses an invalid hub.yaml with exit 2 and starts nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jianhu-hubcli-'));
    const file = join(dir, 'hub.yaml');
    const input = hubConfigInput('nats://127.0.0.1:1', 'postgres://u@127.0.0.1:1/x');
    writeFileSync(
      file,
      stringify({ ...input, boxes: [{ id: 'box-a', enterpriseIds: ['ent-a', 'ent-zz'] }], surprise: 1 }),
    );
    const r = await run(['hub', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/additional/);
    expect(r.stderr).toMatch(/nothing was started/);
    expect((await run(['hub'])).code).toBe(2); // --config is required
  });
});
