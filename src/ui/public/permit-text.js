import { ApiError, lang, t } from './common.js';

// Words for permits on the desk and the printed 作业票: state names, signature roles, authorities,
// times on the plant's clock (Asia/Shanghai, whatever the browser's zone), and the service's coded
// refusals said in full (the sentence, then what it names: cameras, measures).

export const STATES = {
  draft: ['草稿', 'Draft'],
  awaiting_approval: ['待审批', 'Awaiting approval'],
  approved: ['已批准', 'Approved'],
  active: ['作业中', 'Working'],
  suspended: ['暂停', 'Suspended'],
  completed: ['已完工', 'Completed'],
  revoked: ['已撤销', 'Revoked'],
  expired: ['已过期', 'Expired'],
};
export const stateText = (s) => (STATES[s] ? t(...STATES[s]) : s);

const ACTIONS = {
  created: ['新建', 'Created'],
  submitted: ['提交审批', 'Submitted'],
  approved: ['审批通过', 'Approved'],
  rejected: ['退回', 'Sent back'],
  started: ['开始作业', 'Started'],
  suspended: ['暂停', 'Suspended'],
  resumed: ['恢复作业', 'Resumed'],
  completed: ['完工验收', 'Completed'],
  revoked: ['撤销', 'Revoked'],
  expired: ['过期', 'Expired'],
  measureConfirmed: ['措施确认', 'Measure confirmed'],
  gasTested: ['气体分析', 'Gas test'],
};
/** A history row's action in words (an unknown one as the service names it). */
export const actionText = (a) => (ACTIONS[a] ? t(...ACTIONS[a]) : a);

export const SIGNATURE_ROLES = {
  applicant: ['申请人', 'Applicant'],
  approver: ['审批人', 'Approver'],
  starter: ['作业开始确认', 'Work started by'],
  completion: ['完工验收', 'Completion'],
};
export const AUTHORITIES = {
  unit: ['作业所在单位', 'Work unit'],
  safety_dept: ['安全管理部门', 'Safety department'],
  leader: ['主管领导', 'Leader in charge'],
};
export const authorityText = (a) => (AUTHORITIES[a] ? t(...AUTHORITIES[a]) : a || '—');

const SHANGHAI = 'Asia/Shanghai';
/** A time as the plant reads it: Beijing time, 24 h, with the date. */
export function fmtCN(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString(lang() === 'en' ? 'en-GB' : 'zh-CN', { timeZone: SHANGHAI, hour12: false });
}

/** `2026-01-05T08:00` in Beijing time, for <input type="datetime-local">. */
export function toLocalInput(ms) {
  const d = new Date(ms + 8 * 3600_000);
  return d.toISOString().slice(0, 16);
}
/** The reverse: a datetime-local value read as Beijing time → ISO. */
export const fromLocalInput = (v) => new Date(`${v}:00+08:00`).toISOString();

/** Minutes and seconds left (or over, with a minus), for countdowns. */
export function fmtLeft(ms) {
  const neg = ms < 0;
  const s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  const body = h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
  return neg ? `-${body}` : body;
}

/**
 * A suspension reason for people: the service stores a leading code for its own checks
 * (`monitoring_lost 监控中断：cam1 离线 offline`); the desk shows the words after it.
 */
export const reasonText = (reason) => (reason || '').replace(/^[a-z][a-z_]*\s+(?=[^ -~])/, '');

/**
 * A refusal in words: the service's sentence, then what it names. `names.camera(id)` gives a
 * camera's name; measures are numbered from 1 as on the paper form.
 */
export function refusalText(e, names = {}) {
  if (!(e instanceof ApiError)) return String(e?.message || e);
  const parts = [t(e.messageZh, e.message)];
  const d = e.details || {};
  if (Array.isArray(d.cameras) && d.cameras.length)
    parts.push(
      `${t('不在线的摄像头', 'Cameras not live')}：${d.cameras.map((c) => names.camera?.(c) ?? c).join('、')}`,
    );
  if (Array.isArray(d.unconfirmed) && d.unconfirmed.length)
    parts.push(
      `${t('未确认的措施', 'Unconfirmed measures')}：${d.unconfirmed.map((i) => `#${i + 1}`).join('、')}`,
    );
  return `${parts.join(' ')} (${e.code})`;
}
