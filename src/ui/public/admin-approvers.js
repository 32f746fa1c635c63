/* global document */
import { api, errText, h, notice, session, t } from './common.js';
import { closeZoneEditor } from './admin-zones.js';
import { AUTHORITIES, authorityText } from './permit-text.js';

// 审批权限 on the admin page: each approver's authority (作业所在单位 / 安全管理部门 / 主管领导), which
// decides the levels they may approve (特级动火: 主管领导). Loaded by admin.html after admin.js; it adds
// its own tab next to admin.js's and draws into the same body.
const $ = (id) => document.getElementById(id);

async function approversTab() {
  const users = (await api('/api/users')).filter((u) => u.role === 'approver' && !u.disabled);
  const rows = await Promise.all(
    users.map(async (u) => {
      const { authority } = await api(`/api/approvers/${encodeURIComponent(u.username)}/authority`);
      const select = h(
        'select',
        { id: `authority-${u.username}` },
        h('option', { value: '' }, t('（未授权）', '(none)')),
        Object.keys(AUTHORITIES).map((a) =>
          h('option', { value: a, selected: a === authority }, authorityText(a)),
        ),
      );
      const save = async () => {
        if (!select.value) return;
        try {
          await api(`/api/approvers/${encodeURIComponent(u.username)}/authority`, {
            method: 'PUT',
            body: { authority: select.value },
          });
          notice($('admin-notice'), `${u.displayName}：${authorityText(select.value)}`, 'ok');
        } catch (e) {
          notice($('admin-notice'), errText(e), 'error');
        }
      };
      return h(
        'tr',
        { 'data-approver': u.username },
        h('td', {}, `${u.displayName} (${u.username})`),
        h('td', {}, authority ? authorityText(authority) : '—'),
        h(
          'td',
          {},
          select,
          ' ',
          h('button', { id: `authority-save-${u.username}`, onclick: save }, t('保存', 'Save')),
        ),
      );
    }),
  );
  $('admin-body').replaceChildren(
    h(
      'p',
      { class: 'muted' },
      t(
        '特级动火由主管领导审批，一级由安全管理部门审批，二级及受限空间由作业所在单位审批。',
        'Special hot work: the leader in charge; level 1: the safety department; level 2 and confined space: the unit.',
      ),
    ),
    h(
      'table',
      { class: 'data', id: 'approvers-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [t('审批人', 'Approver'), t('当前权限', 'Authority now'), t('设置', 'Set')].map((x) =>
            h('th', {}, x),
          ),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}

function show() {
  closeZoneEditor();
  for (const b of $('admin-tabs').children) b.classList.toggle('primary', b.dataset.tab === 'approvers');
  notice($('admin-notice'), '');
  approversTab().catch((e) => notice($('admin-notice'), errText(e), 'error'));
}

if (session()?.user.role === 'enterprise_admin' && $('admin-tabs')) {
  $('admin-tabs').append(h('button', { 'data-tab': 'approvers', onclick: show }, t('审批权限', 'Approvers')));
}
