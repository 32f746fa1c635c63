/* global document, URLSearchParams */
import { api, errText, h, notice, requireSession, session, t, topBar } from './common.js';
import { startInspections } from './regulator-inspections.js';

// 监管总览: the regulator's home. The region's enterprises ranked by a measure (the server sorts and
// pages), each row drilling down to the per-permit audit. Enterprise users open the same page for the
// 执法检查 section only, read-only (regulator-inspections.js).
const s = requireSession([
  'regulator',
  'safety_officer',
  'approver',
  'enterprise_admin',
  'guardian',
  'welder',
]);
const TEXT = {
  from: ['开始日期', 'From'],
  to: ['结束日期', 'To'],
  run: ['查询', 'Search'],
  hint: ['点击列名按该项排序（从高到低）', 'Click a column to rank by it (highest first)'],
  inspections: ['执法检查', 'Inspections'],
  regionAudit: ['全辖区逐票审计', 'Per-permit audit of the region'],
};
const tx = (k) => t(...TEXT[k]);
const $ = (id) => document.getElementById(id);
const DAY = 86_400_000;
const PAGE = 20;

/** The measures the overview ranks by: [key, zh, en, unit formatter]. */
const MEASURES = [
  ['unwatchedMinutes', '无监控作业（分钟）', 'Unwatched work (min)'],
  ['openMajorHazards', '未销号重大隐患', 'Open major hazards'],
  ['overdueRectifications', '逾期未整改', 'Overdue rectifications'],
  ['violationsPerPermitHour', '每作业小时违章', 'Violations per permit-hour'],
];
const state = { sort: 'unwatchedMinutes', offset: 0 };

const dateInput = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
/** the range as the API wants it: from the start of the first day to the end of the last */
function range() {
  const from = new Date(`${$('ov-from').value}T00:00:00`);
  const to = new Date(new Date(`${$('ov-to').value}T00:00:00`).getTime() + DAY);
  return { from: from.toISOString(), to: to.toISOString() };
}

/**
 * The drill-down to the per-permit audit, over the same range (the audit takes up to 366 days: a longer
 * overview opens its last 366), for one enterprise or, with `region`, the whole region.
 */
function auditLink(which, r) {
  const to = Date.parse(r.to);
  const from = Math.max(Date.parse(r.from), to - 366 * DAY);
  const q = new URLSearchParams({
    ...which,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
  });
  return `/ui/audit.html?${q}`;
}

function renderHead() {
  const th = ([key, zh, en]) =>
    h(
      'th',
      { 'aria-sort': state.sort === key ? 'descending' : 'none' },
      h(
        'button',
        {
          type: 'button',
          id: `sort-${key}`,
          class: state.sort === key ? 'sorted' : '',
          onclick: () => ((state.sort = key), (state.offset = 0), load()),
        },
        `${t(zh, en)}${state.sort === key ? ' ▼' : ''}`,
      ),
    );
  $('ov-table').tHead.replaceChildren(
    h(
      'tr',
      {},
      h('th', {}, t('排名', 'Rank')),
      h('th', {}, t('企业', 'Enterprise')),
      MEASURES.map(th),
      h('th', {}, t('作业票 / 作业小时', 'Permits / hours')),
      h('th', {}, t('审计', 'Audit')),
    ),
  );
}

async function load() {
  const r = range();
  renderHead();
  notice($('ov-notice'), t('查询中…', 'Loading…'));
  try {
    const q = new URLSearchParams({
      ...r,
      sort: state.sort,
      limit: String(PAGE),
      offset: String(state.offset),
    });
    const res = await api(`/api/regulator/overview?${q}`);
    $('ov-table').tBodies[0].replaceChildren(
      ...res.items.map((x) =>
        h(
          'tr',
          { 'data-enterprise': x.enterpriseId },
          h('td', { class: 'num' }, String(x.rank)),
          h('td', {}, x.name),
          MEASURES.map(([key]) => h('td', { class: `num m-${key}` }, String(x[key]))),
          h('td', { class: 'num' }, `${x.permits} / ${x.permitHours}`),
          h(
            'td',
            {},
            h(
              'a',
              { href: auditLink({ enterprise: x.enterpriseId }, r), class: 'drill' },
              t('逐票审计', 'Per-permit audit'),
            ),
          ),
        ),
      ),
    );
    renderPager(res.total);
    const region = session().user.regionId;
    if (region) $('ov-region-audit').href = auditLink({ region }, r);
    notice($('ov-notice'), res.total ? '' : t('本辖区没有企业。', 'No enterprises in your region.'));
  } catch (e) {
    notice($('ov-notice'), errText(e), 'error');
  }
}

function renderPager(total) {
  const pages = Math.max(1, Math.ceil(total / PAGE));
  const page = Math.floor(state.offset / PAGE) + 1;
  const go = (d) => () => ((state.offset += d * PAGE), load());
  $('ov-pager').replaceChildren(
    h('button', { type: 'button', disabled: page <= 1, onclick: go(-1) }, t('上一页', 'Previous')),
    h(
      'span',
      { class: 'muted' },
      t(`第 ${page} / ${pages} 页，共 ${total} 家`, `Page ${page} of ${pages}, ${total} in all`),
    ),
    h('button', { type: 'button', disabled: page >= pages, onclick: go(1) }, t('下一页', 'Next')),
  );
}

async function start() {
  if (!s) return;
  const regulator = session().user.role === 'regulator';
  topBar(regulator ? '监管总览' : '执法检查', regulator ? 'Regulator desk' : 'Inspections');
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = tx(el.dataset.t);
  if (regulator) {
    $('overview').hidden = false;
    const now = new Date();
    $('ov-to').value = dateInput(now);
    $('ov-from').value = dateInput(new Date(now.getTime() - 89 * DAY));
    $('ov-filters').addEventListener('submit', (ev) => {
      ev.preventDefault();
      state.offset = 0;
      load();
    });
    await load();
  }
  await startInspections(regulator);
}

start();
