import { api, h, notice, t } from './common.js';
import { kindList, kindSummary } from './permit-kinds.js';
import { fromLocalInput, refusalText, toLocalInput } from './permit-text.js';

// 申请人 (安全员 / 管理员): a new permit. The measures are the kind's checklist (GET /api/permit-kinds
// `measuresChecklist`, each ticked by default) plus free lines; cameras and machines are those of the
// chosen site. "提交审批" creates and submits in one go; "保存草稿" only creates.

const splitNames = (v) =>
  v
    .split(/[\s,，、]+/)
    .map((x) => x.trim())
    .filter(Boolean);

export async function renderCreate(ctx) {
  if (!ctx.can('permit:create')) {
    ctx.go('');
    return;
  }
  const kinds = kindList();
  const now = Date.now();
  const $ = (id) => form.querySelector(`#${id}`);
  const names = (role) => ctx.users.filter((u) => u.role === role && !u.disabled).map((u) => u.username);
  const datalist = (id, items) =>
    h(
      'datalist',
      { id },
      items.map((v) => h('option', { value: v })),
    );
  const field = (zh, en, input) => h('label', {}, t(zh, en), input);

  const levelSelect = h('select', { id: 'pc-level', name: 'level' });
  const checklist = h('div', { id: 'pc-checklist', class: 'checklist' });
  const cameraBox = h('div', { id: 'pc-cameras', class: 'checklist' });
  const machineBox = h('div', { id: 'pc-machines', class: 'checklist' });

  const ticks = (box, items, name) =>
    box.replaceChildren(
      ...(items.length
        ? items.map(([value, label, checked]) =>
            h(
              'label',
              { class: 'tick' },
              h('input', { type: 'checkbox', name, value, checked }),
              ` ${label}`,
            ),
          )
        : [h('span', { class: 'muted' }, t('无', 'None'))]),
    );

  function onKind() {
    const k = kindSummary($('pc-kind').value);
    levelSelect.replaceChildren(
      ...(k?.levels || []).map((l) => h('option', { value: l.id }, t(l.name.zh, l.name.en))),
    );
    levelSelect.closest('label').hidden = !k?.levels?.length;
    const list = Array.isArray(k?.measuresChecklist) ? k.measuresChecklist : [];
    ticks(
      checklist,
      list.map((m) => [m.zh, t(m.zh, m.en), true]),
      'measure',
    );
  }
  function onSite() {
    const site = $('pc-site').value;
    ticks(
      cameraBox,
      ctx.cameras.filter((c) => !site || c.siteId === site).map((c) => [c.id, `${c.name} (${c.id})`, false]),
      'camera',
    );
    ticks(
      machineBox,
      ctx.machines.filter((m) => !site || m.siteId === site).map((m) => [m.id, `${m.name} (${m.id})`, false]),
      'machine',
    );
  }

  const out = h('p', { id: 'pc-result', class: 'notice', hidden: true });
  const form = h(
    'form',
    { id: 'permit-create', class: 'card form-grid' },
    h('h2', {}, t('新建作业票', 'New permit')),
    field(
      '厂区',
      'Site',
      h(
        'select',
        { id: 'pc-site', onchange: onSite },
        ctx.sites.map((x) => h('option', { value: x.id }, x.name)),
      ),
    ),
    field(
      '作业类型',
      'Kind of work',
      h(
        'select',
        { id: 'pc-kind', onchange: onKind },
        kinds.map((k) => h('option', { value: k.id }, t(k.name.zh, k.name.en))),
      ),
    ),
    field('级别', 'Level', levelSelect),
    field('作业地点', 'Place', h('input', { id: 'pc-location', required: true, maxlength: 200 })),
    field('作业内容', 'Description', h('textarea', { id: 'pc-description', rows: 2, maxlength: 2000 })),
    field(
      '开始时间（北京时间）',
      'From (Beijing time)',
      h('input', { id: 'pc-from', type: 'datetime-local', value: toLocalInput(now) }),
    ),
    field(
      '结束时间（北京时间）',
      'To (Beijing time)',
      h('input', { id: 'pc-to', type: 'datetime-local', value: toLocalInput(now + 4 * 3600_000) }),
    ),
    field(
      '作业人员（用户名，逗号分隔）',
      'Workers (usernames)',
      h('input', { id: 'pc-workers', list: 'dl-workers', required: true }),
    ),
    datalist('dl-workers', names('welder')),
    field('监护人', 'Guardian', h('input', { id: 'pc-guardian', list: 'dl-guardians' })),
    datalist('dl-guardians', names('guardian')),
    h(
      'fieldset',
      {},
      h('legend', {}, t('监控摄像头（无监控不作业）', 'Cameras (no monitoring, no work)')),
      cameraBox,
    ),
    h('fieldset', {}, h('legend', {}, t('焊机（一机一码）', 'Welding machines')), machineBox),
    h(
      'label',
      { class: 'tick' },
      h('input', { id: 'pc-toxic', type: 'checkbox' }),
      ` ${t('存在有毒有害气体风险（H₂S/CO/CO₂）', 'Toxic gas risk (H₂S/CO/CO₂)')}`,
    ),
    h('fieldset', {}, h('legend', {}, t('安全措施', 'Safety measures')), checklist),
    field(
      '其他安全措施（每行一条）',
      'More measures (one per line)',
      h('textarea', { id: 'pc-measures', rows: 3 }),
    ),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'submit', class: 'primary big', id: 'pc-submit', value: 'submit' },
        t('提交审批', 'Submit for approval'),
      ),
      h('button', { type: 'submit', id: 'pc-draft', value: 'draft' }, t('保存草稿', 'Save draft')),
      h('a', { href: '#', class: 'button' }, t('取消', 'Cancel')),
    ),
    out,
  );

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const submit = ev.submitter?.value !== 'draft';
    const checked = (name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
    const k = kindSummary($('pc-kind').value);
    const body = {
      siteId: $('pc-site').value,
      kind: $('pc-kind').value,
      ...(k?.levels?.length ? { level: levelSelect.value } : {}),
      location: $('pc-location').value.trim(),
      description: $('pc-description').value.trim(),
      validFrom: fromLocalInput($('pc-from').value),
      validTo: fromLocalInput($('pc-to').value),
      workers: splitNames($('pc-workers').value),
      ...($('pc-guardian').value.trim() ? { guardian: $('pc-guardian').value.trim() } : {}),
      cameraIds: checked('camera'),
      machineIds: checked('machine'),
      toxicRisk: $('pc-toxic').checked,
      measures: [
        ...checked('measure'),
        ...$('pc-measures')
          .value.split('\n')
          .map((x) => x.trim())
          .filter(Boolean),
      ],
    };
    for (const b of form.querySelectorAll('button')) b.disabled = true;
    let created = null;
    try {
      created = await api('/api/permits', { method: 'POST', body });
      if (submit) await api(`/api/permits/${created.id}/submit`, { method: 'POST' });
      ctx.go(`#p/${encodeURIComponent(created.id)}`);
    } catch (e) {
      // a refused submit leaves a draft: say so, and open it to fix and submit again
      notice(
        out,
        `${created ? t('已保存草稿，提交被拒绝：', 'Saved as a draft; submit refused: ') : ''}${refusalText(e, { camera: ctx.cameraName })}`,
        'error',
      );
      for (const b of form.querySelectorAll('button')) b.disabled = false;
      if (created)
        out.append(
          ' ',
          h('a', { href: `#p/${encodeURIComponent(created.id)}` }, t('打开草稿', 'Open the draft')),
        );
    }
  });

  ctx.view.replaceChildren(form);
  onKind();
  onSite();
}
