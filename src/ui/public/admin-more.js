import { api, fmtTime, h, t, ROLE_NAMES } from './common.js';

// Admin tabs for 加锁赋码 locks, special-operation certificates, and users and roles.

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
  const [list, cams] = await Promise.all([api('/api/locks'), api('/api/live/cameras')]);
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
      [t('门锁', 'Lock'), t('锁码', 'Code'), t('摄像头', 'Camera'), t('状态', 'State')],
      list.map((l) =>
        h(
          'tr',
          { 'data-lock': l.id },
          h('td', {}, `${l.name} (${l.id})`),
          h('td', {}, l.code),
          h('td', {}, cams.items.find((c) => c.id === l.cameraId)?.name || l.cameraId),
          h('td', {}, h('span', { class: 'badge' }, l.state)),
        ),
      ),
    ),
  );
}

export async function certificatesTab(ctx) {
  const list = await api('/api/certificates');
  const date = () => h('input', { type: 'date', required: true });
  const fields = {
    username: ['人员账号', 'Username', h('input', { required: true, placeholder: 'welder' })],
    number: ['证号', 'Number', h('input', { required: true, minlength: 4 })],
    issuedAt: ['发证日期', 'Issued', date()],
    expiresAt: ['有效期至', 'Expires', date()],
  };
  ctx.body().replaceChildren(
    form(fields, t('登记特种作业操作证', 'Register certificate'), (v) =>
      ctx.guarded(async () => {
        const day = (d) => new Date(`${d}T00:00:00+08:00`).toISOString();
        await api('/api/certificates', {
          method: 'POST',
          body: {
            username: v.username,
            number: v.number,
            issuedAt: day(v.issuedAt),
            expiresAt: day(v.expiresAt),
          },
        });
        await certificatesTab(ctx);
      }),
    ),
    ctx.table(
      [t('人员', 'Person'), t('证号', 'Number'), t('有效期至', 'Expires'), t('状态', 'State')],
      list.map((c) =>
        h(
          'tr',
          {},
          h('td', {}, `#${c.userId}`),
          h('td', {}, `${c.number}（${c.category}）`),
          h('td', {}, fmtTime(c.expiresAt)),
          h('td', {}, c.revoked ? t('已注销', 'Revoked') : t('有效', 'Valid')),
        ),
      ),
    ),
  );
}

export async function usersTab(ctx) {
  const me = ctx.user();
  const role = ROLE_NAMES[me.role];
  ctx.body().replaceChildren(
    h(
      'div',
      { class: 'card' },
      h(
        'p',
        {},
        `${t('当前用户', 'Signed in as')}: ${me.displayName}（${me.username}，${t(role[0], role[1])}）`,
      ),
      h(
        'p',
        { class: 'muted' },
        t(
          '用户与角色在配置文件 users 段维护（启动时同步，密码以 argon2 哈希或环境变量提供）；服务尚未提供用户管理接口。',
          'Users and roles are kept in the config file (users section, synced at start; passwords as argon2 hashes or environment variables); the service has no user-management API yet.',
        ),
      ),
      h(
        'table',
        { class: 'data' },
        h(
          'tbody',
          {},
          Object.entries(ROLE_NAMES).map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', {}, t(v[0], v[1])))),
        ),
      ),
    ),
  );
}
