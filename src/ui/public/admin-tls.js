/* global document */
// The HTTPS certificate on the admin screen (#21): phones on the plant LAN open the QR labels over
// HTTPS; before a phone trusts the service's certificate, its SHA-256 fingerprint must match the one
// shown here (a self-signed certificate is installed on each phone from the download link).
import { api, fmtTime, h, session, t } from './common.js';

async function showTls(slot) {
  let tls;
  try {
    tls = await api('/api/server/tls');
  } catch {
    return; // not an admin, or the service is down: the rest of the page says so
  }
  const rows = tls.enabled
    ? [
        [
          t('来源', 'Source'),
          tls.source === 'file' ? t('本厂证书', 'Plant certificate') : t('自签名证书', 'Self-signed'),
        ],
        [
          t('SHA-256 指纹', 'SHA-256 fingerprint'),
          h('code', { id: 'tls-fingerprint' }, tls.fingerprintSha256),
        ],
        [t('适用地址', 'Names'), tls.subjectAltNames.join(', ')],
        [t('有效期至', 'Valid until'), fmtTime(tls.notAfter)],
        [t('手机扫码页', 'Phone page'), `${tls.publicUrl}/ui/phone.html`],
      ]
    : [
        [
          t('状态', 'State'),
          t('未启用 HTTPS（server.https.enabled）', 'HTTPS is off (server.https.enabled)'),
        ],
      ];
  slot.replaceChildren(
    h(
      'details',
      { class: 'tls-panel' },
      h('summary', {}, t('HTTPS 证书（手机访问）', 'HTTPS certificate (phones)')),
      h(
        'dl',
        {},
        rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
      ),
      tls.enabled
        ? h(
            'p',
            { class: 'muted' },
            t(
              '自签名证书须先安装到每部手机：下载证书，核对手机显示的 SHA-256 指纹与上面一致后再信任。',
              'Install a self-signed certificate on each phone: download it, and trust it only if the SHA-256 fingerprint the phone shows matches the one above.',
            ),
            ' ',
            h(
              'a',
              { href: '/api/server/tls/certificate.crt', download: 'jianhu.crt' },
              t('下载证书', 'Download certificate'),
            ),
          )
        : null,
    ),
  );
}

const s = session();
if (s?.user.role === 'enterprise_admin') {
  const slot = h('section', { id: 'admin-tls' });
  document.querySelector('main')?.append(slot);
  void showTls(slot);
}
