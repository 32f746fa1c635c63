import { api, h, t } from './common.js';
import { stepSection } from './hazards-steps.js';
import {
  fmtTime,
  levelText,
  overdueOf,
  overdueText,
  stageText,
  stateText,
  typeText,
} from './hazards-text.js';

// One hazard: what was found (with the on-site photos), its 五到位, the step that is due now (by state
// and by who looks: see hazards-steps.js), the after-photos, and the history of every step.

const FIVE = [
  ['measures', '措施', 'Measures'],
  ['responsiblePerson', '责任', 'Responsible'],
  ['funds', '资金（元）', 'Funds (yuan)'],
  ['deadline', '时限', 'Deadline'],
  ['contingencyPlan', '预案', 'Contingency plan'],
];
const ACTIONS = {
  register: ['登记', 'Registered'],
  assess: ['评估', 'Assessed'],
  dispatch: ['派单', 'Dispatched'],
  rectify: ['整改', 'Rectified'],
  verify: ['复核', 'Reviewed'],
  close: ['销号', 'Closed'],
  escalate: ['逾期升级', 'Escalated'],
};

const actionText = (x) =>
  x.action === 'verify' && x.data?.passed === false
    ? t('复核不通过', 'Review failed')
    : t(...(ACTIONS[x.action] || [x.action, x.action]));

function facts(rows) {
  return h(
    'dl',
    { class: 'facts' },
    rows
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

function photos(hz, kind) {
  const list = hz.photos.filter((p) => p.kind === kind);
  if (!list.length) return h('p', { class: 'muted' }, t('无照片', 'No photos'));
  return h(
    'div',
    { class: 'hz-photos', 'data-kind': kind },
    list.map((p) =>
      h(
        'a',
        { href: `/api/hazards/${hz.id}/photos/${p.id}`, target: '_blank', rel: 'noopener' },
        h('img', {
          src: `/api/hazards/${hz.id}/photos/${p.id}`,
          alt: kind === 'before' ? t('现场照片', 'On-site photo') : t('整改后照片', 'After photo'),
          title: `sha256 ${p.sha256}`,
        }),
      ),
    ),
  );
}

export async function renderHazardDetail(ctx, id) {
  const hz = await api(`/api/hazards/${id}`);
  const late = overdueOf(hz);
  const five = hz.five || {};
  const card = (title, ...children) => h('section', { class: 'card' }, h('h3', {}, title), ...children);
  ctx.view.replaceChildren(
    ...[
      h(
        'div',
        { class: 'detail-head' },
        h('a', { href: '#', class: 'button' }, t('← 返回', '← Back')),
        h('h2', {}, `${t('隐患', 'Hazard')} #${hz.id}`),
        h(
          'span',
          { class: `badge hz-${hz.state}`, id: 'hz-state', 'data-state': hz.state },
          stateText(hz.state),
        ),
        h('span', { class: `badge level-${hz.level || 'none'}` }, levelText(hz.level)),
      ),
      late ? h('p', { class: 'notice error overdue-badge', id: 'hz-overdue' }, overdueText(late)) : null,
      h(
        'div',
        { class: 'detail-grid' },
        h(
          'div',
          {},
          stepSection(ctx, hz, () => renderHazardDetail(ctx, id)),
          card(
            t('隐患信息', 'Hazard'),
            facts([
              [t('描述', 'Description'), hz.description],
              [t('隐患类型', 'Type'), typeText(hz.hazardType)],
              [t('检查环节', 'Stage'), stageText(hz.stage)],
              [t('企业', 'Enterprise'), ctx.enterpriseName(hz.enterpriseId)],
              [t('位置', 'Location'), hz.location],
              [t('检查人', 'Checker'), hz.checker],
              [t('检查依据', 'Basis'), hz.basis],
              [t('发现时间', 'Found'), fmtTime(hz.foundAt)],
              [
                t('来源', 'Source'),
                hz.violationId
                  ? `${t('AI 违章', 'AI violation')} #${hz.violationId}`
                  : hz.source === 'public'
                    ? t('群众/员工扫码举报', 'Public report (QR poster)')
                    : t('检查发现', 'Inspection'),
              ],
              [
                t('责任人', 'Responsible'),
                hz.responsibleUserId ? ctx.personName(hz.responsibleUserId) : null,
              ],
              [t('整改期限', 'Deadline'), hz.deadline ? fmtTime(hz.deadline) : null],
            ]),
          ),
          hz.level === 'major'
            ? card(
                t('五到位', 'Five in place'),
                facts(
                  FIVE.map(([k, zh, en]) => [
                    t(zh, en),
                    k === 'deadline' && five[k] ? fmtTime(five[k]) : five[k],
                  ]),
                ),
              )
            : null,
        ),
        h(
          'div',
          {},
          card(t('现场照片', 'On-site photos'), photos(hz, 'before')),
          card(t('整改后照片', 'After photos'), photos(hz, 'after')),
          card(
            t('处理记录', 'History'),
            h(
              'table',
              { class: 'data', id: 'hz-history' },
              h(
                'tbody',
                {},
                hz.transitions.map((x) =>
                  h(
                    'tr',
                    { 'data-action': x.action },
                    h('td', {}, fmtTime(x.at)),
                    h('td', {}, actionText(x)),
                    h('td', {}, x.actorName),
                    h('td', {}, x.reason),
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    ].filter(Boolean),
  );
}
