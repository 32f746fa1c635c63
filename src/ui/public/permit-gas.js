import { api, h, t } from './common.js';
import { kindSummary } from './permit-kinds.js';
import { fmtCN, fmtLeft } from './permit-text.js';

// 气体分析 on the desk: when the next gas test is due (复测倒计时) and the form to record one.
// The rules come from the kind's facts in GET /api/permit-kinds (gas.freshMinutes,
// gas.continuousMinutes, gas.requiredBeforeStart, the level's retestAfterBreakMinutes). A summary that
// lacks them gets no countdown: the desk then shows the last test and leaves the verdict to the
// service's own refusal at start / resume.

/** The service's clock minus this browser's, from each detail read's `serverTime`. */
let skewMs = 0;
export const serverNow = () => Date.now() + skewMs;

/** GET /api/permits/:id, noting the service's clock (countdowns run on it, not on the phone's). */
export async function loadDetail(id) {
  const d = await api(`/api/permits/${encodeURIComponent(id)}`);
  const at = Date.parse(d.serverTime || '');
  if (!Number.isNaN(at)) skewMs = at - Date.now();
  return d;
}

const ms = (minutes) => (typeof minutes === 'number' && minutes > 0 ? minutes * 60_000 : null);

/** The kind's gas facts for this permit, each null when the service does not publish it. */
export function gasFacts(permit) {
  const k = kindSummary(permit.kind);
  const level = k?.levels?.find((l) => l.id === permit.level);
  const rules = level ?? k?.ungraded ?? k ?? {};
  // 'hazardous_media': only when the permit names a flammable (LEL) or toxic medium
  const need = k?.gas?.requiredBeforeStart;
  const beforeStart =
    need === undefined ||
    need === 'always' ||
    (need === 'hazardous_media' && (permit.lelPct != null || permit.toxicRisk));
  return {
    beforeStart,
    freshMs: ms(k?.gas?.freshMinutes),
    continuousMs: ms(k?.gas?.continuousMinutes),
    retestAfterBreakMs: ms(rules.retestAfterBreakMinutes),
  };
}

/**
 * Where the permit stands on gas: `due` (a test is needed now), `dueAt` (a countdown to when one
 * will be), `why` in words. Only the rules the service enforces: a fresh passing test to start, a
 * logged test every `continuousMs` while working, a test after a break longer than the level allows.
 */
export function retestState(detail, now = serverNow()) {
  const p = detail.permit;
  const facts = gasFacts(p);
  const tests = [...detail.gasTests].sort((a, b) => Date.parse(a.takenAt) - Date.parse(b.takenAt));
  const latest = tests.at(-1);
  const passes = tests.filter((g) => g.passed);
  const lastPass = passes.length ? Date.parse(passes.at(-1).takenAt) : null;
  if (latest && !latest.passed)
    return { due: true, dueAt: null, why: t('最近一次气体分析不合格', 'The latest gas test failed') };
  if (p.state === 'approved') {
    if (!facts.beforeStart) return { due: false, dueAt: null, why: '' };
    if (lastPass === null)
      return { due: true, dueAt: null, why: t('开始前须气体分析', 'Test gas before start') };
    if (!facts.freshMs) return { due: false, dueAt: null, why: '' };
    const dueAt = lastPass + facts.freshMs;
    return { due: now > dueAt, dueAt, why: t('合格分析超时须复测', 'The passing test goes stale') };
  }
  if (p.state === 'suspended' && p.suspendedAt) {
    const since = Date.parse(p.suspendedAt);
    if (lastPass !== null && lastPass >= since) return { due: false, dueAt: null, why: '' };
    if (!facts.retestAfterBreakMs) return { due: false, dueAt: null, why: '' };
    const dueAt = since + facts.retestAfterBreakMs;
    return { due: now > dueAt, dueAt, why: t('中断超时须复测', 'A long break needs a re-test') };
  }
  if (p.state === 'active' && facts.continuousMs) {
    const last = latest ? Date.parse(latest.takenAt) : Date.parse(p.startedAt || p.validFrom);
    const dueAt = last + facts.continuousMs;
    return { due: now > dueAt, dueAt, why: t('作业中定时检测', 'Periodic test while working') };
  }
  return { due: false, dueAt: null, why: '' };
}

