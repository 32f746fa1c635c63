import { api, h, t } from './common.js';
import { refusalText } from './permit-text.js';

// The buttons of one permit: only those its state allows and the signed-in role's permissions cover
// (GET /api/me). A refusal is said in full — the start / resume gate's sentence names the cameras
// that are not live — and stays on the page until the next action.

/** The last answer per permit, kept across live re-renders. */
let last = null;
export const lastAnswer = (permitId) => (last && last.permitId === permitId ? last : null);

/**
 * The gate could not resume a permit when monitoring came back (permit.resumeBlocked): its refusal,
 * e.g. a break long enough to need a fresh gas test, is shown as if the resume had been tried here.
 */
export function noteResumeBlocked(payload) {
  last = {
    permitId: payload.permitId,
    kind: 'error',
    text: `${t('监控已恢复，但不能自动恢复作业：', 'Monitoring is back but work cannot resume: ')}${t(payload.messageZh, payload.message)} (${payload.code})`,
  };
}

const OPERATE = 'permit:operate';

/**
 * `rerender()` reads the permit again and redraws the page; the answer then shows in #pd-result.
 */
export function actionButtons(ctx, p, rerender) {
  const url = (action) => `/api/permits/${encodeURIComponent(p.id)}/${action}`;
  const run = async (label, path, opts = {}) => {
    try {
      await api(path, { method: 'POST', ...opts });
      last = { permitId: p.id, kind: 'ok', text: `${label}：${t('已完成', 'done')}` };
    } catch (e) {
      last = {
        permitId: p.id,
        kind: 'error',
        text: `${t('未能', 'Refused:')}${label}：${refusalText(e, { camera: ctx.cameraName })}`,
      };
    }
    await rerender();
  };
  const button = (id, label, action, cls = '') =>
    h('button', { id, class: cls, onclick: () => run(label, url(action)) }, label);
  /** An action that needs a reason (驳回, 暂停, 撤销): a text box beside its button. */
  const withReason = (id, label, action, cls) => {
    const input = h('input', {
      id: `${id}-reason`,
      placeholder: t('原因（必填）', 'Reason (required)'),
      maxlength: 500,
    });
    return h(
      'span',
      { class: 'reason-action' },
      input,
      h(
        'button',
        {
          id,
          class: cls,
          onclick: () => {
            const reason = input.value.trim();
            if (!reason) {
              input.focus();
              input.setCustomValidity(t('请填写原因', 'Give a reason'));
              input.reportValidity();
              return;
            }
            return run(label, url(action), { body: { reason } });
          },
        },
        label,
      ),
    );
  };
  const out = [];
  const can = ctx.can;
  const s = p.state;
  if (s === 'draft' && can('permit:create'))
    out.push(button('pd-submit', t('提交审批', 'Submit'), 'submit', 'primary'));
  if (s === 'awaiting_approval' && can('permit:approve')) {
    out.push(button('pd-approve', t('审批通过', 'Approve'), 'approve', 'ok big'));
    out.push(withReason('pd-reject', t('退回', 'Send back'), 'reject', 'danger'));
  }
  if (s === 'approved' && can(OPERATE))
    out.push(button('pd-start', t('开始作业', 'Start work'), 'start', 'ok big'));
  if (s === 'suspended' && can(OPERATE))
    out.push(button('pd-resume', t('恢复作业', 'Resume work'), 'resume', 'ok big'));
  if (s === 'active' && can(OPERATE))
    out.push(withReason('pd-suspend', t('暂停作业', 'Suspend'), 'suspend', ''));
  if ((s === 'active' || s === 'suspended') && can(OPERATE))
    out.push(button('pd-complete', t('完工验收', 'Complete'), 'complete', 'primary'));
  if (!['completed', 'revoked', 'expired'].includes(s) && can(OPERATE))
    out.push(withReason('pd-revoke', t('撤销', 'Revoke'), 'revoke', 'danger'));
  return out;
}

/** Confirm one safety measure (措施确认), by the signed-in person. */
export async function confirmMeasure(ctx, p, index, rerender) {
  try {
    await api(`/api/permits/${encodeURIComponent(p.id)}/measures/${index}/confirm`, { method: 'POST' });
    last = { permitId: p.id, kind: 'ok', text: `${t('已确认措施', 'Confirmed measure')} #${index + 1}` };
  } catch (e) {
    last = { permitId: p.id, kind: 'error', text: refusalText(e, { camera: ctx.cameraName }) };
  }
  await rerender();
}

/** Record a gas test; a failing sample is stored too, and said so. */
export async function recordGas(ctx, p, body, rerender) {
  try {
    const g = await api(`/api/permits/${encodeURIComponent(p.id)}/gas-tests`, { method: 'POST', body });
    last = g.passed
      ? { permitId: p.id, kind: 'ok', text: t('气体分析合格，已记录', 'Gas test passed and recorded') }
      : {
          permitId: p.id,
          kind: 'error',
          text: `${t('气体分析不合格：', 'Gas test failed: ')}${g.failures.join('、')}`,
        };
  } catch (e) {
    last = { permitId: p.id, kind: 'error', text: refusalText(e) };
  }
  await rerender();
}

/** 监护人交接: a new guardian (applicant side), and the guardian's own 到岗 / 离岗. */
export function guardianControls(ctx, p, rerender) {
  const parts = [];
  const put = async (path, method, body, done) => {
    try {
      await api(path, { method, body });
      last = { permitId: p.id, kind: 'ok', text: done };
    } catch (e) {
      last = { permitId: p.id, kind: 'error', text: refusalText(e) };
    }
    await rerender();
  };
  const base = `/api/permits/${encodeURIComponent(p.id)}/guardian`;
  if (ctx.can('permit:create')) {
    const input = h('input', {
      id: 'pd-guardian-name',
      list: 'dl-guardian-handover',
      placeholder: t('新监护人用户名', 'New guardian'),
    });
    parts.push(
      input,
      h(
        'datalist',
        { id: 'dl-guardian-handover' },
        ctx.users.filter((u) => u.role === 'guardian').map((u) => h('option', { value: u.username })),
      ),
      h(
        'button',
        {
          id: 'pd-guardian-handover',
          onclick: () =>
            input.value.trim() &&
            put(base, 'PUT', { guardian: input.value.trim() }, t('监护人已交接', 'Guardian handed over')),
        },
        t('交接监护人', 'Hand over'),
      ),
    );
  }
  if (ctx.can(OPERATE) && p.guardianUserId === ctx.me.userId) {
    parts.push(
      h(
        'button',
        {
          id: 'pd-checkin',
          onclick: () => put(`${base}/check-in`, 'POST', undefined, t('已到岗', 'At post')),
        },
        t('监护人到岗', 'At post'),
      ),
      h(
        'button',
        {
          id: 'pd-checkout',
          onclick: () =>
            put(`${base}/check-out`, 'POST', undefined, t('已离岗，作业暂停', 'Left; work stops')),
        },
        t('监护人离岗', 'Leave post'),
      ),
    );
  }
  return parts;
}
