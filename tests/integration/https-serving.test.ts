import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { startService } from '../../src/main.ts';
import { loadServerTls } from '../../src/platform/http/tls/server-tls.ts';
import { issueSelfSigned } from '../../src/platform/http/tls/x509-self-signed.ts';
import { AppError } from '../../src/platform/shared/errors.ts';
import { startFullTestService, testConfigInput } from '../helpers/test-service.ts';

/**
 * `jianhu serve` answers over HTTPS too (#21, phones on the plant LAN): with a self-signed
 * certificate it makes and keeps in the data dir, or with the plant's own; socket.io works over it;
 * a plant certificate that cannot be read or does not match its key stops the start (fail closed).
 */
interface Answer {
  status: number;
  body: string;
  cert: X509Certificate;
}

function call(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: opts.method ?? 'GET',
        rejectUnauthorized: false,
        headers: opts.headers,
        agent: false as unknown as Agent,
      },
      (res) => {
        const cert = new X509Certificate((res.socket as TLSSocket).getPeerX509Certificate()!.raw);
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cert }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
const get = (url: string) => call(url);

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'jianhu-https-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('self-signed HTTPS beside HTTP', () => {
  let t: Awaited<ReturnType<typeof startFullTestService>>;
  beforeAll(async () => {
    t = await startFullTestService();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves the same app over HTTPS with the certificate the API reports', async () => {
    const base = t.service.httpsUrl!;
    expect(base).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const page = await get(`${base}/ui/phone.html`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('phone.js');

    const info = await t.app.inject({
      method: 'GET',
      url: '/api/server/tls',
      headers: { authorization: await t.login('admin-a') },
    });
    expect(info.statusCode).toBe(200);
    const body = info.json() as { fingerprintSha256: string; source: string; subjectAltNames: string[] };
    expect(body.source).toBe('self-signed');
    expect(body.fingerprintSha256).toBe(page.cert.fingerprint256);
    expect(body.subjectAltNames).toEqual(expect.arrayContaining(['localhost', '127.0.0.1']));
    expect(page.cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    // the same certificate to download and install on a phone
    const crt = await get(`${base}/api/server/tls/certificate.crt`);
    expect(crt.status).toBe(200);
    // a welder may not read the admin's certificate details
    const welder = await t.app.inject({
      method: 'GET',
      url: '/api/server/tls',
      headers: { authorization: await t.login('welder-a') },
    });
    expect(welder.statusCode).toBe(403);
  });

  it('signs in and carries socket.io over HTTPS', async () => {
    const base = t.service.httpsUrl!;
    const login = await call(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'welder-a', password: 'test-password-1' }),
    });
    expect(login.status).toBe(200);
    const token = (JSON.parse(login.body) as { token: string }).token;
    // The cookie's origin guard holds on HTTPS as on HTTP: the HTTPS page's own origin may ride the
    // cookie; the HTTP page (another port, so another origin) may not.
    const cookie = { cookie: `jh_token=${token}` };
    const own = await call(`${base}/api/me`, { headers: { ...cookie, origin: base } });
    expect(own.status).toBe(200);
    const fromHttp = await call(`${base}/api/me`, { headers: { ...cookie, origin: t.service.url } });
    expect(fromHttp.status).toBe(403);
    expect(fromHttp.body).toContain('JH_ERR_HTTP_CROSS_ORIGIN');
    const socket = connect(base, {
      auth: { token },
      transports: ['websocket'],
      rejectUnauthorized: false,
      reconnection: false,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      expect(socket.connected).toBe(true);
    } finally {
      socket.close();
    }
  });
});

