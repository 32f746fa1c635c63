/* global document, navigator, window, crypto, Image, requestAnimationFrame, location, history, sessionStorage, URLSearchParams */
import { api, ApiError, errText, h, notice, requireSession, t, topBar, fmtTime } from './common.js';
import { followPermit, liveState, unfollowAll } from './phone-live.js';
import { startGuardian } from './phone-guardian.js';
import { hazardSocket } from './hazards-live.js';
import { startMyHazards } from './my-hazards.js';

// A machine label opens this page as https://…/ui/phone.html#m=<token> (the phone's own camera app):
// the token waits in sessionStorage through sign-in and is scanned once the welder is signed in.
const PENDING = 'jh_pending_qr';
const fromLabel = new URLSearchParams(location.hash.slice(1)).get('m');
if (fromLabel) {
  sessionStorage.setItem(PENDING, fromLabel);
  history.replaceState(null, '', location.pathname); // a reload does not scan again
}
const s = requireSession(['welder', 'guardian']);
const video = document.getElementById('scan-video');
const status = document.getElementById('phone-status');
const resultEl = document.getElementById('scan-result');
const startBtn = document.getElementById('scan-start');
const work = document.createElement('canvas');
let stream = null;
let busy = false;

function nonce() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b); // also available outside secure contexts, unlike randomUUID
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

/** Decodes a QR from any drawable (video frame or photo) with jsQR; null when none is visible. */
function decode(source, w, h) {
  if (!w || !h) return null;
  const scale = Math.min(1, 800 / Math.max(w, h));
  work.width = Math.round(w * scale);
  work.height = Math.round(h * scale);
  const ctx = work.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(source, 0, 0, work.width, work.height);
  const img = ctx.getImageData(0, 0, work.width, work.height);
  const code = window.jsQR(img.data, img.width, img.height, { inversionAttempts: 'attemptBoth' });
  return code?.data || null;
}

function stopCamera() {
  if (stream) for (const track of stream.getTracks()) track.stop();
  stream = null;
  video.hidden = true;
  startBtn.disabled = false;
}

async function startCamera() {
  unfollowAll();
  resultEl.replaceChildren();
  notice(status, t('正在打开摄像头…', 'Opening the camera…'));
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: 'environment' },
      audio: false,
    });
  } catch (e) {
    notice(
      status,
      `${t('无法打开摄像头，请允许使用摄像头，或用下方“拍照识别”。', 'Cannot open the camera: allow camera access, or use "Take a photo" below.')} (${e.name})`,
      'error',
    );
    return;
  }
  video.srcObject = stream;
  video.hidden = false;
  startBtn.disabled = true;
  await video.play();
  notice(status, t('请将焊机上的二维码对准取景框', 'Point the camera at the QR label on the machine'));
  const tick = () => {
    if (!stream) return;
    const qr = decode(video, video.videoWidth, video.videoHeight);
    if (qr) {
      stopCamera();
      submit({ qr });
    } else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

function position() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) return reject(new Error('no geolocation'));
    navigator.geolocation.getCurrentPosition(resolve, reject, {
      enableHighAccuracy: true,
      timeout: 15000,
      maximumAge: 10000,
    });
  });
}

/** `machine` is `{ qr }` (what the label's QR says) or `{ code }` (the code typed from under it). */
async function submit(machine) {
  if (busy) return;
  busy = true;
  unfollowAll();
  notice(
    status,
    machine.code
      ? t('正在获取位置并核验焊机编号…', 'Getting your location and checking the machine code…')
      : t('已识别二维码，正在获取位置并核验…', 'QR read; getting your location and checking…'),
  );
  try {
    let pos;
    try {
      pos = await position();
    } catch (e) {
      showRefused({
        title: t('无法获取位置', 'Location unavailable'),
        reason: t(
          '扫码需要手机定位以确认您在焊机旁。请在浏览器设置中允许定位，然后重新扫码。',
          'Scanning needs your location to confirm you are at the machine. Allow location in the browser, then scan again.',
        ),
        code: `GEO_${e.code ?? 'ERR'}`,
      });
      return;
    }
    const body = {
      ...machine,
      nonce: nonce(),
      scannedAt: new Date().toISOString(),
      lat: pos.coords.latitude,
      lon: pos.coords.longitude,
      accuracyM: pos.coords.accuracy,
    };
    const res = await api('/api/scan', { method: 'POST', body });
    await showAccepted(res);
  } catch (e) {
    if (e instanceof ApiError)
      showRefused({ title: t('不得作业', 'Work refused'), reason: t(e.messageZh, e.message), code: e.code });
    else showRefused({ title: t('不得作业', 'Work refused'), reason: errText(e), code: 'NETWORK' });
  } finally {
    busy = false;
    notice(status, '');
  }
}

