/* global document, location, URLSearchParams */
// 一企一档: the enterprise admin edits its record; regulators and the enterprise's other people read it.
// The grade, its override and the region's 分级分类台账 are in enterprise-grade.js.
import { api, errText, h, notice, requireSession, t, topBar } from './common.js';
import { fill, renderGrade, renderRegion } from './enterprise-grade.js';

const s = requireSession(['enterprise_admin', 'regulator', 'safety_officer']);
const $ = (id) => document.getElementById(id);
const editable = s?.user.role === 'enterprise_admin';
let codes = null;
let record = null;

/** A select of a code list ({code: {zh, en}}), with an empty choice. */
function codeSelect(name, list, value, attrs = {}) {
  return h(
    'select',
    { name, disabled: !editable, ...attrs },
    h('option', { value: '' }, '—'),
    Object.entries(list).map(([code, n]) =>
      h('option', { value: code, selected: code === value }, t(n.zh, n.en)),
    ),
  );
}
const input = (name, value, attrs = {}) =>
  h('input', { name, value: value ?? '', readonly: !editable, ...attrs });
const field = (zh, en, el) => h('label', {}, h('span', {}, t(zh, en)), el);

/** One register (a list of objects): its rows, and add / remove when editable. */
function register(titleZh, titleEn, key, columns) {
  const rows = h('div', {});
  const addRow = (item = {}) =>
    rows.append(
      h(
        'div',
        { class: 'register-row', 'data-register': key },
        columns.map(([f, zh, en, make]) => field(zh, en, make(f, item[f]))),
        editable
          ? h(
              'button',
              { type: 'button', onclick: (e) => e.target.closest('.register-row').remove() },
              t('删除', 'Remove'),
            )
          : null,
      ),
    );
  for (const item of record[key]) addRow(item);
  return h(
    'fieldset',
    { class: 'register' },
    h('legend', {}, t(titleZh, titleEn)),
    rows,
    editable ? h('button', { type: 'button', onclick: () => addRow() }, t('添加', 'Add')) : null,
    !editable && record[key].length === 0 ? h('p', { class: 'muted' }, t('（未填写）', '(none)')) : null,
  );
}

const list = (f, v) => input(f, (v || []).join('、'), { placeholder: t('用顿号分隔', 'separate with 、') });
const text = (f, v) => input(f, v);

function renderRecord() {
  const form = $('record-form');
  fill(
    form,
    h('h2', {}, `${record.name} · ${t('企业档案', 'Enterprise record')}`),
    h(
      'div',
      { class: 'record-grid' },
      field(
        '统一社会信用代码',
        'Credit code',
        input('creditCode', record.creditCode, { maxlength: 18, id: 'f-credit' }),
      ),
      field('所在辖区', 'Region', h('input', { value: record.regionName, readonly: true })),
      field('地址', 'Address', input('address', record.address, { maxlength: 200 })),
      field('行业类别', 'Industry', codeSelect('industryClass', codes.industryClasses, record.industryClass)),
      field('企业规模', 'Size', codeSelect('scale', codes.scales, record.scale)),
      field(
        '规模以上',
        'Above designated size',
        codeSelect(
          'aboveDesignatedSize',
          { true: { zh: '规上', en: 'Yes' }, false: { zh: '规下', en: 'No' } },
          String(record.aboveDesignatedSize),
        ),
      ),
      field('主要危险因素', 'Main hazards', list('mainHazards', record.mainHazards)),
    ),
    register('有限空间台账', 'Confined spaces', 'confinedSpaces', [
      ['name', '名称', 'Name', text],
      ['location', '位置', 'Location', text],
      ['medium', '介质', 'Medium', text],
      ['hazards', '危险因素', 'Hazards', list],
    ]),
    register('煤气区域台账', 'Gas areas', 'gasAreas', [
      ['name', '名称', 'Name', text],
      ['location', '位置', 'Location', text],
      ['level', '区域类别', 'Class', (f, v) => codeSelect(f, codes.gasAreaClasses, v, { required: true })],
    ]),
    register('联系人', 'Contacts', 'contacts', [
      ['name', '姓名', 'Name', text],
      ['role', '职务', 'Role', (f, v) => codeSelect(f, codes.contactRoles, v, { required: true })],
      ['phone', '电话', 'Phone', (f, v) => input(f, v, { type: 'tel', inputmode: 'tel' })],
    ]),
    editable
      ? h('button', { type: 'submit', class: 'primary', id: 'record-save' }, t('保存档案', 'Save record'))
      : null,
  );
  $('e-version').textContent = record.version
    ? t(`第 ${record.version} 版 · ${record.updatedBy}`, `version ${record.version} · ${record.updatedBy}`)
    : t('尚未填写', 'not filled in yet');
}

