import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TEST_PASSWORD } from '../helpers/test-service.ts';
import { startE2EService, type E2EService } from './harness.ts';

// The browser video relay against the real service: real ffmpeg, real ws upgrades, real sessions.
let svc: E2EService;
let clip: string;

/** pids of relay ffmpeg processes reading `marker` (found through /proc, not by name). */
function relayPids(marker: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.includes('mpeg1video') && cmd.includes(marker)) out.push(Number(d));
    } catch {
      /* exited */
    }
  }
  return out;
}

async function token(username: string): Promise<string> {
  const r = await fetch(`${svc.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: TEST_PASSWORD }),
  });
  return ((await r.json()) as { token: string }).token;
}

function refusal(path: string, headers: Record<string, string>): Promise<{ status: number; code: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${svc.url.replace('http', 'ws')}${path}`, { headers });
    ws.on('open', () => reject(new Error('upgrade was accepted')));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, code: (JSON.parse(body) as { code: string }).code }),
      );
    });
    ws.on('error', () => {});
  });
}

/** Opens a viewer and resolves once `bytes` of stream arrived; returns the socket and what came. */
function viewer(tok: string, cameraId: string, bytes: number): Promise<{ ws: WebSocket; data: Buffer }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${svc.url.replace('http', 'ws')}/live/${cameraId}`, {
      headers: { cookie: `jh_token=${tok}` },
    });
    const chunks: Buffer[] = [];
    let n = 0;
    const timer = setTimeout(() => reject(new Error(`only ${n} bytes in 15 s`)), 15_000);
    ws.on('message', (d: Buffer) => {
      chunks.push(d);
      n += d.length;
      if (n >= bytes) {
        clearTimeout(timer);
        ws.removeAllListeners('message');
        resolve({ ws, data: Buffer.concat(chunks) });
      }
    });
    ws.on('error', reject);
  });
}

const waitFor = async (cond: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  return cond();
};

beforeAll(async () => {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  clip = join(mkdtempSync(join(tmpdir(), 'jianhu-clip-')), 'relay-test.mp4');
  execFileSync('ffmpeg', [
    '-y',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x180:rate=25',
    '-t',
    '3',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    clip,
  ]);
  svc = await startE2EService([{ id: 'cam1', name: '1号', url: clip }]);
});
afterAll(async () => svc?.close());

describe('live relay /live/<cameraId>', () => {
  it('refuses without a session, without camera:read, and for unknown cameras (coded, before any upgrade)', async () => {
    expect(await refusal('/live/cam1', {})).toEqual({ status: 401, code: 'JH_ERR_AUTH_MISSING' });
    expect(await refusal('/live/cam1', { authorization: 'Bearer nope' })).toMatchObject({ status: 401 });
    const welder = await token('welder-a');
    expect(await refusal('/live/cam1', { cookie: `jh_token=${welder}` })).toEqual({
      status: 403,
      code: 'JH_ERR_AUTH_FORBIDDEN',
    });
    const other = await token('safety-b'); // enterprise ent-b: ent-a's camera is as unknown as a missing one
    expect(await refusal('/live/cam1', { cookie: `jh_token=${other}` })).toEqual({
      status: 404,
      code: 'JH_ERR_TENANCY_NOT_FOUND',
    });
    const mine = await token('safety-a');
    expect(await refusal('/live/nope', { cookie: `jh_token=${mine}` })).toEqual({
      status: 404,
      code: 'JH_ERR_TENANCY_NOT_FOUND',
    });
  });

  it('streams MPEG-TS to two viewers from one ffmpeg, respawns it after a crash, stops it after the last viewer', async () => {
    const tok = await token('safety-a');
    const a = await viewer(tok, 'cam1', 64 * 1024);
    expect(a.data[0]).toBe(0x47); // MPEG-TS sync byte
    expect(a.data[188]).toBe(0x47);
    const b = await viewer(tok, 'cam1', 16 * 1024);
    expect(relayPids(clip)).toHaveLength(1);

    // ffmpeg dies: the viewers stay connected and the stream comes back from a new process.
    const [pid] = relayPids(clip);
    process.kill(pid!, 'SIGKILL');
    // respawned after its 1 s back-off; a loaded CI machine may take several seconds to exec ffmpeg
    expect(await waitFor(() => relayPids(clip).some((p) => p !== pid), 20_000)).toBe(true);
    let after = 0;
    a.ws.on('message', (d: Buffer) => (after += d.length));
    expect(await waitFor(() => after > 16 * 1024, 10_000)).toBe(true);
    expect(a.ws.readyState).toBe(WebSocket.OPEN);

    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    expect(Number(/^jianhu_live_viewers (\d+)/m.exec(metrics)?.[1])).toBe(2);
    expect(Number(/^jianhu_live_ffmpeg_spawns_total (\d+)/m.exec(metrics)?.[1])).toBe(2);
    expect(Number(/^jianhu_live_bytes_sent_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(64 * 1024);
    a.ws.close();
    b.ws.close();
    expect(await waitFor(() => relayPids(clip).length === 0, 8000)).toBe(true);
  });
});
