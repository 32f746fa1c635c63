/* global document */
import { api, errText, fmtTime, h, notice, t } from './common.js';

// 执法检查: the regulator records inspections of the region's enterprises (findings become hazards of
// the enterprise at the inspection's 检查环节); the enterprise reads its own here, without any control.
const STAGES = {
  county_check: ['市县检查', 'City/county inspection'],
  cross_check: ['交叉检查', 'Cross-inspection'],
  province_check: ['省级督查', 'Provincial inspection'],
};
const HAZARD = {
  registered: ['已登记', 'Registered'],
  assessed: ['已评估', 'Assessed'],
  dispatched: ['整改中', 'Dispatched'],
  rectified: ['已整改待复核', 'Rectified'],
  verified: ['已复核', 'Verified'],
  closed: ['已销号', 'Closed'],
};
const $ = (id) => document.getElementById(id);
const names = new Map();

const localInput = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
const field = (zh, en, input) => h('label', {}, h('span', {}, t(zh, en)), input);

function findingRow() {
  return h(
    'div',
    { class: 'finding' },
    h('input', {
      class: 'f-desc',
      placeholder: t('发现的隐患（描述）', 'Finding (description)'),
      maxlength: 2000,
    }),
    h('input', {
      class: 'f-type',
      placeholder: t('隐患类别，如 动火作业', 'Type, e.g. hot work'),
      maxlength: 100,
    }),
    h('input', { class: 'f-loc', placeholder: t('部位（可选）', 'Location (optional)'), maxlength: 200 }),
  );
}

function renderForm() {
  const findings = h('div', { class: 'findings', id: 'i-findings' }, findingRow());
  $('insp-form').replaceChildren(
    h('strong', { style: { width: '100%' } }, t('登记执法检查', 'Record an inspection')),
    field(
      '被检查企业',
      'Enterprise',
      h(
        'select',
        { id: 'i-enterprise', required: true },
        [...names].map(([id, name]) => h('option', { value: id }, name)),
      ),
    ),
    field(
      '检查时间',
      'Time',
      h('input', { id: 'i-at', type: 'datetime-local', required: true, value: localInput(new Date()) }),
    ),
    field(
      '检查环节',
      'Stage',
      h(
        'select',
        { id: 'i-stage' },
        Object.entries(STAGES).map(([k, v]) => h('option', { value: k }, t(...v))),
      ),
    ),
    field('检查单位', 'Checking unit', h('input', { id: 'i-unit', required: true, maxlength: 200 })),
    field(
      '检查人员（以、或逗号分隔）',
      'Inspectors (comma separated)',
      h('input', { id: 'i-inspectors', required: true }),
    ),
    field('行政处罚', 'Penalty', h('input', { id: 'i-penalty-text', maxlength: 1000 })),
    field(
      '罚款（万元）',
      'Fine (10k yuan)',
      h('input', { id: 'i-penalty', type: 'number', min: 0, step: '0.0001', value: '0' }),
    ),
    h(
      'label',
      { style: { flexDirection: 'row', alignItems: 'center', gap: '6px' } },
      h('input', { id: 'i-supervised', type: 'checkbox' }),
      t('挂牌督办', 'Supervised (挂牌督办)'),
    ),
    field('督办单位', 'Supervising unit', h('input', { id: 'i-supervising-unit', maxlength: 200 })),
    h(
      'div',
      { style: { width: '100%' } },
      h(
        'span',
        { class: 'muted' },
        t('检查发现的隐患（登记到企业的隐患闭环）', 'Findings (registered as the enterprise’s hazards)'),
      ),
      findings,
    ),
    h(
      'button',
      { type: 'button', id: 'i-add-finding', onclick: () => findings.append(findingRow()) },
      t('+ 添加隐患', '+ Add finding'),
    ),
    h('button', { type: 'submit', class: 'primary', id: 'i-submit' }, t('保存检查记录', 'Save inspection')),
  );
}

