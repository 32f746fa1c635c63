/* global URLSearchParams, location, history */
import { api, h, t } from './common.js';
import {
  catalogueList,
  fmtTime,
  levelText,
  overdueOf,
  overdueText,
  stageText,
  stateText,
  typeText,
} from './hazards-text.js';

// The board: hazards in columns by state, filtered by state, level and 检查环节 (?state= ?level=
// ?stage=); 我的整改 (?mine=1, the default for whoever cannot manage hazards) lists the hazards
// dispatched to me, the ones to rectify first. Overdue hazards come first, outlined in red.

const params = () => new URLSearchParams(location.search);
function setParam(k, v) {
  const q = params();
  if (v) q.set(k, v);
  else q.delete(k);
  history.replaceState(null, '', `?${q}${location.hash}`);
}

function card(ctx, hz) {
  const late = overdueOf(hz);
  return h(
    'a',
    {
      class: `hazard-card${late ? ' overdue' : ''}`,
      href: `#h/${hz.id}`,
      'data-hazard': hz.id,
      'data-state': hz.state,
      'data-overdue': late || null,
    },
    h(
      'div',
      {},
      h('strong', {}, `#${hz.id}`),
      ' ',
      h('span', { class: `badge hz-${hz.state}` }, stateText(hz.state)),
      ' ',
      h('span', { class: `badge level-${hz.level || 'none'}` }, levelText(hz.level)),
    ),
    h('div', { class: 'hz-desc' }, hz.description),
    h('div', { class: 'muted' }, `${typeText(hz.hazardType)} · ${stageText(hz.stage)}`),
    hz.responsibleUserId
      ? h('div', {}, `${t('责任人', 'Responsible')}：${ctx.personName(hz.responsibleUserId)}`)
      : null,
    hz.deadline ? h('div', { class: 'hz-deadline' }, `${t('期限', 'Due')}：${fmtTime(hz.deadline)}`) : null,
    late ? h('div', { class: 'overdue-badge' }, overdueText(late)) : null,
  );
}

/** Overdue first (most escalated first), then by deadline, then newest. */
const urgency = (a, b) =>
  overdueOf(b) - overdueOf(a) ||
  (Date.parse(a.deadline || '9999') || 0) - (Date.parse(b.deadline || '9999') || 0) ||
  b.id - a.id;

let latest = 0;

export async function renderHazardBoard(ctx) {
  const mine = ++latest;
  const q = params();
  const manage = ctx.can('hazard:write');
  // a regulator is never dispatched to: their default is the board of their region
  const onlyMine = q.has('mine') ? q.get('mine') === '1' : !manage && ctx.me.role !== 'regulator';
  const f = { state: q.get('state') || '', level: q.get('level') || '', stage: q.get('stage') || '' };
  const query = new URLSearchParams({ limit: '1000' });
  for (const [k, v] of Object.entries(f)) if (v) query.set(k, v);
  if (onlyMine) query.set('responsible', 'me');
  const { items } = await api(`/api/hazards?${query}`);
  if (mine !== latest) return;

  const select = (id, key, label, options) =>
    h(
      'label',
      {},
      label,
      h(
        'select',
        {
          id,
          onchange: (e) => {
            setParam(key, e.target.value);
            renderHazardBoard(ctx);
          },
        },
        options.map(([v, label]) => h('option', { value: v, selected: v === f[key] }, label)),
      ),
    );
  const all = ['', t('全部', 'All')];
  const filters = h(
    'div',
    { class: 'filters board-filters' },
    select('hz-filter-state', 'state', t('状态', 'State'), [
      all,
      ...catalogueList('states').map((s) => [s.code, t(s.zh, s.en)]),
    ]),
    select('hz-filter-level', 'level', t('等级', 'Level'), [
      all,
      ['general', levelText('general')],
      ['major', levelText('major')],
    ]),
    select('hz-filter-stage', 'stage', t('检查环节', 'Stage'), [
      all,
      ...catalogueList('stages').map((s) => [s.code, t(s.zh, s.en)]),
    ]),
    ctx.me.role === 'regulator'
      ? null
      : h(
          'label',
          { class: 'tick' },
          h('input', {
            type: 'checkbox',
            id: 'hz-mine',
            checked: onlyMine,
            onchange: (e) => {
              setParam('mine', e.target.checked ? '1' : '0');
              renderHazardBoard(ctx);
            },
          }),
          ` ${t('我的整改', 'Assigned to me')}`,
        ),
    h('span', { class: 'grow' }),
    manage
      ? h('a', { class: 'button primary', href: '#new', id: 'hz-new' }, t('登记隐患', 'Register'))
      : null,
  );

  const overdue = items.filter((x) => overdueOf(x)).length;
  const summary = h(
    'p',
    { class: overdue ? 'notice error' : 'muted', id: 'hz-summary' },
    `${t('共', 'Total')} ${items.length}`,
    overdue ? ` · ${t('逾期未整改', 'overdue')} ${overdue}` : '',
  );
  let body;
  if (onlyMine) {
    // on a phone: one list, what is mine to rectify (整改中) first, then what waits on others
    const open = items.filter((x) => x.state === 'dispatched').sort(urgency);
    const rest = items.filter((x) => x.state !== 'dispatched').sort((a, b) => b.id - a.id);
    body = h(
      'div',
      { class: 'hazard-mine', id: 'hz-mine-list' },
      h('h2', {}, t('待我整改', 'To rectify')),
      open.length ? open.map((x) => card(ctx, x)) : h('p', { class: 'muted' }, t('暂无', 'None')),
      rest.length ? h('h2', {}, t('其他', 'Others')) : null,
      rest.map((x) => card(ctx, x)),
    );
  } else {
    const states = f.state ? [f.state] : catalogueList('states').map((s) => s.code);
    body = h(
      'div',
      { class: 'board hazard-board' },
      states.map((st) => {
        const col = items.filter((x) => x.state === st).sort(urgency);
        return h(
          'section',
          { class: 'board-col', 'data-col': st },
          h('h2', {}, `${stateText(st)} (${col.length})`),
          col.map((x) => card(ctx, x)),
        );
      }),
    );
  }
  ctx.view.replaceChildren(
    h('h1', { class: 'page-title' }, onlyMine ? t('我的整改', 'My hazards') : t('隐患整改', 'Hazards')),
    filters,
    summary,
    body,
  );
}
