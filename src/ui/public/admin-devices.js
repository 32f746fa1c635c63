/* global navigator, document, window */
import { api, fmtTime, h, t } from './common.js';

// Device identity (#23): each chip and padlock gets its own MQTT credential from here. The secret
// leaves the service once, in the answer to the issuing POST (only a hash is kept), so this page shows
// it once with a copy button and says so in both languages; reloading the page cannot show it again.

const PATHS = { machine: 'machines', lock: 'locks' };
const url = (kind, id) => `/api/${PATHS[kind]}/${encodeURIComponent(id)}/mqtt-credential`;

/** Every device's credential state, by `kind:id`: { state: 'live' | 'revoked', issuedAt, revokedAt }. */
export async function loadCredentials() {
  const list = await api('/api/mqtt-credentials');
  return new Map(
    list.map((c) => [`${c.kind}:${c.deviceId}`, { ...c, state: c.revokedAt ? 'revoked' : 'live' }]),
  );
}

/** Copies the secret; falls back to selecting it when the clipboard API is refused (plain http). */
async function copy(input, out) {
  try {
    await navigator.clipboard.writeText(input.value);
    out.textContent = t('已复制', 'Copied');
  } catch {
    input.select();
    const ok = document.execCommand('copy');
    out.textContent = ok ? t('已复制', 'Copied') : t('请手动复制（已选中）', 'Copy it by hand (selected)');
  }
}

/** The once-only panel with the new secret, its username and topics. */
function secretPanel(kind, id, issued, onClose) {
  const input = h('input', {
    id: 'mqtt-secret',
    readonly: true,
    value: issued.secret,
    spellcheck: 'false',
    style: { width: '100%', fontFamily: 'monospace' },
  });
  const copied = h('span', { class: 'muted', id: 'mqtt-secret-copied' });
  const row = (zh, en, v) => h('div', {}, h('strong', {}, t(zh, en)), '：', h('code', {}, v));
  return h(
    'div',
    { class: 'card secret-once', id: 'mqtt-secret-panel', 'data-device': `${kind}:${id}` },
    h(
      'p',
      { class: 'notice error', role: 'alert' },
      '此密钥只显示这一次，服务只保存其哈希，无法再次查看。请立即复制并写入设备；遗失后只能重新签发（旧密钥随即失效）。',
      h('br'),
      'This secret is shown once only. The service keeps just its hash and cannot show it again. Copy it into the device now; if it is lost, issue a new one (the old one stops working).',
    ),
    row('用户名与客户端 ID', 'Username and client id', issued.username),
    row('发布主题', 'Publishes to', issued.topics.publish),
    row('命令主题', 'Commands on', issued.topics.command),
    h('label', {}, t('密钥', 'Secret'), input),
    h(
      'div',
      {},
      h(
        'button',
        { class: 'primary', id: 'mqtt-secret-copy', onclick: () => copy(input, copied) },
        t('复制密钥', 'Copy secret'),
      ),
      ' ',
      copied,
      ' ',
      h('button', { id: 'mqtt-secret-close', onclick: onClose }, t('我已保存，关闭', 'Saved it, close')),
    ),
  );
}

/**
 * A table cell with the device's credential state and its Issue / Revoke buttons. `ctx.body()` gets the
 * once-only secret panel on top after `refresh()` has redrawn the tab.
 */
export function credentialCell(ctx, creds, kind, id, refresh) {
  const td = h('td', { class: 'mqtt-credential', 'data-credential': `${kind}:${id}` });
  const issue = (live) =>
    ctx.guarded(async () => {
      const sure =
        !live ||
        window.confirm(
          t(
            `重新签发 ${id} 的凭据？旧密钥立即失效，设备需写入新密钥。`,
            `Reissue ${id}'s credential? The old secret stops working at once; the device needs the new one.`,
          ),
        );
      if (!sure) return;
      const issued = await api(url(kind, id), { method: 'POST' });
      await refresh();
      const panel = secretPanel(kind, id, issued, () => panel.remove());
      ctx.body().prepend(panel);
      panel.scrollIntoView({ block: 'start' });
    });
  const revoke = () =>
    ctx.guarded(async () => {
      const sure = window.confirm(
        t(
          `吊销 ${id} 的 MQTT 凭据？设备将立即断开，重新签发前无法连接。`,
          `Revoke ${id}'s MQTT credential? The device is cut off at once and cannot connect until a new one is issued.`,
        ),
      );
      if (!sure) return;
      await api(url(kind, id), { method: 'DELETE' });
      await refresh();
    });
  const s = creds.get(`${kind}:${id}`) ?? { state: 'none' };
  const badge =
    s.state === 'live'
      ? h('span', { class: 'badge active' }, t('有效', 'Live'))
      : s.state === 'revoked'
        ? h('span', { class: 'badge open' }, t('已吊销', 'Revoked'))
        : h('span', { class: 'badge' }, t('未签发', 'None'));
  const when =
    s.state === 'live'
      ? t(`签发于 ${fmtTime(s.issuedAt)}`, `issued ${fmtTime(s.issuedAt)}`)
      : s.state === 'revoked'
        ? t(`吊销于 ${fmtTime(s.revokedAt)}`, `revoked ${fmtTime(s.revokedAt)}`)
        : '';
  td.replaceChildren(
    badge,
    ' ',
    h('span', { class: 'muted' }, when),
    ' ',
    h(
      'button',
      { class: 'issue-credential', onclick: () => issue(s.state === 'live') },
      s.state === 'live' ? t('重新签发', 'Reissue') : t('签发凭据', 'Issue credential'),
    ),
    s.state === 'live'
      ? h('button', { class: 'danger revoke-credential', onclick: revoke }, t('吊销', 'Revoke'))
      : '',
  );
  return td;
}
