/* global document, location, MediaSource, URLSearchParams */
import { io } from '/ui/vendor/socket.io.esm.min.js';
import { api, errText, h, notice, requireSession, t, topBar, fmtTime } from './common.js';
import { playLive } from './live-player.js';
import { playMse } from './live-mse.js';
import { startFeed } from './wall-feed.js';
import { startStorageAlarm } from './wall-storage.js';
import { startAlerts } from './wall-alerts.js';
import { loadPermits, renderPermits } from './wall-permits.js';
import { setReplayPermits } from './wall-recording.js';

export const HEALTH_TEXT = {
  online: ['在线', 'Online'],
  offline: ['离线', 'Offline'],
  stalled: ['卡顿无画面', 'Stalled'],
  frozen: ['画面冻结', 'Frozen'],
  dark: ['画面过暗', 'Dark'],
  obstructed: ['镜头遮挡', 'Obstructed'],
  recovering: ['恢复中', 'Recovering'],
  unknown: ['未知', 'Unknown'],
};

const s = requireSession(['safety_officer', 'guardian', 'approver', 'enterprise_admin']);
const params = new URLSearchParams(location.search);
/** `?gl=0` forces the 2D canvas renderer (pixels readable by the latency bench). */
const useGl = params.get('gl') !== '0';
/** The camera's own H.264 over MSE where the browser has it; `?mse=0` forces the MPEG-1 relay. */
const useMse = params.get('mse') !== '0' && typeof MediaSource !== 'undefined';
const tiles = new Map(); // cameraId -> { el, camera, health, openViolations, player }

function healthBadge(health) {
  const state = health?.state || 'unknown';
  const [zh, en] = HEALTH_TEXT[state] || [state, state];
  return h('span', { class: `badge ${state}`, title: health?.message || '' }, t(zh, en));
}

/** A camera is flagged while it is not live or has an open violation; flagged tiles rise to the top. */
function isFlagged(tile) {
  return (tile.health?.state && tile.health.state !== 'online') || tile.openViolations > 0;
}

export function reorder() {
  const grid = document.getElementById('wall-grid');
  const sorted = [...tiles.values()].sort(
    (a, b) => Number(isFlagged(b)) - Number(isFlagged(a)) || a.camera.name.localeCompare(b.camera.name),
  );
  for (const tile of sorted) {
    tile.el.classList.toggle('flagged', isFlagged(tile));
    grid.append(tile.el); // append moves existing nodes; the canvas keeps playing
  }
}

function renderHealth(tile) {
  // A tile whose camera is not live dims its last picture, so nobody mistakes it for live video.
  tile.el.classList.toggle('down', !!tile.health && tile.health.state !== 'online');
  const slot = tile.el.querySelector('.health');
  slot.replaceChildren(healthBadge(tile.health));
  const why = tile.el.querySelector('.why');
  why.textContent =
    tile.health && tile.health.state !== 'online'
      ? `${tile.health.message || tile.health.reason || ''} · ${t('自', 'since')} ${fmtTime(tile.health.since)}`
      : '';
}

/** The MPEG-1 relay into a canvas (jsmpeg): any browser, any camera codec, at an encoder's cost. */
function mpeg1View(camera) {
  const canvas = h('canvas', { width: 640, height: 360, class: 'live-view', 'data-camera': camera.id });
  return { view: canvas, player: playLive(canvas, camera.id, { gl: useGl }) };
}

/**
 * The camera's stream as is over MSE; when its codec cannot play here (H.265), the tile swaps to the
 * MPEG-1 relay.
 */
function mseView(camera, tile) {
  const video = h('video', { class: 'live-view', 'data-camera': camera.id, muted: '', autoplay: '' });
  const player = playMse(video, camera.id, {
    onUnsupported: () => {
      const fallback = mpeg1View(camera);
      video.replaceWith(fallback.view);
      tile.player = fallback.player;
    },
  });
  return { view: video, player };
}

