/* global window */
import { api, h, t } from './common.js';

// 企业管理员 › 摄像头: add, edit, disable and remove cameras at run time (no restart), each stream probed
// before it is saved (codec, size, GOP, the RTSP transport that opened it). URLs come back without
// their passwords; an edit that leaves the URL empty keeps it.

const TRANSPORTS = [
  ['', '默认', 'default'],
  ['tcp', 'TCP', 'TCP'],
  ['udp', 'UDP', 'UDP'],
  ['auto', '自动（先 TCP 后 UDP）', 'auto (TCP, then UDP)'],
];

/** A probe's answer in words: ✓ codec size fps GOP transport, or ✗ why. */
export function probeText(r) {
  if (!r.ok) return `✗ ${r.message}`;
  const gop =
    r.gopSeconds !== undefined
      ? `GOP ${r.gopSeconds} s`
      : r.gopLongerThanSeconds !== undefined
        ? `GOP > ${r.gopLongerThanSeconds} s`
        : 'GOP ?';
  const via = r.transport ? ` ${r.transport.toUpperCase()}` : '';
  return `✓ ${r.codec} ${r.width}×${r.height} ${r.fps ?? '?'} fps, ${gop}${via}（${r.ms} ms）`;
}

const transportSelect = (value) =>
  h(
    'select',
    { class: 'transport' },
    TRANSPORTS.map(([v, zh, en]) => h('option', { value: v, selected: v === (value ?? '') }, t(zh, en))),
  );

/**
 * The camera form (new camera, or an edit of `cam`). Saving probes the URL first and shows what it
 * found; a failed probe asks again before saving anyway (a camera may be switched off today).
 */
function cameraForm(sites, cam, onSaved, onCancel) {
  const f = {
    id: h('input', {
      name: 'id',
      required: !cam,
      disabled: !!cam,
      value: cam?.id ?? '',
      pattern: '[A-Za-z0-9][A-Za-z0-9_\\-]{0,63}',
      placeholder: 'cam-gate',
    }),
    name: h('input', {
      name: 'name',
      required: true,
      value: cam?.name ?? '',
      placeholder: t('大门', 'Gate'),
    }),
    site: h(
      'select',
      { name: 'site' },
      sites.map((s) => h('option', { value: s.id, selected: s.id === cam?.siteId }, s.name)),
    ),
    url: h('input', {
      name: 'url',
      required: !cam,
      style: { minWidth: '280px' },
      placeholder: cam ? t('留空则不变', 'empty: unchanged') : 'rtsp://user:pass@10.0.0.5/sub',
    }),
    recordUrl: h('input', {
      name: 'recordUrl',
      style: { minWidth: '220px' },
      placeholder: cam ? t('留空则不变', 'empty: unchanged') : t('主码流（可选）', 'main stream (optional)'),
    }),
    transport: transportSelect(cam?.rtspTransport),
  };
  const out = h('span', { class: 'muted probe-result' });
  let saveAnyway = false;
  const save = async () => {
    const url = f.url.value.trim();
    const rtspTransport = f.transport.value || null;
    // probe before saving: the URL typed now, or the camera as stored when the URL is kept
    if (!saveAnyway) {
      out.textContent = t('测试中…', 'Testing…');
      out.className = 'muted probe-result';
      const r = url
        ? await api('/api/live/probe', {
            method: 'POST',
            body: rtspTransport ? { url, rtspTransport } : { url },
          })
        : await api('/api/live/probe', { method: 'POST', body: { cameraId: cam.id } });
      out.textContent = probeText(r);
      out.className = r.ok ? 'probe-result ok' : 'probe-result error';
      if (!r.ok) {
        saveAnyway = true;
        submit.textContent = t('仍然保存', 'Save anyway');
        return;
      }
    }
    const body = { name: f.name.value.trim(), siteId: f.site.value, rtspTransport };
    if (url) body.url = url;
    if (f.recordUrl.value.trim()) body.recordUrl = f.recordUrl.value.trim();
    const id = cam?.id ?? f.id.value.trim();
    if (cam) await api(`/api/cameras/${encodeURIComponent(id)}`, { method: 'PATCH', body });
    else await api('/api/cameras', { method: 'POST', body: { id, ...body } });
    // what the probe found stays in view after the table is drawn again
    await onSaved(`${id}: ${out.textContent}`);
  };
  const submit = h('button', { class: 'primary', type: 'submit' }, t('测试并保存', 'Test and save'));
  const form = h(
    'form',
    {
      class: 'filters card camera-form',
      onsubmit: (ev) => {
        ev.preventDefault();
        submit.disabled = true;
        save()
          .catch((e) => {
            out.textContent = `✗ ${e.messageZh ? t(e.messageZh, e.message) : e.message}`;
            out.className = 'probe-result error';
          })
          .finally(() => (submit.disabled = false));
      },
    },
    h('strong', {}, cam ? t(`修改 ${cam.id}`, `Edit ${cam.id}`) : t('添加摄像头', 'Add a camera')),
    ...[
      ['编号', 'Id', f.id],
      ['名称', 'Name', f.name],
      ['车间', 'Site', f.site],
      ['码流地址', 'Stream URL', f.url],
      ['录像码流', 'Record URL', f.recordUrl],
      ['传输', 'Transport', f.transport],
    ].map(([zh, en, el]) => h('label', {}, t(zh, en), el)),
    submit,
    cam ? h('button', { type: 'button', onclick: onCancel }, t('取消', 'Cancel')) : null,
    ' ',
    out,
  );
  // a new URL or transport is a new probe
  for (const el of [f.url, f.transport]) el.addEventListener('input', () => (saveAnyway = false));
  return form;
}

