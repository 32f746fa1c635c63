/* global document, Blob */
import { api, h, t } from './common.js';

// 特种作业操作证 tab of the admin page: the cards with their status (有效 / 将到期 / 已过期 / 待复审),
// registering one under a category the kinds require, recording a passed 复审, the 台账 download.
// Dates are entered and shown as days (Asia/Shanghai): 有效期至 2029-12-31 is valid through that day.

const STATUS = {
  valid: ['有效', 'Valid', 'active'],
  expiring: ['将到期', 'Expiring', 'pending'],
  expired: ['已过期', 'Expired', 'suspended'],
  review_overdue: ['待复审', 'Review overdue', 'suspended'],
  revoked: ['已注销', 'Revoked', ''],
};

const nowrap = { whiteSpace: 'nowrap' };

/** The day an instant falls on in Shanghai; for an exclusive end (有效期至, 复审日期) the day before it. */
const shanghaiDay = (iso, exclusiveEnd = false) =>
  new Date(Date.parse(iso) - (exclusiveEnd ? 1 : 0) + 8 * 3600_000).toISOString().slice(0, 10);

async function downloadLedger() {
  const res = await api('/api/certificates/ledger.xlsx', { raw: true });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(
    new Blob([await res.arrayBuffer()], { type: res.headers.get('content-type') }),
  );
  a.download = `特种作业人员台账-${shanghaiDay(new Date().toISOString())}.xlsx`;
  a.id = 'ledger-link';
  document.body.append(a);
  a.click();
}

function reviewCell(ctx, c) {
  if (c.revoked || c.status === 'expired') return h('td', {}, '');
  const day = h('input', {
    type: 'date',
    required: true,
    'aria-label': t('复审合格日期', 'Review passed on'),
  });
  return h(
    'td',
    {},
    h(
      'form',
      {
        class: 'inline',
        onsubmit: (ev) => {
          ev.preventDefault();
          ctx.guarded(async () => {
            await api(`/api/certificates/${c.id}/reviews`, {
              method: 'POST',
              body: { reviewedAt: day.value },
            });
            await certificatesTab(ctx);
          });
        },
      },
      day,
      h('button', { type: 'submit' }, t('登记复审', 'Record review')),
    ),
  );
}

export async function certificatesTab(ctx) {
  const [list, categories, kinds] = await Promise.all([
    api('/api/certificates'),
    api('/api/certificates/categories'),
    api('/api/permit-kinds'),
  ]);
  const kindName = (id) => {
    const k = kinds.find((x) => x.id === id);
    return k ? t(k.name.zh, k.name.en) : id;
  };
  const date = (required = true) => h('input', { type: 'date', required });
  const category = h(
    'select',
    {},
    categories.map((c) =>
      h(
        'option',
        { value: c.category },
        c.requiredBy.length ? `${c.category}（${c.requiredBy.map(kindName).join('、')}）` : c.category,
      ),
    ),
  );
  const fields = {
    username: ['人员账号', 'Username', h('input', { required: true, placeholder: 'welder' })],
    category: ['作业类别', 'Category', category],
    number: ['证号', 'Number', h('input', { required: true, minlength: 4 })],
    issuedAt: ['发证日期', 'Issued', date()],
    expiresAt: ['有效期至', 'Valid through', date()],
    reviewDueAt: ['复审日期（默认发证后 3 年）', 'Review due (default issue + 3 y)', date(false)],
  };
  const register = h(
    'form',
    {
      class: 'filters card',
      id: 'cert-register',
      onsubmit: (ev) => {
        ev.preventDefault();
        const v = Object.fromEntries(Object.entries(fields).map(([k, [, , el]]) => [k, el.value.trim()]));
        if (!v.reviewDueAt) delete v.reviewDueAt;
        ctx.guarded(async () => {
          await api('/api/certificates', { method: 'POST', body: v });
          await certificatesTab(ctx);
        });
      },
    },
    Object.values(fields).map(([zh, en, el]) => h('label', {}, t(zh, en), el)),
    h('button', { class: 'primary', type: 'submit' }, t('登记特种作业操作证', 'Register certificate')),
  );
  ctx.body().replaceChildren(
    register,
    h(
      'p',
      { class: 'muted' },
      t(
        '持证上岗：作业票提交、开始和恢复时，每名作业人员须持有该作业类型要求的有效操作证（未过期且按期复审）。',
        'Certified work only: at submit, start and resume every worker must hold a valid card (in date, review not overdue) for each category the kind requires.',
      ),
      ' ',
      h(
        'button',
        { type: 'button', id: 'ledger-download', onclick: () => ctx.guarded(downloadLedger) },
        t('下载特种作业人员台账 (Excel)', 'Download the ledger (XLSX)'),
      ),
    ),
    // on a phone the table scrolls inside its box instead of widening the page
    h(
      'div',
      { style: { overflowX: 'auto' } },
      ctx.table(
        [
          t('人员', 'Person'),
          t('作业类别', 'Category'),
          t('证号', 'Number'),
          t('有效期至', 'Valid through'),
          t('复审日期', 'Review due'),
          t('状态', 'Status'),
          t('复审', 'Review'),
        ],
        list.map((c) => {
          const [zh, en, cls] = STATUS[c.status];
          return h(
            'tr',
            { 'data-cert': c.number },
            h('td', {}, `${c.displayName || c.username}（${c.username}）`),
            h('td', { style: nowrap }, c.category),
            h('td', { style: nowrap }, c.number),
            h('td', { style: nowrap }, shanghaiDay(c.expiresAt, true)),
            h('td', { style: nowrap }, shanghaiDay(c.reviewDueAt, true)),
            h('td', {}, h('span', { class: `badge ${cls}` }, t(zh, en))),
            reviewCell(ctx, c),
          );
        }),
      ),
    ),
  );
}
