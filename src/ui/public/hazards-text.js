/* global createImageBitmap, document, FileReader */
import { api, t } from './common.js';
import { fmtCN } from './permit-text.js';

// Words for hazards: state, 检查环节 and 隐患类型 names from GET /api/hazard-catalogue (the service's
// one list, the same the forms print), levels, overdue escalation, and photos read for upload.

let catalogue = { states: [], stages: [], types: [] };
export async function loadCatalogue() {
  catalogue = await api('/api/hazard-catalogue');
  return catalogue;
}
export const catalogueList = (kind) => catalogue[kind];

const named = (kind, code) => {
  const n = catalogue[kind].find((x) => x.code === code);
  return n ? t(n.zh, n.en) : code;
};
export const stateText = (code) => named('states', code);
export const stageText = (code) => named('stages', code);
/** A type code by its name; an older free-text type (违章作业, 动火作业…) as written. */
export const typeText = (value) => named('types', value);

export const LEVELS = { general: ['一般隐患', 'General'], major: ['重大隐患', 'Major'] };
export const levelText = (l) => (l ? t(...LEVELS[l]) : t('待评估', 'Not assessed'));

/** Deadlines and times on the plant's clock (Asia/Shanghai). */
export const fmtTime = (iso) => `${fmtCN(iso)}${iso ? t('（北京时间）', ' (Beijing)') : ''}`;

/**
 * How far a dispatched hazard is past its deadline: the service's escalation level (hazard.overdue:
 * 1 the responsible person and safety officer, 2 the enterprise's leaders, 3+ the regulator), or 1 as
 * soon as the deadline has passed and the periodic check has not run yet.
 */
export function overdueOf(hz, now = Date.now()) {
  if (hz.state !== 'dispatched' || !hz.deadline) return 0;
  const past = Date.parse(hz.deadline) < now;
  return Math.max(hz.overdueLevel || 0, past ? 1 : 0);
}
const ESCALATED_TO = [
  null,
  ['责任人、安全员', 'responsible person and safety officer'],
  ['企业负责人', 'enterprise leadership'],
  ['监管部门', 'regulator'],
];
export function overdueText(level) {
  const to = ESCALATED_TO[Math.min(level, 3)];
  return t(`逾期 · 第${level}级（已报${to[0]}）`, `Overdue · level ${level} (to ${to[1]})`);
}

const MAX_SIDE = 1600;
/**
 * A photo from the camera or the album as base64 JPEG, scaled to at most 1600 px a side so a phone's
 * 12 MP picture fits the API's limit (POST bodies carry photos as base64, see photos.ts).
 */
export async function photoBase64(file) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise((res) => canvas.toBlob(res, 'image/jpeg', 0.85));
  const url = await new Promise((res, rej) => {
    const r = new FileReader();
    r.onload = () => res(r.result);
    r.onerror = () => rej(r.error);
    r.readAsDataURL(blob);
  });
  return String(url).slice(String(url).indexOf(',') + 1);
}

/** All chosen files as base64 (at most 6, the API's limit). */
export const photosOf = (input) => Promise.all([...input.files].slice(0, 6).map(photoBase64));
