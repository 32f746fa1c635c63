import { api, h, notice, redraw, t } from './common.js';
import { kindText, levelText } from './permit-kinds.js';
import { gasForm, gasTable, loadDetail, retestBadge, retestState } from './permit-gas.js';
import { actionButtons, confirmMeasure, guardianControls, lastAnswer, recordGas } from './permit-actions.js';
import { SIGNATURE_ROLES, actionText, authorityText, fmtCN, reasonText, stateText } from './permit-text.js';

// One permit: its facts, why it is suspended, gas tests with the 复测倒计时, the safety measures to
// confirm, the guardian, signatures (Beijing time), history and monitoring gaps, and the actions the
// role may take. Names of people and cameras come from the phone's work card (GET /api/ui/work-card).

const TERMINAL = ['completed', 'revoked', 'expired'];

const section = (id, zh, en, ...body) => h('section', { class: 'card', id }, h('h3', {}, t(zh, en)), ...body);
const row = (zh, en, ...v) => [h('dt', {}, t(zh, en)), h('dd', {}, ...v)];

function table(heads, rows) {
  return h(
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
}

/** Renders overlap (a click and a live event): only the latest one may draw. */
let latest = 0;

export async function renderDetail(ctx, id) {
  const mine = ++latest;
  const [d, card, cams] = await Promise.all([
    loadDetail(id),
    api(`/api/ui/work-card/${encodeURIComponent(id)}`).catch(() => null),
    // camera health now (the page's list is from its start)
    ctx.can('camera:read') ? api('/api/cameras').catch(() => null) : null,
  ]);
  if (cams) ctx.cameras = cams.cameras;
  const p = d.permit;
  const rerender = () => renderDetail(ctx, id);
  const person = (x) => (x ? `${x.displayName} (${x.username})` : '—');
  const live = (camId) => ctx.cameras.find((c) => c.id === camId);
  const gas = retestState(d);
  const open = !TERMINAL.includes(p.state);

  const head = h(
    'div',
    { class: 'detail-head' },
    h('a', { href: '#', id: 'pd-back' }, `← ${t('作业票', 'Permits')}`),
    h('h2', {}, `${p.number} `, h('span', { class: `badge ${p.state}`, id: 'pd-state' }, stateText(p.state))),
    h(
      'a',
      {
        class: 'button',
        id: 'pd-print',
        href: `/ui/permit-print.html?id=${encodeURIComponent(p.id)}`,
        target: '_blank',
      },
      t('打印作业票', 'Print'),
    ),
  );
  const suspended =
    p.state === 'suspended'
      ? h(
          'p',
          { class: 'notice error', id: 'pd-suspended' },
          `${t('暂停', 'Suspended')}：${reasonText(p.suspendReason) || t('原因未记录', 'no reason recorded')}（${fmtCN(p.suspendedAt)}）`,
        )
      : null;

  const facts = h(
    'dl',
    { class: 'facts' },
    row(
      '作业类型',
      'Kind',
      `${kindText(p.kind)}${p.level ? ` · ${levelText(p.kind, p.level)}` : ''}`,
      p.requestedLevel && p.requestedLevel !== p.level
        ? h(
            'span',
            { class: 'muted' },
            ` (${t('申请', 'asked')} ${levelText(p.kind, p.requestedLevel)}，${t('升级', 'raised')}: ${p.escalatedBecause.join('、')})`,
          )
        : null,
    ),
    row('厂区', 'Site', ctx.siteName(p.siteId)),
    row('作业地点', 'Place', p.location),
    row('作业内容', 'Description', p.description || '—'),
    row('作业时间', 'Window', `${fmtCN(p.validFrom)} → ${fmtCN(p.validTo)}`),
    row(
      '监控摄像头',
      'Cameras',
      ...p.cameraIds.map((c) => {
        const cam = live(c);
        return h(
          'span',
          { class: 'cam', 'data-camera': c },
          `${ctx.cameraName(c)} `,
          cam
            ? h(
                'span',
                { class: `badge ${cam.state}` },
                cam.live ? t('在线', 'live') : t('不在线', 'not live'),
              )
            : null,
          ' ',
        );
      }),
    ),
    row('焊机', 'Machines', p.machineIds.join('、') || '—'),
    row(
      '作业人员',
      'Workers',
      p.workers
        .map((w) => `${w.username}${w.certificateNo ? `（${t('证', 'cert')} ${w.certificateNo}）` : ''}`)
        .join('、'),
    ),
    row(
      '监护人',
      'Guardian',
      h('span', { id: 'pd-guardian' }, card ? person(card.guardian) : (p.guardianUserId ?? '—')),
    ),
  );

  const result = h('p', { id: 'pd-result', class: 'notice', hidden: true });
  const answer = lastAnswer(p.id);
  if (answer) notice(result, answer.text, answer.kind);

  const gasSection = section(
    'pd-gas',
    '气体分析',
    'Gas tests',
    h('div', { id: 'pd-retest' }, retestBadge(gas)),
    d.gasTests.length
      ? gasTable(d.gasTests)
      : h('p', { class: 'muted' }, t('尚无气体分析', 'No gas test yet')),
    open && ctx.can('gas:record')
      ? gasForm(ctx.me.displayName, (body) => recordGas(ctx, p, body, rerender))
      : null,
  );

  const measures = section(
    'pd-measures',
    '安全措施',
    'Safety measures',
    h(
      'ol',
      { class: 'measures' },
      p.measures.map((m, i) =>
        h(
          'li',
          { 'data-measure': i, class: m.confirmedBy ? 'confirmed' : '' },
          `${m.text} `,
          m.confirmedBy
            ? h('span', { class: 'muted' }, `✓ ${m.confirmedBy} ${fmtCN(m.confirmedAt)}`)
            : open && ctx.can('permit:operate')
              ? h(
                  'button',
                  { id: `pd-measure-${i}`, onclick: () => confirmMeasure(ctx, p, i, rerender) },
                  t('确认', 'Confirm'),
                )
              : h('span', { class: 'badge pending' }, t('未确认', 'Unconfirmed')),
        ),
      ),
    ),
  );

  const signatures = section(
    'pd-signatures',
    '签字',
    'Signatures',
    table(
      [
        t('环节', 'Step'),
        t('签字人', 'Signed by'),
        t('权限', 'Authority'),
        t('时间（北京时间）', 'Time (Beijing)'),
      ],
      p.signatures.map((sg) =>
        h(
          'tr',
          {},
          h('td', {}, SIGNATURE_ROLES[sg.role] ? t(...SIGNATURE_ROLES[sg.role]) : sg.role),
          h('td', {}, sg.username),
          h('td', {}, sg.authority ? authorityText(sg.authority) : '—'),
          h('td', {}, fmtCN(sg.at)),
        ),
      ),
    ),
  );
  const history = section(
    'pd-history',
    '流转记录',
    'History',
    table(
      [t('时间', 'Time'), t('操作', 'Action'), t('状态', 'State'), t('原因', 'Reason')],
      d.history.map((x) =>
        h(
          'tr',
          {},
          h('td', {}, fmtCN(x.at)),
          h('td', {}, actionText(x.action)),
          h('td', {}, `${x.from ? stateText(x.from) : '—'} → ${stateText(x.to)}`),
          h('td', {}, reasonText(x.reason) || ''),
        ),
      ),
    ),
    d.gaps.length
      ? table(
          [t('摄像头', 'Camera'), t('中断', 'Gap'), t('原因', 'Reason')],
          d.gaps.map((g) =>
            h(
              'tr',
              {},
              h('td', {}, ctx.cameraName(g.cameraId)),
              h('td', {}, `${fmtCN(g.startedAt)} → ${g.endedAt ? fmtCN(g.endedAt) : t('未恢复', 'ongoing')}`),
              h('td', {}, `${g.state} ${g.reason}`),
            ),
          ),
        )
      : null,
  );

  const guardian = open ? guardianControls(ctx, p, rerender) : [];
  if (mine !== latest) return;
  redraw(
    ctx.view,
    head,
    suspended ?? '',
    h(
      'div',
      { class: 'detail-grid' },
      h(
        'div',
        {},
        h('section', { class: 'card' }, facts),
        section(
          'pd-actions',
          '操作',
          'Actions',
          h('div', { class: 'actions' }, actionButtons(ctx, p, rerender)),
          result,
        ),
        guardian.length
          ? section('pd-guardian-box', '监护人交接', 'Guardian', h('div', { class: 'actions' }, guardian))
          : null,
        measures,
      ),
      h('div', {}, gasSection, signatures, history),
    ),
  );
}