async function showAccepted(res) {
  // The scan answer names the permit; the work card adds its guardian's and cameras' names and its
  // live state, followed from here on: a suspension turns this red with its reason (phone-live.js).
  let card = null;
  try {
    card = await api(`/api/ui/work-card/${encodeURIComponent(res.permitId)}`);
  } catch {
    /* still show what the scan answered */
  }
  drawAccepted(res, card);
  followPermit(res.permitId, (c) => drawAccepted(res, c));
}

function drawAccepted(res, card) {
  const st = card ? liveState(card) : { look: 'go', title: t('可以作业', 'You may work'), reason: null };
  const guardian = card?.guardian?.displayName || t('未指定', 'none');
  const cameras = card ? card.cameras.map((c) => c.name).join('、') : '—';
  const look = { go: 'accepted', stop: 'refused', ended: 'ended' }[st.look];
  resultEl.replaceChildren(
    h(
      'div',
      {
        class: `result ${look}`,
        id: st.look === 'go' ? 'result-accepted' : 'result-stopped',
        'data-state': card?.state ?? 'active',
      },
      h('h2', {}, st.title),
      st.reason ? h('p', { id: 'r-live-reason', class: 'live-reason' }, st.reason) : null,
      h(
        'dl',
        {},
        h('dt', {}, t('作业票', 'Permit')),
        h('dd', { id: 'r-permit' }, res.permitNumber),
        h('dt', {}, t('作业地点', 'Location')),
        h('dd', {}, card?.location || '—'),
        h('dt', {}, t('监护人', 'Guardian')),
        h('dd', { id: 'r-guardian' }, guardian),
        h('dt', {}, t('监控摄像头', 'Camera')),
        h('dd', { id: 'r-camera' }, cameras),
        h('dt', {}, t('焊机', 'Machine')),
        h('dd', {}, res.machineId),
        h('dt', {}, t('授权有效至', 'Authorised until')),
        h('dd', {}, fmtTime(res.expiresAt)),
      ),
      res.warnings?.length
        ? h('p', { class: 'notice' }, `${t('提醒', 'Note')}: ${res.warnings.join('；')}`)
        : null,
    ),
    h('button', { class: 'big', onclick: startCamera }, t('重新扫码', 'Scan again')),
  );
}

function showRefused({ title, reason, code }) {
  resultEl.replaceChildren(
    h(
      'div',
      { class: 'result refused', id: 'result-refused' },
      h('h2', {}, title),
      h('p', { id: 'r-reason' }, reason),
      h('p', { class: 'muted' }, `${t('代码', 'Code')}: ${code}`),
    ),
    h('button', { class: 'big', onclick: startCamera }, t('重新扫码', 'Scan again')),
  );
}

function start() {
  if (!s) return;
  if (s.user.role === 'guardian') {
    sessionStorage.removeItem(PENDING); // a label is the welder's to scan
    topBar('我的监护', 'My permits');
    for (const id of ['scan-start', 'photo-label', 'code-form']) document.getElementById(id).hidden = true;
    void startGuardian(s, resultEl, status);
    // a guardian may be the responsible person of a hazard (a welder never: no hazard:read)
    void startMyHazards(hazardSocket(), document.getElementById('my-hazards'));
    return;
  }
  topBar('扫码作业', 'Scan to work');
  document.getElementById('phone-hint').textContent = t(
    '动火前请扫描焊机上的二维码（一机一码）。系统核验作业票、证书、监护人和监控后方可作业。',
    'Before hot work, scan the QR label on the welding machine. The permit, certificate, guardian and camera are checked first.',
  );
  startBtn.textContent = t('扫描焊机二维码', 'Scan machine QR');
  startBtn.addEventListener('click', startCamera);
  document.getElementById('photo-text').textContent = t('或拍照识别：', 'Or take a photo: ');
  document.getElementById('code-label').textContent = t(
    '或输入二维码下方的焊机编号：',
    'Or type the machine code printed under the QR:',
  );
  document.getElementById('code-submit').textContent = t('核验编号', 'Check code');
  document.getElementById('code-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const code = document.getElementById('machine-code').value.trim();
    if (code) submit({ code });
  });
  document.getElementById('scan-photo').addEventListener('change', (ev) => {
    const file = ev.target.files?.[0];
    if (!file) return;
    const img = new Image();
    img.onload = () => {
      const qr = decode(img, img.naturalWidth, img.naturalHeight);
      URL.revokeObjectURL(img.src);
      if (qr) submit({ qr });
      else
        notice(
          status,
          t('照片中未识别到二维码，请靠近后重拍。', 'No QR code found in the photo; move closer and retry.'),
          'error',
        );
    };
    img.src = URL.createObjectURL(file);
  });
  const pending = sessionStorage.getItem(PENDING);
  if (pending) {
    sessionStorage.removeItem(PENDING);
    submit({ qr: pending });
  }
}

start();
