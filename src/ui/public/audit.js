/* global document, location, URLSearchParams */
import { api, errText, h, notice, requireSession, t, topBar } from './common.js';
import { renderAuditRows } from './audit-rows.js';
import { loadPermitKinds } from './permit-kinds.js';
import { startExport } from './audit-export.js';
import { applyPreset, fillPresets, fillScopes, renderPager, scopeOf } from './audit-range.js';

const s = requireSession(['regulator', 'safety_officer', 'approver', 'enterprise_admin']);
const TEXT = {
  enterprise: ['范围（辖区或企业）', 'Scope (region or enterprise)'],
  preset: ['时段', 'Period'],
  from: ['开始时间', 'From'],
  to: ['结束时间', 'To'],
  verdict: ['结论', 'Verdict'],
  all: ['全部', 'All'],
  fully_monitored: ['全程监控', 'Fully monitored'],
  gaps: ['存在监控中断', 'Gaps'],
  work_without_monitoring: ['无监控作业', 'Work without monitoring'],
  no_work: ['未实际作业', 'No work'],
  run: ['查询', 'Search'],
  csv: ['导出 CSV', 'Export CSV'],
  xlsx: ['导出 Excel', 'Export XLSX'],
  export: ['导出内容', 'Export'],
  'permit-audit': ['作业票监控审计', 'Permit audit'],
  weekly: ['周调度表', 'Weekly dispatch table'],
  'major-ledger': ['重大事故隐患台账', 'Major hazard ledger'],
  'hazard-list': ['检查问题隐患清单', 'Hazard list'],
};
export const tx = (k) => t(...TEXT[k]);

const localInput = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
const $ = (id) => document.getElementById(id);

const cameraNames = new Map();
const enterpriseNames = new Map();
const PAGE_SIZE = 50;

/** the scope (`region` or `enterprise`) and the range, as the audit API and the exports take them */
export function query() {
  return {
    ...scopeOf($('f-enterprise').value),
    from: new Date($('f-from').value).toISOString(),
    to: new Date($('f-to').value).toISOString(),
  };
}

async function run(page = 1) {
  const q = query();
  const status = $('audit-notice');
  notice(status, t('查询中…', 'Loading…'));
  try {
    // the server pages and filters by verdict: a region over months is thousands of permits
    const verdict = $('f-verdict').value;
    const qs = new URLSearchParams({
      ...q,
      page: String(page),
      pageSize: String(PAGE_SIZE),
      ...(verdict ? { verdict } : {}),
    });
    const [report] = await Promise.all([api(`/api/audit/permits?${qs}`), loadPermitKinds()]);
    // Closed loop: hazards registered from a violation carry its id.
    const hazards = await api(
      `/api/hazards?${new URLSearchParams({ ...(q.enterprise ? { enterprise: q.enterprise } : {}), limit: '1000' })}`,
    ).catch(() => ({ items: [] }));
    const loop = new Map(hazards.items.filter((x) => x.violationId).map((x) => [String(x.violationId), x]));
    const rows = report.permits;
    renderSummary(report);
    renderAuditRows(
      $('audit-table'),
      rows,
      loop,
      (id) => cameraNames.get(id) || id,
      q.region ? (id) => enterpriseNames.get(id) || id : undefined,
    );
    renderPager($('audit-pager'), report, run);
    notice(
      status,
      rows.length ? '' : t('该时段内没有实际作业的作业票。', 'No permits with work in this period.'),
    );
  } catch (e) {
    notice(status, errText(e), 'error');
  }
}

function renderSummary(r) {
  const sm = r.summary;
  const stat = (label, value, id) =>
    h('div', { class: 'stat', id }, h('div', { class: 'muted' }, label), h('strong', {}, String(value)));
  $('audit-summary').replaceChildren(
    h(
      'div',
      { style: { display: 'flex', gap: '32px', flexWrap: 'wrap' } },
      stat(t('作业票', 'Permits'), sm.permits, 's-permits'),
      stat(t('监控覆盖率', 'Coverage'), `${sm.coveragePct}%`, 's-coverage'),
      stat(tx('fully_monitored'), sm.fully_monitored, 's-full'),
      stat(tx('gaps'), sm.gaps, 's-gaps'),
      stat(tx('work_without_monitoring'), sm.work_without_monitoring, 's-without'),
    ),
  );
}

async function start() {
  if (!s) return;
  topBar('监管审计', 'Audit');
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = tx(el.dataset.t);
  const now = new Date();
  // ?enterprise=&from=&to= preselect (the regulator's overview drills down here with them)
  const pre = new URLSearchParams(location.search);
  const at = (k, fallback) => (Number.isNaN(Date.parse(pre.get(k))) ? fallback : new Date(pre.get(k)));
  $('f-to').value = localInput(at('to', new Date(now.getTime() + 60_000)));
  $('f-from').value = localInput(at('from', new Date(now.getTime() - 7 * 86_400_000)));
  try {
    const [ents, regions] = await Promise.all([api('/api/enterprises'), api('/api/regions').catch(() => [])]);
    for (const e of ents) enterpriseNames.set(e.id, e.name);
    fillScopes($('f-enterprise'), ents, regions, pre);
    fillPresets($('f-preset'));
    const cams = await api('/api/live/cameras');
    for (const c of cams.items) cameraNames.set(c.id, `${c.name}（${c.siteName}）`);
  } catch (e) {
    notice($('audit-notice'), errText(e), 'error');
    return;
  }
  $('audit-filters').addEventListener('submit', (ev) => {
    ev.preventDefault();
    run();
  });
  $('f-verdict').addEventListener('change', () => run());
  $('f-enterprise').addEventListener('change', () => run());
  $('f-preset').addEventListener('change', () => {
    if (!$('f-preset').value) return;
    applyPreset($('f-from'), $('f-to'), Number($('f-preset').value), localInput);
    run();
  });
  for (const id of ['f-from', 'f-to']) $(id).addEventListener('input', () => ($('f-preset').value = ''));
  $('export-csv').addEventListener('click', () => startExport($('export-what').value, 'csv', query()));
  $('export-xlsx').addEventListener('click', () => startExport($('export-what').value, 'xlsx', query()));
  await run();
}

start();
