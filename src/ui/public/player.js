/* global document, location, URLSearchParams, performance, window */
import { requireSession, t, topBar } from './common.js';
import { playLive } from './live-player.js';

// One camera, large (a wall tile opens it). `?gl=0` uses the 2D canvas renderer so pixels are readable.
const s = requireSession(['safety_officer', 'guardian', 'approver', 'enterprise_admin', 'regulator']);
const params = new URLSearchParams(location.search);
const cameraId = params.get('camera') || '';

if (s) {
  topBar('单路监控', 'Camera');
  document.getElementById('player-title').textContent = cameraId;
  const canvas = document.getElementById('player-canvas');
  let frames = 0;
  const started = performance.now();
  const player = playLive(canvas, cameraId, { gl: params.get('gl') !== '0', onFrame: () => frames++ });
  window.__jhPlayer = player; // for the latency bench
  const stats = document.getElementById('player-stats');
  window.setInterval(() => {
    const secs = (performance.now() - started) / 1000;
    stats.textContent = `${t('已解码帧', 'Decoded frames')}: ${frames} · ${(frames / secs).toFixed(1)} fps`;
  }, 1000);
}
