import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'jianhu-cfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const jianhu = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/jianhu.mjs', ...args], { encoding: 'utf8' });

describe('jianhu config check', () => {
  it('prints three errors with paths and exits 2', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      `regions: [{ id: r, name: 县 }]
enterprises: [{ id: e, name: 企业, regionId: r }]
sites:
  - id: s
    name: 车间
    enterpriseId: e
    cameraz: []
    cameras:
      - { id: c1, name: 无地址 }
      - id: c2
        name: 二号
        url: rtsp://127.0.0.1/c2
        zones: [{ id: z, name: 危险区, kind: danger_zone, points: [[0, 0], [1, 1]] }]
`,
    );
    const r = jianhu('config', 'check', file);
    expect(r.status).toBe(2);
    const errors = r.stderr.split('\n').filter((l) => l.includes('✗'));
    expect(errors).toHaveLength(3);
    expect(r.stderr).toContain('sites[0].cameraz (line 7): unknown key "cameraz"');
    expect(r.stderr).toContain('sites[0].cameras[0].url (line 9): missing required key "url"');
    expect(r.stderr).toContain('sites[0].cameras[1].zones[0].points (line 13)');
  });

  it('accepts the demo config', () => {
    const r = jianhu('config', 'check', 'config/demo.yaml');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('refuses to serve with an invalid config and starts nothing', () => {
    const file = join(dir, 'bad2.yaml');
    writeFileSync(file, 'server: { port: "eighty" }\n');
    const r = jianhu('serve', '--config', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('nothing was started');
  });

  it('exits 2 with a message for an unknown command or a missing file', () => {
    expect(jianhu('frobnicate').status).toBe(2);
    const r = jianhu('config', 'check', join(dir, 'missing.yaml'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('cannot read');
  });
});
