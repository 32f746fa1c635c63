/**
 * npm run bench:live — glass-to-glass latency of the browser live view, measured end to end:
 * a generator paints the wall-clock time (ms, 32 bits as black/white cells) into every frame, encodes
 * H.264 like a camera (libx264 zerolatency) and sends MPEG-TS over UDP; the service's relay (ffmpeg →
 * MPEG-1 → ws) feeds /ui/player.html in Debian's Chromium, which reads the cells back off the canvas
 * at each animation frame. latency = Date.now() at display − painted time (same host, same clock).
 * Prints p50/p95/max latency, decoded fps and the relay ffmpeg's CPU share.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { validateConfig } from '../src/config/load.ts';
import { attachLiveRelay } from '../src/video/live/live-relay.ts';
import { createServices } from '../src/services.ts';
import { createLogger } from '../src/platform/shared/logger.ts';
import { testConfigInput } from '../tests/helpers/test-service.ts';
import { launchChromium, openPage, signIn } from '../tests/e2e/browser.ts';
import * as rig from './live-latency-common.ts';

function relayPid(marker: string): number | null {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.includes('mpeg1video') && cmd.includes(marker)) return Number(d);
    } catch {
      /* gone */
    }
  }
  return null;
}

/** Runs in the page: reads the painted stamp off the 2D canvas at every animation frame. */
const READ_LATENCY = `async function (seconds, cell) {
  const canvas = document.getElementById('player-canvas');
  const ctx = canvas.getContext('2d');
  const lat = [];
  let last = -1;
  const end = performance.now() + seconds * 1000;
  await new Promise((done) => {
    const tick = () => {
      const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const sx = canvas.width / 640, sy = canvas.height / 360;
      let v = 0;
      for (let bit = 0; bit < 32; bit++) {
        const x = Math.round(((bit % 16) * cell + cell / 2) * sx);
        const y = Math.round((Math.floor(bit / 16) * cell + 100 + cell / 2) * sy);
        const p = (y * canvas.width + x) * 4;
        if ((img.data[p] + img.data[p + 1] + img.data[p + 2]) / 3 > 128) v |= 1 << bit;
      }
      const stamp = v >>> 0;
      if (stamp !== last) {
        last = stamp;
        const d = ((Date.now() >>> 0) - stamp + 2 ** 32) % 2 ** 32;
        if (d < 10000) lat.push(d);
      }
      if (performance.now() < end) requestAnimationFrame(tick); else done();
    };
    requestAnimationFrame(tick);
  });
  return lat;
}`;

const port = await rig.freeUdpPort();
const url = `udp://127.0.0.1:${port}`;
// HTTP + the relay only (no ingest: it would compete for the UDP source; this measures the viewing path).
const dir = mkdtempSync(join(tmpdir(), 'jianhu-bench-'));
const input = testConfigInput(dir);
input.server = { host: '127.0.0.1', port: 0, logLevel: 'warn' };
input.sites = [
  {
    id: 'site-a',
    name: '甲-炼钢车间',
    enterpriseId: 'ent-a',
    cameras: [{ id: 'bench', name: '延迟测试', url }],
  },
];
const core = await createServices(validateConfig(input), { logger: createLogger('warn') });
const app = await buildApp(core, { logRequests: false });
const relay = attachLiveRelay(app.server, core);
await app.listen({ host: '127.0.0.1', port: 0 });
const addr = app.server.address();
const svc = { url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` };
const camera = rig.startStampCamera(url);

const browser = await launchChromium();
try {
  const { page, errors } = await openPage(browser, { viewport: { width: 800, height: 600 } });
  await signIn(page, svc.url, 'safety-a', '/ui/wall.html');
  await page.goto(`${svc.url}/ui/player.html?camera=bench&gl=0`);
  await page.waitForTimeout(3000); // first GOP, relay start
  const pid = relayPid(String(port));
  // Passed as source text: tsx's keepNames helpers (__name) do not exist inside the page.
  const { result, cpu } = await rig.withCpuShare(
    () => pid,
    async () => (await page.evaluate(`(${READ_LATENCY})(${rig.SECONDS}, ${rig.CELL})`)) as number[],
  );
  rig.printLatency(
    `live relay glass-to-glass (H.264 640x360@${rig.FPS} → relay MPEG-1 → ws → jsmpeg canvas)`,
    result,
    { label: 'relay ffmpeg', share: cpu },
    errors,
  );
} finally {
  camera.stop();
  await browser.close();
  relay.close();
  await app.close();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
}