describe('the self-signed certificate in the data dir', () => {
  it('is kept across restarts and made again when the LAN addresses change', () => {
    const dir = tempDir();
    const config = validateConfig(testConfigInput(dir));
    const first = loadServerTls(config, ['192.168.10.5']);
    const again = loadServerTls(config, ['192.168.10.5']);
    expect(again.info!.fingerprintSha256).toBe(first.info!.fingerprintSha256);
    expect(first.info!.subjectAltNames.sort()).toEqual(['127.0.0.1', '192.168.10.5', 'localhost']);
    expect(first.publicBaseUrl()).toBe('https://192.168.10.5:0'); // the bound port is set at listen
    first.setBoundPorts({ http: 8780, https: 8443 });
    expect(first.publicBaseUrl()).toBe('https://192.168.10.5:8443');
    const moved = loadServerTls(config, ['10.1.2.3']);
    expect(moved.info!.fingerprintSha256).not.toBe(first.info!.fingerprintSha256);
    expect(moved.info!.subjectAltNames).toContain('10.1.2.3');
  });
});

describe("the plant's own certificate", () => {
  const writePair = (dir: string, names: string[]) => {
    const issued = issueSelfSigned({
      commonName: 'plant.example',
      altNames: names,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 90 * 86_400_000),
    });
    const certFile = join(dir, 'plant.crt');
    const keyFile = join(dir, 'plant.key');
    writeFileSync(certFile, issued.certPem);
    writeFileSync(keyFile, issued.keyPem);
    return { certFile, keyFile, cert: new X509Certificate(issued.certPem) };
  };

  it('is served as given, and reported as source "file"', async () => {
    const dir = tempDir();
    const pair = writePair(dir, ['jianhu.plant.example', '127.0.0.1']);
    const t = await startFullTestService({
      extra: {
        server: {
          https: { certFile: pair.certFile, keyFile: pair.keyFile },
          publicUrl: 'https://jianhu.plant.example:8443',
        },
      },
    });
    try {
      const page = await get(`${t.service.httpsUrl}/healthz`);
      expect(page.status).toBe(200);
      expect(page.cert.fingerprint256).toBe(pair.cert.fingerprint256);
      expect(t.service.services.tls.info!.source).toBe('file');
      expect(t.service.services.tls.publicBaseUrl()).toBe('https://jianhu.plant.example:8443');
    } finally {
      await t.close();
    }
  });

  it('fails closed, with a coded error naming the file, when unreadable or not matching its key', async () => {
    const dir = tempDir();
    const pair = writePair(dir, ['localhost']);
    const other = writePair(tempDir(), ['localhost']);
    const start = (https: Record<string, string>) =>
      startService(validateConfig(testConfigInput(dir, { server: { https } })));
    const missing = join(dir, 'missing.crt');
    const e1 = await start({ certFile: missing, keyFile: pair.keyFile }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(AppError);
    expect((e1 as AppError).code).toBe('JH_ERR_TLS_FILE_UNREADABLE');
    expect((e1 as AppError).message).toContain(missing);
    const e2 = await start({ certFile: pair.certFile, keyFile: other.keyFile }).catch((e: unknown) => e);
    expect((e2 as AppError).code).toBe('JH_ERR_TLS_KEY_MISMATCH');
    expect((e2 as AppError).message).toContain(pair.certFile);
    const e3 = await start({ certFile: pair.keyFile, keyFile: pair.keyFile }).catch((e: unknown) => e);
    expect((e3 as AppError).code).toBe('JH_ERR_TLS_CERT_INVALID');
  });

  it('`jianhu serve` exits 2 with the code and the file, starting nothing', () => {
    const dir = tempDir();
    const missing = join(dir, 'nope.crt');
    const config = join(dir, 'config.json');
    const input = testConfigInput(dir, { server: { https: { certFile: missing, keyFile: missing } } });
    writeFileSync(config, JSON.stringify(input));
    const r = spawnSync(process.execPath, ['bin/jianhu.mjs', 'serve', '--config', config], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('JH_ERR_TLS_FILE_UNREADABLE');
    expect(r.stderr).toContain(missing);
    expect(r.stderr).toContain('未启动任何服务');
  });
});
