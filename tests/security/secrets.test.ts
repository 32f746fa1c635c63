import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signQr } from '../../src/work/machines/machine-token.ts';
import { TEST_PASSWORD } from '../helpers/test-service.ts';
import {
  call,
  freePort,
  login,
  spawnService,
  stopProcess,
  writeServeConfig,
  type ServiceProcess,
} from '../faults/service-process.ts';

/**
 * Secrets never leave: `jianhu serve` runs as a child process at log level debug and every byte it writes
 * is captured; a session of ordinary use (sign-in, wrong password, camera with credentials in its URL,
 * URL probe with credentials, QR scan, chip report) is driven through the real HTTP API; then neither the
 * log nor any API answer may contain a password, a session token, the QR/HMAC key, a QR signature, the
 * audit signing key or the camera password.
 */
const dir = mkdtempSync(join(tmpdir(), 'jianhu-secrets-'));
let svc: ServiceProcess | null = null;
afterAll(async () => {
  if (svc) await stopProcess(svc.child, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const CAM_PW = `CamPw${randomBytes(6).toString('hex')}`;
const PROBE_PW = `ProbePw${randomBytes(6).toString('hex')}`;

describe('secrets in logs and answers', () => {
  it('no password, token, key or signature in the log or in any answer', async () => {
    const [port, mqttPort] = [await freePort(), await freePort()];
    const config = writeServeConfig(dir, port, mqttPort, {
      server: { host: '127.0.0.1', port, logLevel: 'debug' },
      evidence: { clips: false },
      sites: [
        {
          id: 'site-a',
          name: '甲',
          enterpriseId: 'ent-a',
          cameras: [{ id: 'cam1', name: '一号', url: `rtsp://admin:${CAM_PW}@127.0.0.1:9/cam1` }],
        },
      ],
    });
    svc = await spawnService(config, port);
    const base = svc.base;
    const answers: string[] = [];
    const record = async (p: Promise<{ status: number; json: Record<string, unknown> }>) => {
      const r = await p;
      answers.push(JSON.stringify(r.json));
      return r;
    };
    const tokens = await Promise.all(
      ['admin-a', 'safety-a', 'welder-a', 'regulator-z'].map((u) => login(base, u)),
    );
    const [admin, safety, welder, regulator] = tokens as [string, string, string, string];
    // a wrong password is logged as a refusal, never with the password
    const bad = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'safety-a', password: `${TEST_PASSWORD}-wrong` }),
    });
    answers.push(await bad.text());
    await record(
      call(base, admin, 'POST', '/api/machines', {
        id: 'M1',
        name: 'M1',
        siteId: 'site-a',
        lat: 35.49,
        lon: 112.85,
      }),
    );
    const key = Buffer.from(readFileSync(join(dir, 'secrets', 'machine-qr.key'), 'utf8').trim(), 'base64');
    const qr = signQr(key, { machineId: 'M1', version: 1, iat: Math.floor(Date.now() / 1000) });
    const qrMac = qr.split('.').at(-1)!;
    await record(
      call(base, welder, 'POST', '/api/scan', {
        qr,
        nonce: randomBytes(12).toString('base64url'),
        scannedAt: new Date().toISOString(),
        lat: 35.49,
        lon: 112.85,
        accuracyM: 5,
      }),
    );
    await record(
      call(base, admin, 'POST', '/api/live/probe', { url: `rtsp://op:${PROBE_PW}@127.0.0.1:9/x` }),
    );
    await record(call(base, admin, 'POST', '/api/live/probe', { cameraId: 'cam1' }));
    await record(
      call(base, admin, 'POST', '/api/machines/M1/telemetry', {
        powered: true,
        currentA: 90,
        authorisation: `JHA1.${qrMac}`,
      }),
    );
    for (const [auth, path] of [
      [safety, '/api/me'],
      [safety, '/api/cameras'],
      [safety, '/api/cameras/cam1/health'],
      [safety, '/api/live/cameras'],
      [admin, '/api/machines'],
      [admin, '/api/machines/M1/scans'],
      [regulator, '/api/enterprises'],
      [regulator, '/api/audit/chain'],
      [safety, '/api/cameras/cam1/rules'],
      [admin, '/healthz'],
    ] as const)
      await record(call(base, auth, 'GET', path));
    for (const path of ['/docs/json', '/metrics'])
      answers.push(await (await fetch(`${base}${path}`, { headers: { authorization: admin } })).text());
    await new Promise((r) => setTimeout(r, 2500)); // let ingest log its connection failures
    await stopProcess(svc.child);
    const log = svc.output();
    svc = null;

    const auditKey = readFileSync(join(dir, 'audit', 'checkpoint-ed25519.key'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('-----'))
      .join('');
    const secrets: Record<string, string> = {
      'user password': TEST_PASSWORD,
      'camera password': CAM_PW,
      'probe URL password': PROBE_PW,
      'QR signature': qrMac,
      'QR key': key.toString('base64'),
      'audit signing key': auditKey.slice(0, 40),
      ...Object.fromEntries(tokens.map((t, i) => [`session token ${i}`, t.slice('Bearer '.length)])),
    };
    expect(auditKey.length).toBeGreaterThan(20);
    expect(log.length).toBeGreaterThan(1000); // it did log (debug): the absence below means something
    expect(log).toMatch(/127\.0\.0\.1:9\/cam1/); // ingest logged the camera URL, redacted
    const joined = answers.join('\n');
    const found: string[] = [];
    for (const [what, value] of Object.entries(secrets)) {
      if (log.includes(value)) found.push(`log has the ${what}`);
      if (joined.includes(value)) found.push(`an API answer has the ${what}`);
    }
    expect(found).toEqual([]);
    console.log(
      `secrets check: ${log.split('\n').length} log lines, ${answers.length} answers, ${Object.keys(secrets).length} secrets`,
    );
  }, 90_000);
});
