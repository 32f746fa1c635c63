/* global document, fetch */
// 分级: the grade with its reasons, the regulator's override (form for regulators, reason for all),
// the history; for a regulator, its region's grades and the 分级分类台账 download.
import { api, ApiError, errText, fmtTime, h, notice, session, t } from './common.js';

/** replaceChildren, leaving out the null / false of conditional parts (it would print them as text). */
export const fill = (el, ...children) =>
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));

const badge = (g) => h('span', { class: `grade-badge grade-${g}` }, g);
const COLOR = { A: ['红', 'red'], B: ['橙', 'orange'], C: ['黄', 'yellow'], D: ['蓝', 'blue'] };

/** `changed` runs after the regulator's override is saved (the region's list shows it too). */
export async function renderGrade(box, enterpriseId, canOverride, changed = () => {}) {
  const g = await api(`/api/enterprises/${encodeURIComponent(enterpriseId)}/grade`);
  const reasons = g.computed.reasons;
  const status = h('p', { class: 'notice', hidden: true });
  fill(
    box,
    h('h2', {}, t('企业分级', 'Grade')),
    h(
      'p',
      { id: 'grade-now' },
      badge(g.grade),
      ' ',
      t(`监管等级 ${g.grade}（${COLOR[g.grade][0]}）`, `Grade ${g.grade} (${COLOR[g.grade][1]})`),
      g.override ? '' : t('，即计算等级', ', as computed'),
    ),
    h(
      'p',
      {},
      t(
        `计算等级 ${g.computed.grade}（风险分值 ${g.computed.score}，分值等级 ${g.computed.scoreGrade}）`,
        `Computed ${g.computed.grade} (risk score ${g.computed.score}, score grade ${g.computed.scoreGrade})`,
      ),
    ),
    reasons.length
      ? h(
          'ul',
          { id: 'grade-reasons' },
          reasons.map((r) => h('li', {}, `${r.floor}：${t(r.zh, r.en)}`)),
        )
      : h('p', { class: 'muted' }, t('无加重情形。', 'No criterion raised the grade.')),
    g.override
      ? h(
          'p',
          { id: 'grade-override' },
          t(
            `监管部门调整：${g.override.computedGrade} → ${g.override.grade}；理由：${g.override.reason}（${g.override.by}，${fmtTime(g.override.at)}）`,
            `Set by the regulator: ${g.override.computedGrade} → ${g.override.grade}; reason: ${g.override.reason} (${g.override.by}, ${fmtTime(g.override.at)})`,
          ),
        )
      : null,
    canOverride ? overrideForm(enterpriseId, g, box, status, changed) : null,
    status,
    g.history.length
      ? h(
          'details',
          {},
          h('summary', {}, t(`调整记录（${g.history.length}）`, `History (${g.history.length})`)),
          h(
            'ul',
            {},
            g.history.map((o) =>
              h(
                'li',
                {},
                `${fmtTime(o.at)} · ${o.by} · ${o.computedGrade} → ${o.grade ?? t('撤销调整', 'withdrawn')} · ${o.reason}`,
              ),
            ),
          ),
        )
      : null,
  );
}

function overrideForm(enterpriseId, g, box, status, changed) {
  const grade = h(
    'select',
    { name: 'grade', id: 'override-grade' },
    ['A', 'B', 'C', 'D'].map((x) => h('option', { value: x, selected: x === g.grade }, x)),
    g.override ? h('option', { value: '' }, t('撤销调整', 'Withdraw')) : null,
  );
  const reason = h('input', {
    name: 'reason',
    id: 'override-reason',
    required: true,
    minlength: 4,
    maxlength: 500,
  });
  return h(
    'form',
    {
      class: 'filters',
      id: 'override-form',
      onsubmit: async (ev) => {
        ev.preventDefault();
        try {
          await api(`/api/enterprises/${encodeURIComponent(enterpriseId)}/grade/override`, {
            method: 'POST',
            body: { grade: grade.value || null, reason: reason.value.trim() },
          });
          await renderGrade(box, enterpriseId, true, changed);
          changed();
        } catch (e) {
          notice(status, errText(e), 'error');
        }
      },
    },
    h('label', {}, h('span', {}, t('调整为', 'Set to')), grade),
    h('label', { class: 'grow' }, h('span', {}, t('调整理由（必填）', 'Reason (required)')), reason),
    h('button', { type: 'submit', class: 'primary' }, t('调整监管等级', 'Set grade')),
  );
}

/** The regulator's region: every enterprise's grade, a click opens its record; the ledger as XLSX. */
export async function renderRegion(box, regionId, open) {
  box.hidden = false;
  const status = h('p', { class: 'notice', hidden: true });
  const download = h(
    'button',
    { type: 'button', id: 'ledger-xlsx' },
    t('导出分级分类台账', 'Export grading ledger'),
  );
  download.addEventListener('click', async () => {
    try {
      const res = await fetch(`/api/regions/${encodeURIComponent(regionId)}/grading.xlsx`, {
        headers: { authorization: `Bearer ${session().token}` },
      });
      if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
      const url = URL.createObjectURL(await res.blob());
      const a = h('a', { href: url, download: `分级分类台账-${regionId}.xlsx` });
      document.body.append(a);
      a.click();
      a.remove();
      URL.revokeObjectURL(url);
    } catch (e) {
      notice(status, errText(e), 'error');
    }
  });
  const { items } = await api(`/api/regions/${encodeURIComponent(regionId)}/grading`);
  fill(
    box,
    h('h2', {}, t('辖区企业分级', 'Grades in my region'), ' ', download),
    status,
    h(
      'div',
      { class: 'scroll-x' },
      h(
        'table',
        { class: 'data', id: 'region-grades' },
        h(
          'tr',
          {},
          [
            t('企业', 'Enterprise'),
            t('计算等级', 'Computed'),
            t('监管等级', 'Grade'),
            t('调整理由', 'Reason'),
          ].map((x) => h('th', {}, x)),
        ),
        items.map((g) =>
          h(
            'tr',
            {},
            h(
              'td',
              {},
              h(
                'a',
                {
                  href: `?id=${encodeURIComponent(g.enterpriseId)}`,
                  onclick: (e) => (e.preventDefault(), selectAndOpen(g.enterpriseId, open)),
                },
                g.enterprise,
              ),
            ),
            h('td', {}, g.computed.grade),
            h('td', {}, badge(g.grade)),
            h('td', {}, g.override?.reason ?? ''),
          ),
        ),
      ),
    ),
  );
}

function selectAndOpen(id, open) {
  document.getElementById('e-select').value = id;
  open(id);
}
