/* global document, URLSearchParams, location, window */
import { api, errText, h, requireSession, t } from './common.js';
import { kindSummary, kindText, levelText, loadPermitKinds } from './permit-kinds.js';
import { gasTable, loadDetail } from './permit-gas.js';
import { SIGNATURE_ROLES, authorityText, fmtCN, reasonText, stateText } from './permit-text.js';

// The printable 作业票 (A4): the permit's fields, the QR that opens it on the desk, the safety
// measures with who confirmed them, the gas results, and the signatures with Beijing times.
const s = requireSession(['safety_officer', 'guardian', 'approver', 'enterprise_admin', 'regulator']);
const id = new URLSearchParams(location.search).get('id') || '';

const rows = (pairs) =>
  h(
    'table',
    {},
    h(
      'tbody',
      {},
      pairs.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))),
    ),
  );

async function render() {
  await loadPermitKinds();
  const [d, card] = await Promise.all([
    loadDetail(id),
    api(`/api/ui/work-card/${encodeURIComponent(id)}`).catch(() => null),
  ]);
  const p = d.permit;
  const kind = kindSummary(p.kind);
  document.title = `${p.number} · ${kind ? t(kind.name.zh, kind.name.en) : p.kind}`;
  const person = (x) => (x ? `${x.displayName}（${x.username}）` : '—');
  document.getElementById('sheet').replaceChildren(
    h(
      'header',
      {},
      h(
        'div',
        {},
        h('h1', {}, `${kind ? t(kind.name.zh, kind.name.en) : p.kind}${t('安全作业票', ' permit')}`),
        h('div', { id: 'print-number' }, `${t('编号', 'No.')} ${p.number} · ${stateText(p.state)}`),
      ),
      h('img', {
        class: 'qr',
        id: 'print-qr',
        alt: 'QR',
        src: `/api/ui/permit-qr/${encodeURIComponent(p.id)}`,
      }),
    ),
    rows([
      [t('作业类型', 'Kind'), `${kindText(p.kind)}${p.level ? ` · ${levelText(p.kind, p.level)}` : ''}`],
      [t('作业地点', 'Place'), p.location],
      [t('作业内容', 'Description'), p.description || '—'],
      [t('作业时间', 'Window'), `${fmtCN(p.validFrom)} — ${fmtCN(p.validTo)}`],
      [
        t('作业人员', 'Workers'),
        p.workers.map((w) => `${w.username}${w.certificateNo ? ` ${w.certificateNo}` : ''}`).join('；'),
      ],
      [t('监护人', 'Guardian'), card ? person(card.guardian) : String(p.guardianUserId ?? '—')],
      [
        t('监控摄像头', 'Cameras'),
        card ? card.cameras.map((c) => c.name).join('、') : p.cameraIds.join('、'),
      ],
      [t('焊机', 'Machines'), p.machineIds.join('、') || '—'],
      ...(p.suspendReason ? [[t('暂停/撤销原因', 'Reason'), reasonText(p.suspendReason)]] : []),
    ]),
    h('h2', {}, t('安全措施', 'Safety measures')),
    rows(
      p.measures.map((m, i) => [
        `${i + 1}`,
        `${m.text} — ${m.confirmedBy ? `✓ ${m.confirmedBy} ${fmtCN(m.confirmedAt)}` : t('未确认', 'unconfirmed')}`,
      ]),
    ),
    h('h2', {}, t('气体分析', 'Gas tests')),
    d.gasTests.length ? gasTable(d.gasTests) : h('p', {}, t('无', 'None')),
    h('h2', {}, t('签字（北京时间）', 'Signatures (Beijing time)')),
    h(
      'table',
      { id: 'print-signatures' },
      h(
        'tbody',
        {},
        p.signatures.map((sg) =>
          h(
            'tr',
            {},
            h('th', {}, SIGNATURE_ROLES[sg.role] ? t(...SIGNATURE_ROLES[sg.role]) : sg.role),
            h('td', {}, sg.username),
            h('td', {}, sg.authority ? authorityText(sg.authority) : ''),
            h('td', {}, fmtCN(sg.at)),
          ),
        ),
      ),
    ),
  );
}

if (s) {
  document.getElementById('print-now').textContent = t('打印', 'Print');
  document.getElementById('print-now').addEventListener('click', () => window.print());
  render().catch((e) => {
    document.getElementById('print-notice').textContent = errText(e);
  });
}
