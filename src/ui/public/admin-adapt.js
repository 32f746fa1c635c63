/* global document, setTimeout */
// 现场学习 (site learning, #28) on the admin screen: how many no-hard-hat violations the officers have
// confirmed or dismissed, a button that retrains the hard-hat model's last layer on them (adopted only
// if the held-back crops agree better with the officers and the shipped figure holds), every version
// with its figures, and one-click rollback to the version in use before.
import { api, errText, fmtTime, h, session, t } from './common.js';

const BASE = '/api/admin/models/ppe-hardhat';
const f3 = (v) => (Number.isFinite(v) ? v.toFixed(3) : '—');

function versionRow(v, inUse) {
  const state = v.adopted
    ? v.rolledBackAt
      ? t('已回退', 'Rolled back')
      : t('已采用', 'Adopted')
    : t('未采用', 'Not adopted');
  return h(
    'tr',
    { 'data-version': String(v.version), class: v.version === inUse ? 'in-use' : '' },
    h('td', {}, `v${v.version}`),
    h('td', {}, fmtTime(v.createdAt)),
    h('td', {}, v.version === inUse ? `${state} · ${t('使用中', 'in use')}` : state),
    h('td', {}, `${f3(v.before.site)} → ${f3(v.after.site)}`),
    h('td', {}, `${f3(v.before.shipped)} → ${f3(v.after.shipped)}`),
    h('td', {}, `${v.data.siteTrain} + ${v.data.siteHeld}`),
    h('td', { class: 'muted' }, v.reason),
  );
}

async function render(slot, note = '') {
  let s;
  try {
    s = await api(`${BASE}/site`);
  } catch (e) {
    // a box shared with another enterprise: say why there is nothing to run (the box operator runs
    // `jianhu adapt`); not an admin, or the service down: the rest of the page says so
    if (e?.code === 'JH_ERR_ADAPT_SHARED_BOX')
      slot.replaceChildren(
        h(
          'details',
          { class: 'adapt-panel', open: true },
          h('summary', {}, t('安全帽模型 · 现场学习', 'Hard-hat model · site learning')),
          h('p', { id: 'adapt-status', class: 'muted' }, errText(e)),
        ),
      );
    return;
  }
  const status = h('p', { id: 'adapt-status', class: 'muted' }, note);
  const run = h(
    'button',
    {
      id: 'adapt-run',
      class: 'primary',
      disabled: s.running,
      onclick: async () => {
        run.disabled = true;
        try {
          await api(`${BASE}/adapt`, { method: 'POST' });
          status.textContent = t('学习中…', 'Learning…');
          poll(slot);
        } catch (e) {
          status.textContent = errText(e);
          run.disabled = false;
        }
      },
    },
    s.running ? t('学习中…', 'Learning…') : t('现场学习', 'Learn from this site'),
  );
  const back = h(
    'button',
    {
      id: 'adapt-rollback',
      disabled: s.running || s.inUse === null,
      onclick: async () => {
        try {
          await api(`${BASE}/rollback`, { method: 'POST' });
          await render(slot, t('已回退到上一版本。', 'Rolled back to the previous version.'));
        } catch (e) {
          status.textContent = errText(e);
        }
      },
    },
    t('回退到上一版本', 'Roll back'),
  );
  const head = [
    '版本 Version',
    '时间 Time',
    '状态 State',
    '现场一致率 Site',
    '随附验证 AP Shipped',
    '截图 Crops',
    '说明 Why',
  ];
  slot.replaceChildren(
    h(
      'details',
      { class: 'adapt-panel', open: true },
      h('summary', {}, t('安全帽模型 · 现场学习', 'Hard-hat model · site learning')),
      h(
        'p',
        {},
        h(
          'span',
          { id: 'adapt-in-use' },
          s.inUse === null
            ? t('使用中：随版本发布的模型', 'In use: the shipped model')
            : `${t('使用中：现场版本', 'In use: site version')} v${s.inUse}`,
        ),
        ' · ',
        t(
          `已复核截图 ${s.crops.confirmed} 确认 / ${s.crops.dismissed} 驳回（至少 ${s.minCrops}），待复核 ${s.crops.pending}`,
          `reviewed crops ${s.crops.confirmed} confirmed / ${s.crops.dismissed} dismissed (needs ${s.minCrops}), ${s.crops.pending} pending`,
        ),
      ),
      h('p', {}, run, ' ', back),
      status,
      s.lastError ? h('p', { class: 'error' }, s.lastError) : null,
      s.versions.length
        ? h(
            'table',
            { id: 'adapt-versions' },
            h('thead', {}, h('tr', {}, ...head.map((c) => h('th', {}, c)))),
            h('tbody', {}, ...[...s.versions].reverse().map((v) => versionRow(v, s.inUse))),
          )
        : null,
    ),
  );
  return s;
}

/** While a run is going: refresh every 2 s until it ends. */
function poll(slot) {
  setTimeout(async () => {
    const s = await render(slot, t('学习中…', 'Learning…'));
    if (s?.running) poll(slot);
    else if (s) {
      const last = s.versions.at(-1);
      const msg = s.lastError
        ? t('学习失败。', 'Learning failed.')
        : last?.adopted
          ? t(`已采用 v${last.version}，检测已切换。`, `v${last.version} adopted; detection switched to it.`)
          : t('新版本未通过检验，未采用。', 'The new version did not pass the check and was not adopted.');
      await render(slot, msg);
    }
  }, 2_000);
}

const s = session();
if (s?.user.role === 'enterprise_admin') {
  const slot = h('section', { id: 'admin-adapt' });
  document.querySelector('main')?.append(slot);
  void render(slot);
}
