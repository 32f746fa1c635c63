/* global document, location, fetch, URLSearchParams, createImageBitmap, FileReader, history */
// 群众/员工举报: the page a poster's QR opens (#t=<token>). No sign-in: the report goes to the public
// route with the poster's token; the answer is a receipt code, and #r=<receipt> shows its status.
import { h, lang, setLang, t } from './common.js';

const $ = (id) => document.getElementById(id);
const MAX_SIDE = 1600; // px: a phone photo shrunk to this stays readable and is about 0.3–0.6 MB
const MAX_BYTES = 2 * 1024 * 1024; // the service's limit after decoding

const params = new URLSearchParams(location.hash.slice(1));
const token = params.get('t');
let photo = null; // base64 JPEG/PNG, or null

function texts() {
  document.documentElement.lang = lang() === 'en' ? 'en' : 'zh-CN';
  document.title = `${t('安全隐患举报', 'Report a safety hazard')} · 监护 Jianhu`;
  $('report-title').textContent = t('安全隐患举报', 'Report a hazard');
  $('report-lang').textContent = lang() === 'en' ? '中文' : 'English';
  $('report-intro').textContent = token
    ? t(
        '看到安全隐患？拍照、写明地点和情况后提交。可匿名，提交后请保存回执码，用它查询处理进度。',
        'Seen a hazard? Take a photo, say where and what, and send. You may stay anonymous; keep the receipt code to follow it.',
      )
    : t(
        '请用手机相机扫描现场张贴的举报二维码。已举报的，可在下方输入回执码查询进度。',
        'Scan the report QR poster on site with your phone camera. To follow a report, enter its receipt code below.',
      );
  $('photo-label').textContent = t('现场照片（可选）', 'Photo (optional)');
  $('place-label').textContent = t('地点', 'Place');
  $('report-place').placeholder = t('如：2号高炉出铁场东侧', 'e.g. east side of blast furnace 2');
  $('desc-label').textContent = t('隐患描述（必填）', 'What is wrong (required)');
  $('report-desc').placeholder = t('看到了什么隐患？', 'What did you see?');
  $('contact-label').textContent = t(
    '联系方式（可选，可匿名）',
    'Contact (optional; you may stay anonymous)',
  );
  $('contact-hint').textContent = t(
    '联系方式仅监管部门可见，企业看不到。',
    'Only the regulator sees your contact, not the enterprise.',
  );
  $('report-submit').textContent = t('提交举报', 'Send report');
  $('status-label').textContent = t('查询进度：输入回执码', 'Follow a report: receipt code');
  $('status-submit').textContent = t('查询', 'Check');
}

function showError(body) {
  const el = $('report-error');
  el.textContent = body
    ? `${t(body.messageZh || body.message, body.message || body.messageZh)}${body.code ? ` (${body.code})` : ''}`
    : t('网络异常，请稍后重试。', 'Network error; please try again.');
  el.hidden = false;
}

async function call(path, init) {
  const res = await fetch(path, init);
  const body = await res.json().catch(() => null);
  if (!res.ok) throw Object.assign(new Error('refused'), { body });
  return body;
}

/** The photo as base64: shrunk through a canvas when the browser can decode it, else as picked. */
async function readPhoto(file) {
  try {
    const bmp = await createImageBitmap(file);
    const k = Math.min(1, MAX_SIDE / Math.max(bmp.width, bmp.height));
    const canvas = h('canvas', { width: Math.round(bmp.width * k), height: Math.round(bmp.height * k) });
    canvas.getContext('2d').drawImage(bmp, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL('image/jpeg', 0.8).split(',')[1];
  } catch {
    // not decodable here: send the file as is and let the service say what is wrong with it
    return new Promise((resolve, reject) => {
      const r = new FileReader();
      r.onload = () => resolve(String(r.result).split(',')[1] ?? '');
      r.onerror = () => reject(r.error);
      r.readAsDataURL(file);
    });
  }
}

function statusCard(el, s, heading) {
  el.replaceChildren(
    h('p', {}, heading),
    h('p', { class: 'code', id: 'receipt-code' }, s.receipt),
    h('p', { class: 'state', id: 'receipt-state' }, t(s.statusZh, s.statusEn)),
    h('p', { class: 'muted' }, `${t('举报日期', 'Reported on')} ${s.reportedOn}`),
  );
  el.hidden = false;
}

async function submitReport(ev) {
  ev.preventDefault();
  $('report-error').hidden = true;
  const button = $('report-submit');
  button.disabled = true;
  try {
    const body = {
      token,
      description: $('report-desc').value,
      ...($('report-place').value.trim() ? { place: $('report-place').value.trim() } : {}),
      ...($('report-contact').value.trim() ? { contact: $('report-contact').value.trim() } : {}),
      ...(photo ? { photo } : {}),
    };
    const r = await call('/api/public/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    $('report-form').hidden = true;
    statusCard(
      $('report-receipt'),
      r.status,
      t(
        '举报已提交。请截图或抄下回执码，凭它查询处理进度：',
        'Report sent. Screenshot or note the receipt code to follow it:',
      ),
    );
    $('status-receipt').value = r.receipt;
    // the receipt in the address, so a bookmark of this page follows the report
    history.replaceState(null, '', `${location.pathname}#r=${r.receipt}`);
  } catch (e) {
    showError(e.body);
  } finally {
    button.disabled = false;
  }
}

async function checkStatus(receipt) {
  $('report-error').hidden = true;
  try {
    const s = await call(`/api/public/reports/${encodeURIComponent(receipt.trim())}`);
    statusCard($('report-status'), s, t('处理进度', 'Progress'));
  } catch (e) {
    $('report-status').hidden = true;
    showError(e.body);
  }
}

function init() {
  texts();
  $('report-lang').addEventListener('click', () => {
    setLang(lang() === 'en' ? 'zh' : 'en');
    texts();
  });
  $('report-form').hidden = !token;
  $('report-form').addEventListener('submit', submitReport);
  $('report-photo').addEventListener('change', async () => {
    const file = $('report-photo').files[0];
    $('report-error').hidden = true;
    photo = null;
    $('photo-preview').hidden = true;
    if (!file) return;
    photo = await readPhoto(file);
    if ((photo.length * 3) / 4 > MAX_BYTES) {
      photo = null;
      showError({ messageZh: '照片过大（上限 2 MB）。', message: 'The photo is too large (2 MB at most).' });
      return;
    }
    $('photo-preview').src = URL.createObjectURL(file);
    $('photo-preview').hidden = false;
  });
  $('status-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    checkStatus($('status-receipt').value);
  });
  const receipt = params.get('r');
  if (receipt) {
    $('status-receipt').value = receipt;
    checkStatus(receipt);
  }
}

init();