function makeTile(camera) {
  const slot = h('div', { class: 'live-slot' });
  const el = h(
    'article',
    { class: 'tile', id: `tile-${camera.id}`, 'data-camera': camera.id },
    h(
      'header',
      {},
      h(
        'a',
        { href: `/ui/player.html?camera=${encodeURIComponent(camera.id)}`, class: 'cam-name' },
        camera.name,
      ),
      h('span', { class: 'health' }),
    ),
    slot,
    h('div', { class: 'meta' }, h('div', { class: 'why muted' }), h('div', { class: 'permits' })),
  );
  const tile = { el, camera, health: camera.health || null, openViolations: 0, player: null };
  const { view, player } = useMse ? mseView(camera, tile) : mpeg1View(camera);
  slot.append(view);
  tile.player = player;
  tiles.set(camera.id, tile);
  renderHealth(tile);
  return tile;
}

async function start() {
  if (!s) return;
  topBar('实时监控', 'Live wall');
  document.getElementById('feed-title').textContent = t('违章告警', 'Violations');
  const wallNotice = document.getElementById('wall-notice');
  let cameras;
  try {
    cameras = (await api('/api/live/cameras')).items;
  } catch (e) {
    notice(wallNotice, errText(e), 'error');
    return;
  }
  if (cameras.length === 0)
    notice(wallNotice, t('本企业尚未配置摄像头。', 'No cameras are configured for this enterprise.'));
  for (const c of cameras) makeTile(c);
  reorder();
  // Health now, from ingest; changes then arrive as camera.healthChanged over socket.io. Reloaded on
  // every socket (re)connect, since events missed while disconnected are not replayed.
  const loadHealth = async () => {
    try {
      for (const c of (await api('/api/cameras')).cameras) {
        const tile = tiles.get(c.id);
        if (!tile) continue;
        tile.health = { state: c.state, reason: c.reason, message: c.message, since: c.since };
        renderHealth(tile);
      }
      reorder();
    } catch (e) {
      notice(wallNotice, errText(e), 'error');
    }
  };
  await loadHealth();

  const socket = io({ auth: { token: s.token }, transports: ['websocket'] });
  socket.on('connect_error', (e) =>
    notice(wallNotice, `${t('实时连接失败', 'Live connection failed')}: ${e.message}`, 'error'),
  );
  socket.on('connect', () => {
    notice(wallNotice, '');
    loadHealth();
    refreshPermits();
  });
  startStorageAlarm(socket, document.getElementById('storage-alarm'));
  startAlerts(socket, document.getElementById('site-alerts'), {
    cameraName: (id) => tiles.get(id)?.camera.name || id,
  });
  socket.on('camera.healthChanged', (ev) => {
    const tile = tiles.get(ev.payload.cameraId);
    if (!tile) return;
    tile.health = {
      state: ev.payload.to,
      reason: ev.payload.reason,
      message: ev.payload.message,
      since: ev.payload.since,
    };
    renderHealth(tile);
    reorder();
  });
  // cameras added, edited or removed by the admin at run time: the wall follows without a reload
  const syncCameras = async () => {
    const items = (await api('/api/live/cameras').catch(() => null))?.items;
    if (!items) return;
    const ids = new Set(items.map((c) => c.id));
    for (const [id, tile] of tiles)
      if (!ids.has(id)) {
        tile.player?.destroy?.();
        tile.el.remove();
        tiles.delete(id);
      }
    for (const c of items) {
      if (tiles.has(c.id)) tiles.get(c.id).camera = c;
      else makeTile(c);
    }
    await loadHealth();
  };
  for (const type of ['camera.added', 'camera.changed', 'camera.removed']) socket.on(type, syncCameras);
  startFeed(socket, {
    onOpenCount: (counts) => {
      for (const tile of tiles.values()) tile.openViolations = counts.get(tile.camera.id) || 0;
      reorder();
    },
    cameraName: (id) => tiles.get(id)?.camera.name || id,
  });
  const refreshPermits = async () => {
    const byCamera = await loadPermits().catch(() => null);
    if (byCamera) setReplayPermits(byCamera);
    if (byCamera)
      for (const tile of tiles.values())
        renderPermits(tile.el.querySelector('.permits'), byCamera.get(tile.camera.id) || []);
  };
  await refreshPermits();
  for (const type of [
    'permit.started',
    'permit.suspended',
    'permit.resumed',
    'permit.completed',
    'permit.revoked',
    'permit.expired',
  ])
    socket.on(type, refreshPermits);
}

start();
