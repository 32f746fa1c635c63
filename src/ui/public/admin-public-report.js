/* global confirm */
// 群众举报 poster on the admin screen: the A4 poster to print (its QR opens the public report page),
// the address it encodes, and rotating (old posters stop working) or revoking the channel.
import { api, fmtTime, h, t } from './common.js';

export async function publicReportTab(ctx) {
  const id = ctx.user().enterpriseId;
  const base = `/api/enterprises/${encodeURIComponent(id)}`;
  const ch = await api(`${base}/report-channel`);
  const poster = `${base}/report-poster.png?v=${encodeURIComponent(ch.createdAt)}`;
  const act = (action, question) => async () => {
    if (!confirm(question)) return;
    await ctx.guarded(async () => {
      await api(`${base}/report-channel/${action}`, { method: 'POST' });
      await publicReportTab(ctx);
    });
  };
  ctx.body().replaceChildren(
    h(
      'p',
      { class: 'muted' },
      t(
        '打印海报张贴在厂区醒目位置；任何人扫码即可举报隐患（可匿名），举报进入本企业隐患清单，检查环节为“群众举报”。',
        'Print the poster and put it up on site; anyone may scan it to report a hazard (anonymously). Reports enter the hazard list at stage “public report”.',
      ),
    ),
    h(
      'p',
      {},
      h(
        'a',
        { href: poster, target: '_blank', id: 'poster-link' },
        t('打开海报（A4 PNG）打印', 'Open the A4 poster to print'),
      ),
      ' · ',
      t('生成于', 'issued'),
      ' ',
      fmtTime(ch.createdAt),
    ),
    h('p', {}, h('code', { id: 'report-page-url' }, ch.url)),
    h('img', {
      src: poster,
      alt: t('举报海报', 'Report poster'),
      style: { maxWidth: '320px', border: '1px solid #ccc' },
    }),
    h(
      'p',
      {},
      h(
        'button',
        {
          onclick: act(
            'rotate',
            t('更换后旧海报全部失效，确定？', 'Every printed poster stops working. Go on?'),
          ),
        },
        t('更换二维码', 'New QR'),
      ),
      ' ',
      h(
        'button',
        {
          class: 'danger',
          onclick: act('revoke', t('停用后海报无法举报，确定？', 'The posters stop working. Go on?')),
        },
        t('停用', 'Revoke'),
      ),
    ),
  );
}
