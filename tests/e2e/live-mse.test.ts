import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { TEST_PASSWORD } from '../helpers/test-service.ts';
import { startSim, type Sim } from '../../streams-sim/index.ts';
import { SHOTS, canvasSignature, launchChromium, meanAbsDiff, openPage, signIn } from './browser.ts';
import { startE2EService, type E2EService } from './harness.ts';

// The live wall over MSE against the real service: streams-sim's RTSP camera relayed as is (fMP4,
// one upstream per camera) into a <video>, and an H.265 camera falling back to the MPEG-1 relay.
let sim: Sim;
let svc: E2EService;
let browser: Browser;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jianhu-mse-'));
  // ffmpeg's mp4 muxer tags HEVC `hev1`: Debian's Chromium plays no H.265 through MSE either way
  const hevc = join(dir, 'hevc-camera.mp4');
  execFileSync('ffmpeg', [
    '-y',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x180:rate=25',
    '-t',
    '4',
    '-c:v',
    'libx265',
    '-preset',
    'ultrafast',
    '-x265-params',
    'log-level=error',
    '-pix_fmt',
    'yuv420p',
    hevc,
  ]);
  sim = await startSim({ cameras: ['cam1'], port: 0 });
  svc = await startE2EService(
    [
      { id: 'cam1', name: '1号 H.264 摄像头', url: sim.url('cam1') },
      { id: 'cam2', name: '2号 H.265 摄像头', url: hevc },
    ],
    // no recorder pre-roll: this counts the viewers' own subscribers and upstreams (with the default
    // pre-roll the recorder holds every camera's upstream too: bench:video measures that warm case)
    { evidence: { clips: false }, recording: { preRollSeconds: 0 } },
  );
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await svc?.close();
  await sim?.stop();
});

/** pids of relay ffmpeg processes reading `url` (found through /proc, not by name). */
function upstreamPids(url: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
        return cmd.includes('frag_keyframe') && cmd.includes(url);
      } catch {
        return false; // exited
      }
    })
    .map(Number);
}

/** What the MSE player of a tile reports: frames decoded, ms from socket to first picture. */
const mseState = (page: Page, cam: string) =>
  page.evaluate((c) => {
    const v = document.querySelector<HTMLVideoElement>(`#tile-${c} video.live-view`);
    return v
      ? {
          player: v.dataset.player,
          frames: Number(v.dataset.frames),
          firstFrameMs: Number(v.dataset.firstFrameMs),
        }
      : null;
  }, cam);

/** The HTTP answer to a refused upgrade of `path`. */
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

describe('live wall over MSE', () => {
  it('checks /live/<id>/fmp4 upgrades like the MPEG-1 relay: session, camera:read, tenancy', async () => {
    expect(await refusal('/live/cam1/fmp4', {})).toEqual({ status: 401, code: 'JH_ERR_AUTH_MISSING' });
    const login = async (username: string) => {
      const r = await fetch(`${svc.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: TEST_PASSWORD }),
      });
      return ((await r.json()) as { token: string }).token;
    };
    expect(await refusal('/live/cam1/fmp4', { authorization: `Bearer ${await login('welder-a')}` })).toEqual({
      status: 403,
      code: 'JH_ERR_AUTH_FORBIDDEN',
    });
    expect(await refusal('/live/cam1/fmp4', { authorization: `Bearer ${await login('safety-b')}` })).toEqual({
      status: 404,
      code: 'JH_ERR_TENANCY_NOT_FOUND',
    });
    expect(svc.service.services.video.relay.stats(), 'no upstream for a refused viewer').toEqual([]);
  });

  it('shows the H.264 camera through MSE from one shared upstream, and the H.265 one through MPEG-1', async () => {
    const { page, errors } = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    await signIn(page, svc.url, 'safety-a', '/ui/wall.html');
    await expect.poll(() => page.locator('.tile').count()).toBe(2);

    // H.264: a <video> fed by the MSE player decodes pictures (requestVideoFrameCallback counts them)
    await expect
      .poll(async () => (await mseState(page, 'cam1'))?.frames ?? 0, { timeout: 30_000 })
      .toBeGreaterThan(5);
    const first = await mseState(page, 'cam1');
    expect(first?.player).toBe('mse');
    expect(await page.locator('#tile-cam1 canvas').count(), 'no jsmpeg canvas for an H.264 camera').toBe(0);
    console.log(`MSE first picture after ${first?.firstFrameMs} ms (a cold upstream waits for a keyframe)`);

    // H.265: the relay says hev1…, MSE cannot play it here, the tile swaps to the MPEG-1 canvas
    await expect.poll(() => page.locator('#tile-cam2 canvas.live-view').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.locator('#tile-cam2 video').count()).toBe(0);
    await page.waitForTimeout(3000);
    const before = await canvasSignature(page, '#tile-cam2 canvas');
    await page.waitForTimeout(1500);
    const after = await canvasSignature(page, '#tile-cam2 canvas');
    expect(meanAbsDiff(before, after), 'the MPEG-1 fallback plays').toBeGreaterThan(0.5);

    // A second viewer of cam1 opens from the cached GOP of the same upstream: one ffmpeg for both
    const second = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    await signIn(second.page, svc.url, 'safety-a', '/ui/wall.html');
    await expect
      .poll(async () => (await mseState(second.page, 'cam1'))?.frames ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(5);
    console.log(
      `second viewer: first picture after ${(await mseState(second.page, 'cam1'))?.firstFrameMs} ms`,
    );
    const cam1 = svc.service.services.video.relay.stats().find((s) => s.cameraId === 'cam1');
    expect(cam1).toMatchObject({ subscribers: 2, running: true });
    expect(upstreamPids(sim.url('cam1')), 'one ffmpeg for both viewers').toHaveLength(1);
    expect(cam1?.codec).toMatch(/^avc1\./);
    // the picture in the <video> moves
    const v1 = await canvasSignature(page, '#tile-cam1 video');
    await page.waitForTimeout(1500);
    const v2 = await canvasSignature(page, '#tile-cam1 video');
    expect(meanAbsDiff(v1, v2), 'the MSE picture changes').toBeGreaterThan(0.5);
    await page.screenshot({ path: `${SHOTS}/wall-mse.png` });
    expect(errors.concat(second.errors)).toEqual([]);
  });
});
