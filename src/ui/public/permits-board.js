/* global URLSearchParams, location, history */
import { api, h, redraw, t } from './common.js';
import { kindText, levelText } from './permit-kinds.js';
import { loadDetail, retestBadge, retestState } from './permit-gas.js';
import { fmtCN, reasonText, stateText } from './permit-text.js';

// The board: permits in columns by state, the work of the day first (待审批, 已批准, 作业中, 暂停),
// filtered by site (and by state from ?state=, where the approver lands). A permit whose gas test is
// due is outlined with 需复测, or counts down (复测倒计时) to when it will be.
const COLUMNS = [
  'awaiting_approval',
  'approved',
  'active',
  'suspended',
  'draft',
  'completed',
  'revoked',
  'expired',
];
const GAS_STATES = new Set(['approved', 'active', 'suspended']);

function params() {
  return new URLSearchParams(location.search);
}
function setParam(k, v) {
  const q = params();
  if (v) q.set(k, v);
  else q.delete(k);
  history.replaceState(null, '', `?${q}${location.hash}`);
}

function card(p, gas) {
  const due = gas ? retestState(gas) : null;
  return h(
    'a',
    {
      class: `permit-card${due?.due ? ' due' : ''}`,
      href: `#p/${encodeURIComponent(p.id)}`,
      'data-permit': p.id,
      'data-state': p.state,
    },
    h(
      'div',
      {},
      h('strong', {}, p.number),
      ' ',
      h('span', { class: `badge ${p.state}` }, stateText(p.state)),
    ),
    h('div', {}, `${kindText(p.kind)}${p.level ? ` · ${levelText(p.kind, p.level)}` : ''} · ${p.location}`),
    h('div', { class: 'muted' }, `${fmtCN(p.validFrom)} → ${fmtCN(p.validTo)}`),
    p.state === 'suspended' && p.suspendReason
      ? h('div', { class: 'why' }, reasonText(p.suspendReason))
      : null,
    due ? retestBadge(due) : null,
  );
}

/** Renders overlap (a click and a live event): only the latest one may draw. */
let latest = 0;

export async function renderBoard(ctx) {
  const mine = ++latest;
  const q = params();
  const site = q.get('site') || '';
  const only = q.get('state') || '';
  const list = await api(`/api/permits?limit=500${only ? `&state=${only}` : ''}`);
  const shown = list.filter((p) => !site || p.siteId === site);
  // gas tests live in the detail: read them for the permits where a re-test can be due
  const details = new Map(
    await Promise.all(
      shown
        .filter((p) => GAS_STATES.has(p.state))
        .slice(0, 60)
        .map(async (p) => [p.id, await loadDetail(p.id).catch(() => null)]),
    ),
  );
  const select = (id, value, options, onchange) =>
    h(
      'select',
      { id, onchange: (e) => onchange(e.target.value) },
      options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)),
    );
  const rerender = () => renderBoard(ctx);
  const columns = COLUMNS.filter((s) => (only ? s === only : true)).map((s) => {
    const items = shown.filter((p) => p.state === s);
    if (items.length === 0 && !['awaiting_approval', 'approved', 'active', 'suspended'].includes(s))
      return null;
    return h(
      'section',
      { class: 'board-col', 'data-state': s },
      h('h2', {}, `${stateText(s)} `, h('span', { class: 'muted' }, String(items.length))),
      items.map((p) => card(p, details.get(p.id))),
    );
  });
  if (mine !== latest) return;
  redraw(
    ctx.view,
    h(
      'div',
      { class: 'filters board-filters' },
      h(
        'label',
        {},
        t('厂区', 'Site'),
        select(
          'filter-site',
          site,
          [['', t('全部厂区', 'All sites')], ...ctx.sites.map((x) => [x.id, x.name])],
          (v) => {
            setParam('site', v);
            rerender();
          },
        ),
      ),
      h(
        'label',
        {},
        t('状态', 'State'),
        select(
          'filter-state',
          only,
          [['', t('全部状态', 'All states')], ...COLUMNS.map((x) => [x, stateText(x)])],
          (v) => {
            setParam('state', v);
            rerender();
          },
        ),
      ),
      h('span', { class: 'grow' }),
      ctx.can('permit:create')
        ? h('a', { class: 'button primary', id: 'new-permit', href: '#new' }, t('新建作业票', 'New permit'))
        : null,
    ),
    h('div', { class: 'board' }, columns),
  );
}
