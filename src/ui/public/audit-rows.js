import { api, errText, fmtTime, h, t } from './common.js';
import { kindText } from './permit-kinds.js';
import { openRecording } from './audit-recording.js';

// One row per permit: work windows, coverage %, the gaps on a timeline (red), the violations during
// the work with their evidence, and each violation's closed-loop (hazard) status. Kind names come
// from GET /api/permit-kinds (the caller awaits loadPermitKinds() before rendering).
const VERDICT = {
  fully_monitored: ['全程监控', 'Fully monitored', 'confirmed'],
  gaps: ['存在监控中断', 'Gaps', 'pending'],
  work_without_monitoring: ['无监控作业', 'Work without monitoring', 'open'],
  no_work: ['未实际作业', 'No work', ''],
};
const HAZARD = {
  registered: ['已登记', 'Registered'],
  assessed: ['已评估', 'Assessed'],
  dispatched: ['整改中', 'Dispatched'],
  rectified: ['已整改待复核', 'Rectified'],
  verified: ['已复核', 'Verified'],
  closed: ['已销号', 'Closed'],
};
const dur = (ms) =>
  ms >= 3_600_000
    ? `${(ms / 3_600_000).toFixed(1)} h`
    : ms >= 60_000
      ? `${Math.round(ms / 60_000)} min`
      : `${Math.round(ms / 1000)} s`;

/** Work windows as green/grey bar, gaps in red, over the permit's first start → last end. */
function timeline(p) {
  const t0 = Date.parse(p.windows[0].start);
  const t1 = Math.max(...p.windows.map((w) => Date.parse(w.end)));
  const span = Math.max(1, t1 - t0);
  const pos = (a, b) => ({
    left: `${(100 * (Date.parse(a) - t0)) / span}%`,
    width: `${Math.max(0.5, (100 * (Date.parse(b) - Date.parse(a))) / span)}%`,
  });
  const bar = h('div', {
    class: 'timeline',
    style: { background: '#cfd6de' },
    title: `${fmtTime(p.windows[0].start)} → ${fmtTime(new Date(t1).toISOString())}`,
  });
  for (const w of p.windows)
    bar.append(h('div', { class: 'gap', style: { ...pos(w.start, w.end), background: 'var(--ok)' } }));
  for (const g of p.gaps)
    bar.append(
      h('div', {
        class: 'gap gap-mark',
        style: pos(g.start, g.end),
        title: `${fmtTime(g.start)} – ${fmtTime(g.end)} · ${g.causeText}`,
      }),
    );
  return bar;
}

async function showEvidence(violationId, slot) {
  slot.replaceChildren(h('span', { class: 'muted' }, t('加载中…', 'Loading…')));
  try {
    const v = await api(`/api/violations/${violationId}`);
    slot.replaceChildren(
      ...v.evidence.map((e) =>
        e.kind === 'snapshot'
          ? h(
              'a',
              { href: e.url, target: '_blank' },
              h('img', { src: e.url, alt: 'snapshot', style: { maxWidth: '240px', display: 'block' } }),
            )
          : h(
              'a',
              { href: e.url, target: '_blank' },
              `${t('视频片段', 'Clip')} (${Math.round(e.bytes / 1024)} kB, sha256 ${e.sha256.slice(0, 12)}…)`,
            ),
      ),
      v.evidence.length ? '' : h('span', { class: 'muted' }, t('无证据文件', 'No evidence files')),
    );
  } catch (e) {
    slot.replaceChildren(h('span', { class: 'notice error' }, errText(e)));
  }
}

function violationsCell(p, loop) {
  if (!p.violations.length) return h('span', { class: 'muted' }, t('无', 'None'));
  return h(
    'ul',
    { style: { margin: 0, paddingLeft: '16px' } },
    p.violations.map((v) => {
      const id = v.detail.violationId;
      const hz = id !== undefined ? loop.get(String(id)) : undefined;
      const st = hz ? HAZARD[hz.state] || [hz.state, hz.state] : null;
      const slot = h('div');
      return h(
        'li',
        { class: 'audit-violation' },
        `${fmtTime(v.at)} · ${t(v.detail.typeZh || v.type, v.detail.type || v.type)} · ${v.cameraId || ''} `,
        h(
          'span',
          { class: `badge ${hz ? (hz.state === 'closed' ? 'confirmed' : 'pending') : 'open'}` },
          st ? t(st[0], st[1]) : t('未派单', 'Not dispatched'),
        ),
        id !== undefined
          ? h('button', { class: 'link', onclick: () => showEvidence(id, slot) }, t('证据', 'Evidence'))
          : null,
        slot,
      );
    }),
  );
}

/** `enterpriseName`, when given (a region's audit), names each permit's enterprise under its number. */
export function renderAuditRows(container, rows, loop, cameraName = (id) => id, enterpriseName = null) {
  const head = [
    t('作业票', 'Permit'),
    t('类型', 'Kind'),
    t('摄像头', 'Cameras'),
    t('作业时段', 'Work windows'),
    t('覆盖率', 'Coverage'),
    t(
      '时间线（绿=作业有监控，红=作业无监控，灰=未作业/暂停）',
      'Timeline (green = watched work, red = unwatched work, grey = no work / suspended)',
    ),
    t('结论', 'Verdict'),
    t('违章与闭环', 'Violations and closed loop'),
  ];
  const body = rows.map((p) => {
    const v = VERDICT[p.coverage.verdict] || [p.coverage.verdict, p.coverage.verdict, ''];
    return h(
      'tr',
      { 'data-permit': p.permitId, class: 'audit-row' },
      h(
        'td',
        {},
        p.number,
        enterpriseName ? h('div', { class: 'muted' }, enterpriseName(p.enterpriseId)) : '',
        h(
          'button',
          { class: 'link play-recording', onclick: () => openRecording(p.permitId, p.number) },
          t('录像', 'Recording'),
        ),
      ),
      h('td', {}, kindText(p.kind)),
      h('td', {}, p.cameraIds.map(cameraName).join('、')),
      h(
        'td',
        {},
        p.windows.map((w) =>
          h('div', {}, `${fmtTime(w.start)} → ${w.ongoing ? t('进行中', 'ongoing') : fmtTime(w.end)}`),
        ),
      ),
      h('td', { class: 'coverage' }, `${p.coverage.coveragePct}%`),
      h(
        'td',
        {},
        timeline(p),
        p.gaps.map((g) =>
          h(
            'div',
            { class: 'muted gap-line' },
            `${t('中断', 'Gap')} ${fmtTime(g.start)} – ${fmtTime(g.end)}（${dur(g.durationMs)}，${g.causeText}）`,
          ),
        ),
      ),
      h('td', {}, h('span', { class: `badge ${v[2]}` }, t(v[0], v[1]))),
      h('td', {}, violationsCell(p, loop)),
    );
  });
  container.replaceChildren(
    h(
      'table',
      { class: 'data', id: 'audit-results' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          head.map((x) => h('th', {}, x)),
        ),
      ),
      h('tbody', {}, body),
    ),
  );
}
