/* global document, URLSearchParams, location, history */
import { api, errText, h, notice, requireSession, t, topBar, session } from './common.js';
import { closeZoneEditor, openZoneEditor } from './admin-zones.js';
import { certificatesTab, locksTab, usersTab } from './admin-more.js';
import { credentialCell, loadCredentials } from './admin-devices.js';
import { publicReportTab } from './admin-public-report.js';
import { camerasTab } from './admin-cameras.js';

// 企业管理员: cameras (URL test, zone drawing), welding machines and their QR labels, locks,
// certificates, users and roles — each backed by the module's own API.
const s = requireSession(['enterprise_admin']);
const $ = (id) => document.getElementById(id);
const body = () => $('admin-body');
const status = () => $('admin-notice');

const table = (heads, rows) =>
  h(
    'table',
    { class: 'data' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        heads.map((x) => h('th', {}, x)),
      ),
    ),
    h('tbody', {}, rows),
  );

async function guarded(fn) {
  notice(status(), '');
  try {
    await fn();
  } catch (e) {
    notice(status(), errText(e), 'error');
  }
}

async function cameras() {
  await camerasTab(body(), {
    table,
    guarded,
    rerender: cameras,
    saved: async (message) => {
      await cameras();
      notice(status(), `${t('已保存', 'Saved')} ${message}`);
    },
    openZones: (c) => openZoneEditor(body(), c, status()),
  });
}

async function machines() {
  const [list, creds] = await Promise.all([api('/api/machines'), loadCredentials()]);
  const cams = (await api('/api/live/cameras')).items;
  const f = {
    id: h('input', { required: true, pattern: '[A-Za-z0-9][A-Za-z0-9_\\-]{0,63}', placeholder: 'M1' }),
    name: h('input', { required: true, placeholder: t('1号焊机', 'Welder 1') }),
    camera: h(
      'select',
      {},
      cams.map((c) => h('option', { value: c.id }, c.name)),
    ),
    lat: h('input', { type: 'number', step: 'any', required: true }),
    lon: h('input', { type: 'number', step: 'any', required: true }),
  };
  const form = h(
    'form',
    {
      class: 'filters card',
      onsubmit: (ev) => {
        ev.preventDefault();
        const cam = cams.find((c) => c.id === f.camera.value);
        guarded(async () => {
          await api('/api/machines', {
            method: 'POST',
            body: {
              id: f.id.value,
              name: f.name.value,
              siteId: cam.siteId,
              cameraId: cam.id,
              lat: Number(f.lat.value),
              lon: Number(f.lon.value),
            },
          });
          await machines();
        });
      },
    },
    ...[
      ['编号', 'Id', f.id],
      ['名称', 'Name', f.name],
      ['摄像头', 'Camera', f.camera],
      ['纬度', 'Latitude', f.lat],
      ['经度', 'Longitude', f.lon],
    ].map(([zh, en, el]) => h('label', {}, t(zh, en), el)),
    h('button', { class: 'primary', type: 'submit' }, t('登记焊机', 'Register machine')),
  );
  const act = (id, what) =>
    guarded(async () => {
      await api(`/api/machines/${encodeURIComponent(id)}/qr/${what}`, { method: 'POST' });
      await machines();
    });
  body().replaceChildren(
    form,
    table(
      [
        t('焊机', 'Machine'),
        t('摄像头', 'Camera'),
        t('位置', 'Location'),
        t('二维码标签（一机一码）', 'QR label'),
        t('芯片 MQTT 凭据', 'Chip MQTT credential'),
        t('操作', 'Actions'),
      ],
      list.map((m) =>
        h(
          'tr',
          { 'data-machine': m.id },
          h('td', {}, `${m.name} (${m.id})`),
          h('td', {}, cams.find((c) => c.id === m.cameraId)?.name || m.cameraId || '—'),
          h('td', {}, `${m.lat.toFixed(5)}, ${m.lon.toFixed(5)}`),
          h(
            'td',
            {},
            m.revoked
              ? h('span', { class: 'badge open' }, t('已作废', 'Revoked'))
              : h(
                  'a',
                  { href: `/api/machines/${m.id}/qr.png?v=${m.tokenVersion}`, target: '_blank' },
                  h('img', {
                    src: `/api/machines/${m.id}/qr.png?v=${m.tokenVersion}`,
                    alt: 'QR',
                    width: 96,
                    height: 96,
                  }),
                ),
          ),
          credentialCell(ctx, creds, 'machine', m.id, machines),
          h(
            'td',
            {},
            h('button', { onclick: () => act(m.id, 'rotate') }, t('更换二维码', 'New label')),
            ' ',
            h('button', { class: 'danger', onclick: () => act(m.id, 'revoke') }, t('作废', 'Revoke')),
          ),
        ),
      ),
    ),
  );
}

const ctx = { body, guarded, table, user: () => s.user };

const TABS = {
  cameras: ['摄像头', 'Cameras', cameras],
  machines: ['焊机与二维码', 'Machines & QR', machines],
  locks: ['门锁', 'Locks', () => locksTab(ctx)],
  certificates: ['特种作业证', 'Certificates', () => certificatesTab(ctx)],
  users: ['用户与角色', 'Users & roles', () => usersTab(ctx)],
  report: ['举报海报', 'Report poster', () => publicReportTab(ctx)],
};

function show(tab) {
  closeZoneEditor();
  const params = new URLSearchParams(location.search);
  params.set('tab', tab);
  history.replaceState(null, '', `?${params}`);
  for (const b of $('admin-tabs').children) b.classList.toggle('primary', b.dataset.tab === tab);
  guarded(TABS[tab][2]);
}

if (s && session()) {
  topBar('系统管理', 'Admin');
  $('admin-tabs').replaceChildren(
    ...Object.entries(TABS).map(([k, [zh, en]]) =>
      h('button', { 'data-tab': k, onclick: () => show(k) }, t(zh, en)),
    ),
  );
  show(new URLSearchParams(location.search).get('tab') || 'cameras');
}