/** The 复测倒计时 badge: red `需复测` when due, else the time left; kept current by `tickCountdowns`. */
export function retestBadge(state) {
  if (state.due)
    return h('span', { class: 'badge suspended retest-due' }, `${t('需复测', 'Re-test due')} · ${state.why}`);
  if (!state.dueAt) return null;
  return h(
    'span',
    { class: 'badge pending retest-countdown', 'data-due-at': String(state.dueAt), title: state.why },
    `${t('复测倒计时', 'Re-test in')} ${fmtLeft(state.dueAt - serverNow())}`,
  );
}

/** Once a second: every countdown on the page moves; one that reaches zero turns into `需复测`. */
export function tickCountdowns(root) {
  for (const el of root.querySelectorAll('[data-due-at]')) {
    const left = Number(el.dataset.dueAt) - serverNow();
    if (left > 0) el.textContent = `${t('复测倒计时', 'Re-test in')} ${fmtLeft(left)}`;
    else {
      el.textContent = t('需复测', 'Re-test due');
      el.className = 'badge suspended retest-due';
      el.removeAttribute('data-due-at');
    }
  }
}

/** The results table (both the desk and the printed form). */
export function gasTable(tests) {
  const cell = (v, unit) => (v === null || v === undefined ? '—' : `${v}${unit}`);
  return h(
    'table',
    { class: 'data gas-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        [
          t('取样时间', 'Taken'),
          t('分析人', 'Analyst'),
          'O₂',
          t('可燃气', 'Combustible'),
          'H₂S',
          'CO',
          t('结论', 'Result'),
        ].map((x) => h('th', {}, x)),
      ),
    ),
    h(
      'tbody',
      {},
      tests.map((g) =>
        h(
          'tr',
          { class: g.passed ? 'gas-pass' : 'gas-fail' },
          h('td', {}, fmtCN(g.takenAt)),
          h('td', {}, g.analyst),
          h('td', {}, cell(g.o2Pct, '%')),
          h('td', {}, cell(g.combustiblePct, '%')),
          h('td', {}, cell(g.h2sPpm, ' ppm')),
          h('td', {}, cell(g.coPpm, ' ppm')),
          h('td', {}, g.passed ? t('合格', 'Pass') : `${t('不合格', 'Fail')} ${g.failures.join('、')}`),
        ),
      ),
    ),
  );
}

/** 气体分析 form; `record(body)` posts it (the desk reloads the permit afterwards). */
export function gasForm(analystDefault, record) {
  const field = (id, zh, en, attrs = {}) =>
    h('label', {}, t(zh, en), h('input', { id, name: id, type: 'number', step: 'any', min: 0, ...attrs }));
  const form = h(
    'form',
    { id: 'gas-form', class: 'filters' },
    h(
      'label',
      {},
      t('分析人', 'Analyst'),
      h('input', { id: 'gas-analyst', required: true, value: analystDefault }),
    ),
    field('gas-o2', '氧气 O₂ %', 'O₂ %', { max: 100 }),
    field('gas-comb', '可燃气 %', 'Combustible %', { max: 100, required: true }),
    field('gas-h2s', 'H₂S ppm', 'H₂S ppm'),
    field('gas-co', 'CO ppm', 'CO ppm'),
    h('button', { type: 'submit', class: 'primary', id: 'gas-submit' }, t('记录气体分析', 'Record gas test')),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const num = (id) => {
      const v = form.querySelector(`#${id}`).value;
      return v === '' ? undefined : Number(v);
    };
    record({
      analyst: form.querySelector('#gas-analyst').value.trim(),
      o2Pct: num('gas-o2'),
      combustiblePct: num('gas-comb'),
      h2sPpm: num('gas-h2s'),
      coPpm: num('gas-co'),
    });
  });
  return form;
}
