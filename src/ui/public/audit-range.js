import { h, t } from './common.js';

// The audit page's scope (a region for a regulator, or one enterprise), the range presets a campaign
// needs (up to a year: the API's bound is 366 days) and the pager of the permit list.
const DAY = 86_400_000;

/** [days, zh, en]: the last N days up to now */
export const PRESETS = [
  [7, '近 7 天', 'Last 7 days'],
  [31, '近 31 天', 'Last 31 days'],
  [122, '近 4 个月（专项行动）', 'Last 4 months (campaign)'],
  [366, '近一年', 'Last year'],
];

/**
 * The scope select: a regulator's regions first (its own and those nested below it, values
 * `region:<id>`), then each enterprise (its id as value, so `?enterprise=` and tests select it as is).
 */
export function fillScopes(select, enterprises, regions, pre) {
  const groups = [];
  if (regions.length)
    groups.push(
      h(
        'optgroup',
        { label: t('辖区', 'Region') },
        regions.map((r) => h('option', { value: `region:${r.id}` }, `${r.name}${t('（全辖区）', ' (all)')}`)),
      ),
    );
  groups.push(
    h(
      'optgroup',
      { label: t('企业', 'Enterprise') },
      enterprises.map((e) => h('option', { value: e.id }, e.name)),
    ),
  );
  select.replaceChildren(...groups);
  const want = pre.get('region') ? `region:${pre.get('region')}` : pre.get('enterprise');
  if ([...select.options].some((o) => o.value === want)) select.value = want;
}

/** `{ region }` or `{ enterprise }` for the API from the select's value */
export const scopeOf = (value) =>
  value.startsWith('region:') ? { region: value.slice('region:'.length) } : { enterprise: value };

export function fillPresets(select) {
  select.replaceChildren(
    h('option', { value: '' }, t('自定义', 'Custom')),
    PRESETS.map(([days, zh, en]) => h('option', { value: String(days) }, t(zh, en))),
  );
}

/** Sets the datetime-local inputs to the last `days` days (to = a minute from now, so now is in). */
export function applyPreset(fromEl, toEl, days, localInput) {
  const to = new Date(Date.now() + 60_000);
  toEl.value = localInput(to);
  fromEl.value = localInput(new Date(to.getTime() - days * DAY));
}

/** 上一页 / 第 x / y 页，共 n 张 / 下一页; `go(page)` loads that page. */
export function renderPager(el, r, go) {
  const pages = Math.max(1, Math.ceil(r.total / r.pageSize));
  el.replaceChildren(
    h(
      'button',
      { type: 'button', id: 'audit-prev', disabled: r.page <= 1, onclick: () => go(r.page - 1) },
      t('上一页', 'Previous'),
    ),
    h(
      'span',
      { class: 'muted', id: 'audit-page' },
      t(`第 ${r.page} / ${pages} 页，共 ${r.total} 张`, `Page ${r.page} of ${pages}, ${r.total} permits`),
    ),
    h(
      'button',
      { type: 'button', id: 'audit-next', disabled: r.page >= pages, onclick: () => go(r.page + 1) },
      t('下一页', 'Next'),
    ),
  );
}
