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

  it('refuses a camera URL whose scheme no source type opens, naming the scheme, never the password', () => {
    const file = join(dir, 'ftp.yaml');
    writeFileSync(
      file,
      `regions: [{ id: r, name: 县 }]
enterprises: [{ id: e, name: 企业, regionId: r }]
sites:
  - id: s
    name: 车间
    enterpriseId: e
    cameras:
      - { id: c1, name: 一号, url: "rtsp://127.0.0.1/c1", recordUrl: "ftp://op:Ftp-s3cret@nvr/c1" }
      - { id: c2, name: 二号, url: "udp://127.0.0.1:5000" }
`,
    );
    const r = jianhu('config', 'check', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /sites\[0\]\.cameras\[0\]\.recordUrl \(line 8\): JH_ERR_CAMERA_SCHEME_UNSUPPORTED: 摄像头地址的协议不受支持.*No camera source type.*"ftp"/,
    );
    expect(r.stderr).toMatch(
      /sites\[0\]\.cameras\[1\]\.url \(line 9\): JH_ERR_CAMERA_SCHEME_UNSUPPORTED.*"udp"/,
    );
    expect(r.stderr).not.toContain('Ftp-s3cret');
    // fail closed: the service will not start on it either
    const serve = jianhu('serve', '--config', file);
    expect(serve.status).toBe(2);
    expect(serve.stderr).toContain('JH_ERR_CAMERA_SCHEME_UNSUPPORTED');
    expect(serve.stderr).toContain('nothing was started');
  });

  it('exits 2 with a message for an unknown command or a missing file', () => {
    expect(jianhu('frobnicate').status).toBe(2);
    const r = jianhu('config', 'check', join(dir, 'missing.yaml'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('cannot read');
  });
});
