import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../faults/service-process.ts';
import { startFullTestService } from '../helpers/test-service.ts';

/**
 * #23: `POST /api/live/probe` probed any URL, so an enterprise admin could make the server connect
 * anywhere it can reach (SSRF) and tell open ports from closed ones by the answers. Now a typed URL
 * must be a configured camera's host:port or an address in ingest.probeAllowedNetworks, decided before
 * any connection: an open and a closed port answer the same coded 403, and nothing connects.
 */
type Svc = Awaited<ReturnType<typeof startFullTestService>>;
let t: Svc;
let allowing: Svc;
let open: Server;
let openPort = 0;
let closedPort = 0;
let connections = 0;

beforeAll(async () => {
  open = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => open.listen(0, '127.0.0.1', r));
  openPort = (open.address() as { port: number }).port;
  closedPort = await freePort();
  const sites = [
    {
      id: 'site-a',
      name: '甲',
      enterpriseId: 'ent-a',
      cameras: [{ id: 'cam1', name: '一', url: `rtsp://127.0.0.1:${closedPort}/cam1`, enabled: false }],
    },
  ];
  t = await startFullTestService({ extra: { sites } });
  allowing = await startFullTestService({
    extra: { sites, ingest: { probeAllowedNetworks: ['127.0.0.0/8'] } },
  });
});
afterAll(async () => {
  await t?.close();
  await allowing?.close();
  await new Promise((r) => open?.close(r));
});

const probe = async (s: Svc, url: string, who = 'admin-a') =>
  s.app.inject({
    method: 'POST',
    url: '/api/live/probe',
    headers: { authorization: await s.login(who) },
    payload: { url },
  });

describe('the probe is no SSRF or port scanner', () => {
  it('an open and a closed port not on the list get the same coded 403, and nothing connects', async () => {
    const a = await probe(t, `rtsp://127.0.0.1:${openPort}/x`);
    const b = await probe(t, `rtsp://127.0.0.1:${closedPort + 0}/other`);
    const c = await probe(t, `http://127.0.0.1:${openPort}/`);
    const meta = await probe(t, 'http://169.254.169.254/latest/meta-data/');
    for (const r of [a, c, meta]) {
      expect(r.statusCode).toBe(403);
      expect(r.json()).toMatchObject({ code: 'JH_ERR_PROBE_TARGET_NOT_ALLOWED' });
    }
    expect(a.body).toBe(c.body);
    // the configured camera's own host:port is allowed (it answers from ffprobe: refused, not 403)
    expect(b.statusCode).toBe(200);
    expect(connections).toBe(0);
  });

  it('another enterprise’s camera does not vouch for its host:port', async () => {
    const r = await probe(t, `rtsp://127.0.0.1:${closedPort}/cam1`, 'admin-b');
    expect(r.statusCode).toBe(403);
  });

  it('a host on ingest.probeAllowedNetworks is probed (the list is what decides)', async () => {
    const r = await probe(allowing, `rtsp://127.0.0.1:${openPort}/x`);
    expect(r.statusCode).toBe(200);
    expect(connections).toBeGreaterThan(0);
  });
});