const split = (v) =>
  v
    .split(/[、,，;；]/)
    .map((x) => x.trim())
    .filter(Boolean);
const orNull = (v) => (v === '' ? null : v);

/** The form as the PATCH body (every field: the record is saved whole, against the version read). */
function collect() {
  const f = $('record-form');
  const val = (n) => f.querySelector(`[name="${n}"]`).value.trim();
  const rows = (key, map) =>
    [...f.querySelectorAll(`[data-register="${key}"]`)].map((row) => {
      const get = (n) => row.querySelector(`[name="${n}"]`).value.trim();
      return map(get);
    });
  const above = val('aboveDesignatedSize');
  return {
    version: record.version,
    creditCode: orNull(val('creditCode')),
    address: orNull(val('address')),
    industryClass: orNull(val('industryClass')),
    scale: orNull(val('scale')),
    aboveDesignatedSize: above === '' ? null : above === 'true',
    mainHazards: split(val('mainHazards')),
    confinedSpaces: rows('confinedSpaces', (g) => ({
      name: g('name'),
      location: g('location'),
      medium: g('medium'),
      hazards: split(g('hazards')),
    })),
    gasAreas: rows('gasAreas', (g) => ({ name: g('name'), location: g('location'), level: g('level') })),
    contacts: rows('contacts', (g) => ({ name: g('name'), role: g('role'), phone: g('phone') })),
  };
}

/** A regulator's region: every enterprise's grade and the 分级分类台账. */
function showRegion() {
  if (s.user.role === 'regulator' && s.user.regionId)
    renderRegion($('region-card'), s.user.regionId, load).catch((e) =>
      notice($('e-notice'), errText(e), 'error'),
    );
}

async function load(id) {
  const status = $('e-notice');
  try {
    record = await api(`/api/enterprises/${encodeURIComponent(id)}/record`);
    renderRecord();
    await renderGrade($('grade-card'), id, s.user.role === 'regulator', showRegion);
    notice(status, '');
  } catch (e) {
    notice(status, errText(e), 'error');
  }
}

async function main() {
  if (!s) return;
  topBar('企业档案', 'Enterprise record');
  $('l-enterprise').textContent = t('企业', 'Enterprise');
  codes = await api('/api/enterprise-codes');
  const enterprises = await api('/api/enterprises');
  const wanted = new URLSearchParams(location.search).get('id');
  const sel = $('e-select');
  sel.replaceChildren(
    ...enterprises.map((e) => h('option', { value: e.id, selected: e.id === wanted }, e.name)),
  );
  sel.addEventListener('change', () => load(sel.value));
  $('record-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      record = await api(`/api/enterprises/${encodeURIComponent(record.enterpriseId)}/record`, {
        method: 'PATCH',
        body: collect(),
      });
      renderRecord();
      notice($('e-notice'), t('已保存。', 'Saved.'), 'ok');
    } catch (e) {
      notice($('e-notice'), errText(e), 'error');
    }
  });
  showRegion();
  if (sel.value) await load(sel.value);
}

main();