const STATE_ZH = {
  online: '在线',
  offline: '离线',
  stalled: '卡顿',
  frozen: '冻结',
  dark: '过暗',
  obstructed: '遮挡',
  recovering: '恢复中',
};

/**
 * Renders the cameras tab into `body`. `ctx`: { table, guarded, openZones(cam), rerender(),
 * saved(message): drawn again with the message shown }.
 */
export async function camerasTab(body, ctx) {
  const [settings, health, enterprises] = await Promise.all([
    api('/api/cameras/settings'),
    api('/api/cameras'),
    api('/api/enterprises'),
  ]);
  const sites = enterprises.flatMap((e) => e.sites);
  const siteName = (id) => sites.find((s) => s.id === id)?.name ?? id;
  const stateOf = new Map(health.cameras.map((c) => [c.id, c]));
  const probeCell = (cameraId) => {
    const out = h('span', { class: 'muted probe-result' });
    const btn = h(
      'button',
      {
        class: 'probe',
        onclick: async () => {
          btn.disabled = true;
          out.textContent = t('测试中…', 'Testing…');
          await ctx.guarded(async () => {
            const r = await api('/api/live/probe', { method: 'POST', body: { cameraId } });
            out.textContent = probeText(r);
            out.className = r.ok ? 'probe-result ok' : 'probe-result error';
          });
          btn.disabled = false;
        },
      },
      t('测试连接', 'Test URL'),
    );
    return h('td', {}, btn, ' ', out);
  };
  const editSlot = h('div', {});
  const act = (fn) => ctx.guarded(async () => (await fn(), await ctx.rerender()));
  const rows = settings.cameras.map((c) => {
    const hc = stateOf.get(c.id);
    const state = hc ? t(STATE_ZH[hc.state] ?? hc.state, hc.state) : '—';
    return h(
      'tr',
      { 'data-camera': c.id },
      h('td', {}, c.id),
      h('td', {}, c.name),
      h('td', {}, siteName(c.siteId)),
      h(
        'td',
        { class: 'url', style: { wordBreak: 'break-all', minWidth: '12em' } },
        c.url,
        c.recordUrl ? h('div', { class: 'muted' }, c.recordUrl) : null,
      ),
      h('td', {}, c.rtspTransport ?? t('默认', 'default')),
      h(
        'td',
        { class: 'state', title: hc?.message ?? '' },
        state,
        c.source === 'config' ? h('div', { class: 'muted' }, t('来自配置文件', 'from config')) : null,
      ),
      probeCell(c.id),
      h(
        'td',
        {},
        h(
          'button',
          { class: 'zones', onclick: () => ctx.guarded(() => ctx.openZones(c)) },
          t('绘制区域', 'Draw zones'),
        ),
      ),
      h(
        'td',
        { class: 'actions' },
        h(
          'button',
          {
            class: 'edit',
            onclick: () =>
              editSlot.replaceChildren(cameraForm(sites, c, ctx.saved, () => editSlot.replaceChildren())),
          },
          t('修改', 'Edit'),
        ),
        ' ',
        h(
          'button',
          {
            class: 'toggle',
            onclick: () =>
              act(() =>
                api(`/api/cameras/${encodeURIComponent(c.id)}`, {
                  method: 'PATCH',
                  body: { enabled: !c.enabled },
                }),
              ),
          },
          c.enabled ? t('停用', 'Disable') : t('启用', 'Enable'),
        ),
        ' ',
        h(
          'button',
          {
            class: 'remove danger',
            onclick: () => {
              if (!window.confirm(t(`删除摄像头 ${c.name}？`, `Remove camera ${c.name}?`))) return;
              act(() => api(`/api/cameras/${encodeURIComponent(c.id)}`, { method: 'DELETE' }));
            },
          },
          t('删除', 'Remove'),
        ),
      ),
    );
  });
  body.replaceChildren(
    cameraForm(sites, null, ctx.saved),
    editSlot,
    // a phone (390 px) scrolls the table, not the page
    h(
      'div',
      { class: 'table-scroll', style: { overflowX: 'auto', maxWidth: '100%' } },
      ctx.table(
        [
          t('编号', 'Id'),
          t('名称', 'Name'),
          t('车间', 'Site'),
          t('地址（不显示密码）', 'URL (no password)'),
          t('传输', 'Transport'),
          t('状态', 'State'),
          t('连接测试', 'URL test'),
          t('区域', 'Zones'),
          t('操作', 'Actions'),
        ],
        rows,
      ),
    ),
  );
}
