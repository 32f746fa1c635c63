import { api, h, t, ROLE_NAMES } from './common.js';
import { credentialCell, loadCredentials } from './admin-devices.js';

// Admin tabs for 加锁赋码 locks and users and roles (special-operation certificates: admin-certificates.js).

/** A one-line registration form: fields [zh, en, element]; `submit` gets the values by key. */
function form(fields, label, submit) {
  return h(
    'form',
    {
      class: 'filters card',
      onsubmit: (ev) => {
        ev.preventDefault();
        submit(Object.fromEntries(Object.entries(fields).map(([k, [, , el]]) => [k, el.value.trim()])));
      },
    },
    Object.values(fields).map(([zh, en, el]) => h('label', {}, t(zh, en), el)),
    h('button', { class: 'primary', type: 'submit' }, label),
  );
}

export async function locksTab(ctx) {
  const [list, cams, creds] = await Promise.all([
    api('/api/locks'),
    api('/api/live/cameras'),
    loadCredentials(),
  ]);
  const fields = {
    id: ['编号', 'Id', h('input', { required: true, placeholder: 'L1' })],
    name: [
      '名称',
      'Name',
      h('input', { required: true, placeholder: t('2号钢包入口锁', 'Ladle 2 entrance lock') }),
    ],
    code: ['锁码', 'Lock code', h('input', { required: true, minlength: 4 })],
    cameraId: [
      '入口摄像头',
      'Entrance camera',
      h(
        'select',
        {},
        cams.items.map((c) => h('option', { value: c.id }, c.name)),
      ),
    ],
  };
  ctx.body().replaceChildren(
    form(fields, t('登记门锁', 'Register lock'), (v) =>
      ctx.guarded(async () => {
        const cam = cams.items.find((c) => c.id === v.cameraId);
        await api('/api/locks', { method: 'POST', body: { ...v, siteId: cam.siteId } });
        await locksTab(ctx);
      }),
    ),
    ctx.table(
      [
        t('门锁', 'Lock'),
        t('锁码', 'Code'),
        t('摄像头', 'Camera'),
        t('状态', 'State'),
        t('门锁 MQTT 凭据', 'Lock MQTT credential'),
      ],
      list.map((l) =>
        h(
          'tr',
          { 'data-lock': l.id },
          h('td', {}, `${l.name} (${l.id})`),
          h('td', {}, l.code),
          h('td', {}, cams.items.find((c) => c.id === l.cameraId)?.name || l.cameraId),
          h('td', {}, h('span', { class: 'badge' }, l.state)),
          credentialCell(ctx, creds, 'lock', l.id, () => locksTab(ctx)),
        ),
      ),
    ),
  );
}

// The certificates tab lives in its own file; admin.js takes it from here.
export { certificatesTab } from './admin-certificates.js';

export async function usersTab(ctx) {
  const me = ctx.user();
  const list = await api('/api/users');
  const roles = Object.entries(ROLE_NAMES).filter(([k]) => k !== 'regulator');
  const roleSelect = (value, attrs = {}) =>
    h(
      'select',
      attrs,
      roles.map(([k, v]) => h('option', { value: k, selected: k === value }, t(v[0], v[1]))),
    );
  const patch = (id, body) =>
    ctx.guarded(async () => {
      await api(`/api/users/${id}`, { method: 'PATCH', body });
      await usersTab(ctx);
    });
  const fields = {
    username: ['账号', 'Username', h('input', { required: true, pattern: '[A-Za-z0-9_.\\-]{2,64}' })],
    displayName: ['姓名', 'Name', h('input', { required: true })],
    role: ['角色', 'Role', roleSelect('welder')],
    password: [
      '初始密码',
      'Initial password',
      h('input', { type: 'password', required: true, minlength: 8 }),
    ],
  };
  ctx.body().replaceChildren(
    form(fields, t('新建用户', 'Create user'), (v) =>
      ctx.guarded(async () => {
        await api('/api/users', { method: 'POST', body: v });
        await usersTab(ctx);
      }),
    ),
    h(
      'p',
      { class: 'muted' },
      t(
        '配置文件 users 段中的用户在每次启动时按配置同步；停用或改密码会立即使其所有登录失效。监管用户在配置文件中维护。',
        'Users listed in the config file are re-synced from it at every start; disabling or a new password signs the user out everywhere. Regulators are kept in the config file.',
      ),
    ),
    ctx.table(
      [t('账号', 'Username'), t('姓名', 'Name'), t('角色', 'Role'), t('状态', 'State'), t('操作', 'Actions')],
      list.map((u) =>
        h(
          'tr',
          { 'data-user': u.username },
          h('td', {}, u.username),
          h('td', {}, u.displayName),
          h(
            'td',
            {},
            u.userId === me.userId
              ? t(ROLE_NAMES[u.role][0], ROLE_NAMES[u.role][1])
              : roleSelect(u.role, { onchange: (ev) => patch(u.userId, { role: ev.target.value }) }),
          ),
          h('td', {}, u.disabled ? t('已停用', 'Disabled') : t('启用', 'Active')),
          h(
            'td',
            {},
            u.userId === me.userId
              ? ''
              : h(
                  'button',
                  {
                    class: u.disabled ? '' : 'danger',
                    onclick: () => patch(u.userId, { disabled: !u.disabled }),
                  },
                  u.disabled ? t('启用', 'Enable') : t('停用', 'Disable'),
                ),
          ),
        ),
      ),
    ),
  );
}
