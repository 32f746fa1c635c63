import { api, errText, h, notice, t } from './common.js';
import { fromLocalInput, toLocalInput } from './permit-text.js';
import { catalogueList, photosOf } from './hazards-text.js';

// 登记隐患 from an inspection (a violation is registered from the wall's 派单整改): where, what, which
// 检查环节, the type (a code, shown by name), who checked, on-site photos.

export function renderRegister(ctx) {
  if (!ctx.can('hazard:write')) {
    ctx.go('');
    return;
  }
  const field = (zh, en, input) => h('label', {}, t(zh, en), input);
  const options = (list, selected) =>
    list.map(([v, label]) => h('option', { value: v, selected: v === selected }, label));
  const enterprise = h(
    'select',
    { id: 'hr-enterprise', onchange: () => fillSites() },
    options(ctx.enterpriseIds.map((id) => [id, ctx.enterpriseName(id)])),
  );
  const site = h('select', { id: 'hr-site' });
  const fillSites = () =>
    site.replaceChildren(
      h('option', { value: '' }, t('（不限）', '(none)')),
      ...options(ctx.sites.filter((x) => x.enterpriseId === enterprise.value).map((x) => [x.id, x.name])),
    );
  fillSites();
  const named = (kind) => catalogueList(kind).map((x) => [x.code, t(x.zh, x.en)]);
  const stage = h('select', { id: 'hr-stage' }, options(named('stages'), 'self_check'));
  const type = h('select', { id: 'hr-type' }, options(named('types'), 'other'));
  const text = (id, max, value = '') => h('input', { id, maxlength: max, value });
  const description = h('textarea', { id: 'hr-description', rows: 3, required: true, maxlength: 2000 });
  const checker = text('hr-checker', 100, ctx.me.displayName);
  checker.required = true;
  const location = text('hr-location', 200);
  const basis = text('hr-basis', 1000);
  const foundAt = h('input', { id: 'hr-found', type: 'datetime-local', value: toLocalInput(Date.now()) });
  const photos = h('input', {
    id: 'hr-photos',
    type: 'file',
    accept: 'image/jpeg,image/png,image/*',
    capture: 'environment',
    multiple: true,
  });
  const out = h('p', { class: 'notice', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('登记', 'Register'));
  const optional = (v) => (v.trim() ? v.trim() : undefined);

  const form = h(
    'form',
    {
      id: 'hz-register',
      class: 'form-grid',
      onsubmit: async (e) => {
        e.preventDefault();
        submit.disabled = true;
        try {
          const hz = await api('/api/hazards', {
            method: 'POST',
            body: {
              enterpriseId: enterprise.value,
              siteId: site.value || undefined,
              source: 'inspection',
              stage: stage.value,
              checker: checker.value.trim(),
              description: description.value.trim(),
              location: optional(location.value),
              basis: optional(basis.value),
              hazardType: type.value,
              foundAt: foundAt.value ? fromLocalInput(foundAt.value) : undefined,
              photos: await photosOf(photos),
            },
          });
          ctx.go(`#h/${hz.id}`);
        } catch (err) {
          notice(out, errText(err), 'error');
          submit.disabled = false;
        }
      },
    },
    h('h2', {}, t('登记隐患', 'Register a hazard')),
    field('企业', 'Enterprise', enterprise),
    field('场所', 'Site', site),
    field('检查环节', 'Stage', stage),
    field('隐患类型', 'Type', type),
    field('隐患描述', 'Description', description),
    field('位置', 'Location', location),
    field('检查依据', 'Basis', basis),
    field('检查人', 'Checker', checker),
    field('发现时间（北京时间）', 'Found (Beijing time)', foundAt),
    field('现场照片', 'On-site photos', photos),
    h('div', { class: 'actions' }, submit, h('a', { href: '#', class: 'button' }, t('取消', 'Cancel'))),
    out,
  );
  ctx.view.replaceChildren(form);
}
