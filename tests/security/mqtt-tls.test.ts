import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBus } from '../helpers/test-bus.ts';

/**
 * MQTT over TLS on the plant network (#23): the embedded broker listens with a certificate generated
 * here by Debian's openssl; the service's own client and a device connect over mqtts:// trusting it,
 * a plain-TCP client gets nothing, and device credentials are still required.
 */
let bus: Awaited<ReturnType<typeof startTestBus>>;
let ca: Buffer;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jianhu-tls-'));
  const [certFile, keyFile] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  ca = readFileSync(certFile);
  bus = await startTestBus({ tls: { certFile, keyFile } });
}, 30_000);
afterAll(async () => bus?.close());

describe('MQTT over TLS', () => {
  it('the service and a device talk over mqtts://; plain TCP and anonymous TLS clients are refused', async () => {
    expect(bus.url).toMatch(/^mqtts:\/\//);
    expect(bus.connected()).toBe(true);
    const { username, secret } = bus.devices.issue(
      { kind: 'lock', id: 'L9', siteId: 'site-a', enterpriseId: 'ent-a' },
      null,
    );
    const heard = new Promise<string>((r) => bus.subscribe('jianhu/+/locks/+/event', (t) => r(t)));
    await new Promise((r) => setTimeout(r, 100));
    const device = await mqtt.connectAsync(bus.url, {
      ca,
      clientId: username,
      username,
      password: secret,
      servername: 'localhost',
      reconnectPeriod: 0,
    });
    await device.publishAsync('jianhu/site-a/locks/L9/event', '{"event":"closed"}', { qos: 1 });
    expect(await heard).toBe('jianhu/site-a/locks/L9/event');
    await device.endAsync();
    await expect(
      mqtt.connectAsync(bus.url, { ca, servername: 'localhost', reconnectPeriod: 0 }),
    ).rejects.toThrow(/Not authorized/i);
    // plain MQTT on the TLS port: the handshake fails, no CONNACK ever comes
    const port = Number(new URL(bus.url).port);
    const plain = await new Promise<string>((resolve) => {
      const s = tcpConnect(port, '127.0.0.1', () =>
        s.write(Buffer.from([0x10, 0x0c, 0, 4, 77, 81, 84, 84, 4, 2, 0, 30, 0, 0])),
      );
      s.on('data', (d) => resolve(`data ${d[0]}`));
      s.on('close', () => resolve('closed'));
      s.on('error', () => resolve('closed'));
    });
    expect(plain).not.toBe('data 32'); // 0x20 would be a CONNACK
  });
});