function readForm() {
  const findings = [...document.querySelectorAll('#i-findings .finding')]
    .map((r) => ({
      description: r.querySelector('.f-desc').value.trim(),
      hazardType: r.querySelector('.f-type').value.trim() || t('现场管理', 'Site management'),
      location: r.querySelector('.f-loc').value.trim() || undefined,
    }))
    .filter((f) => f.description);
  const supervised = $('i-supervised').checked;
  return {
    enterpriseId: $('i-enterprise').value,
    inspectedAt: new Date($('i-at').value).toISOString(),
    stage: $('i-stage').value,
    checkingUnit: $('i-unit').value.trim(),
    inspectors: $('i-inspectors')
      .value.split(/[,，、;；\s]+/)
      .map((x) => x.trim())
      .filter(Boolean),
    penaltyText: $('i-penalty-text').value.trim() || null,
    penaltyWanYuan: Number($('i-penalty').value || 0),
    supervised,
    supervisingUnit: supervised ? $('i-supervising-unit').value.trim() || null : null,
    findings,
  };
}

const wan = (x) => (x > 0 ? `${x} ${t('万元', '×10k yuan')}` : t('无罚款', 'no fine'));

function renderList(items) {
  if (items.length === 0) {
    $('insp-list').replaceChildren(
      h('p', { class: 'muted' }, t('暂无执法检查记录。', 'No inspections yet.')),
    );
    return;
  }
  $('insp-list').replaceChildren(
    h(
      'table',
      { class: 'data', id: 'insp-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            ['检查时间', 'Time'],
            ['企业', 'Enterprise'],
            ['检查环节', 'Stage'],
            ['检查单位 / 人员', 'Unit / inspectors'],
            ['行政处罚', 'Penalty'],
            ['挂牌督办', 'Supervised'],
            ['发现的隐患', 'Findings'],
          ].map(([zh, en]) => h('th', {}, t(zh, en))),
        ),
      ),
      h(
        'tbody',
        {},
        items.map((i) =>
          h(
            'tr',
            { 'data-inspection': i.id },
            h('td', {}, fmtTime(i.inspectedAt)),
            h('td', {}, names.get(i.enterpriseId) || i.enterpriseId),
            h('td', {}, t(...(STAGES[i.stage] || [i.stage, i.stage]))),
            h('td', {}, i.checkingUnit, h('div', { class: 'muted' }, i.inspectors.join('、'))),
            h(
              'td',
              { class: 'penalty' },
              i.penaltyText || '—',
              h('div', { class: 'muted' }, wan(i.penaltyWanYuan)),
            ),
            h('td', {}, i.supervised ? `${t('是', 'Yes')}：${i.supervisingUnit}` : t('否', 'No')),
            h(
              'td',
              { class: 'findings' },
              i.findings.length === 0
                ? '—'
                : h(
                    'ul',
                    { style: { margin: 0, paddingLeft: '18px' } },
                    i.findings.map((f) =>
                      h('li', {}, `${f.description}（${t(...(HAZARD[f.state] || [f.state, f.state]))}）`),
                    ),
                  ),
            ),
          ),
        ),
      ),
    ),
  );
}

async function loadList() {
  try {
    renderList((await api('/api/inspections?limit=200')).items);
  } catch (e) {
    notice($('insp-notice'), errText(e), 'error');
  }
}

/** Regulators get the form above the list; everyone else only the list (the API refuses their writes). */
export async function startInspections(regulator) {
  // a welder may not list enterprises (enterprise:read): the list then shows ids, which is their own
  for (const e of await api('/api/enterprises').catch(() => [])) names.set(e.id, e.name);
  if (regulator) {
    renderForm();
    $('insp-form').hidden = false;
    $('insp-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const r = await api('/api/inspections', { method: 'POST', body: readForm() });
        notice(
          $('insp-notice'),
          t(
            `已保存检查记录 #${r.id}，登记隐患 ${r.findings.length} 项。`,
            `Inspection #${r.id} saved, ${r.findings.length} finding(s) registered.`,
          ),
        );
        renderForm();
        await loadList();
      } catch (e) {
        notice($('insp-notice'), errText(e), 'error');
      }
    });
  }
  await loadList();
}
