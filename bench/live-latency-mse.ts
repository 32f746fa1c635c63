/**
 * npm run bench:live-mse — the alternative to the shipped MPEG-1 relay, measured the same way as
 * bench:live: H.264 passed through without re-encoding as fragmented MP4 (one fragment per frame)
 * over a WebSocket into Media Source Extensions, the <video> chased to its live edge. The painted
 * wall-clock stamp is read back at every presented frame (requestVideoFrameCallback).
 * Prints p50/p95/max latency, presented fps and the remux ffmpeg's CPU share.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { launchChromium } from '../tests/e2e/browser.ts';
import * as rig from './live-latency-common.ts';

const src = `udp://127.0.0.1:${await rig.freeUdpPort()}`;

const PAGE = `<!doctype html><html><body style="margin:0;background:#000">
<video id="v" muted autoplay playsinline width="${rig.W}" height="${rig.H}"></video><canvas id="c" width="${rig.W}" height="${rig.H}" hidden></canvas>
<script>
const v = document.getElementById('v');
const ms = new MediaSource();
v.src = URL.createObjectURL(ms);
ms.addEventListener('sourceopen', () => {
  const sb = ms.addSourceBuffer('video/mp4; codecs="avc1.42E01E"');
  sb.mode = 'segments';
  const queue = [];
  const pump = () => { if (!sb.updating && queue.length) sb.appendBuffer(queue.shift()); };
  sb.addEventListener('updateend', pump);
  const ws = new WebSocket('ws://' + location.host + '/fmp4');
  ws.binaryType = 'arraybuffer';
  ws.onmessage = (e) => { queue.push(e.data); pump(); };
  // chase the live edge: MSE would otherwise play from where it started, falling behind
  setInterval(() => {
    if (v.buffered.length) {
      const end = v.buffered.end(v.buffered.length - 1);
      if (end - v.currentTime > 0.15) v.currentTime = end - 0.02;
    }
    if (v.paused) v.play().catch(() => {});
  }, 100);
});
window.readLatency = (seconds, cell) => new Promise((done) => {
  const c = document.getElementById('c'); const ctx = c.getContext('2d', { willReadFrequently: true });
  const lat = []; let last = -1; const end = performance.now() + seconds * 1000;
  const onFrame = () => {
    ctx.drawImage(v, 0, 0, c.width, c.height);
    const img = ctx.getImageData(0, 0, c.width, c.height);
    let val = 0;
    for (let bit = 0; bit < 32; bit++) {
      const x = (bit % 16) * cell + cell / 2, y = Math.floor(bit / 16) * cell + 100 + cell / 2;
      const p = (y * c.width + x) * 4;
      if ((img.data[p] + img.data[p + 1] + img.data[p + 2]) / 3 > 128) val |= 1 << bit;
    }
    const stamp = val >>> 0;
    if (stamp !== last) { last = stamp; const d = ((Date.now() >>> 0) - stamp + 2 ** 32) % 2 ** 32; if (d < 10000) lat.push(d); }
    if (performance.now() < end) v.requestVideoFrameCallback(onFrame); else done(lat);
  };
  v.requestVideoFrameCallback(onFrame);
});
</script></body></html>`;

const relay: { remux: ChildProcess | null } = { remux: null };
const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
const wss = new WebSocketServer({ server, path: '/fmp4' });
wss.on('connection', (ws) => {
  // No re-encode: the camera's H.264, fragmented per frame (frag_duration 1 frame).
  relay.remux = spawn(
    'ffmpeg',
    [
      '-loglevel',
      'error',
      '-fflags',
      'nobuffer',
      '-flags',
      'low_delay',
      '-i',
      src,
      '-an',
      '-c:v',
      'copy',
      '-f',
      'mp4',
      '-movflags',
      'frag_keyframe+empty_moov+default_base_moof',
      '-frag_duration',
      String(Math.round(1e6 / rig.FPS)),
      'pipe:1',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  relay.remux.stdout!.on('data', (d: Buffer) => ws.send(d));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const addr = server.address();
const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;

// MSE takes the baseline profile only.
const camera = rig.startStampCamera(src, ['-profile:v', 'baseline']);

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(url);
  await page.waitForTimeout(3000);
  const { result, cpu } = await rig.withCpuShare(
    () => relay.remux?.pid,
    async () => (await page.evaluate(`window.readLatency(${rig.SECONDS}, ${rig.CELL})`)) as number[],
  );
  rig.printLatency(
    `fMP4 + MSE (H.264 640x360@${rig.FPS} passed through, per-frame fragments, live-edge chasing)`,
    result,
    { label: 'remux ffmpeg', share: cpu },
    errors,
  );
} finally {
  camera.stop();
  relay.remux?.kill('SIGTERM');
  await browser.close();
  wss.close();
  server.close();
}
