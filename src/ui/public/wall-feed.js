/* global document */
import { api, errText, fmtTime, h, notice, session, t } from './common.js';
import { canReplay, replayViolation } from './wall-recording.js';

// The live violation feed (safety officer): pending violations newest first, updated over socket.io,
// each with its annotated snapshot, the clip (or its progress), the rule, the person box, and
// confirm / dismiss / dispatch (register a hazard for rectification: 派单整改).

const SEVERITY = { high: ['高', 'High'], medium: ['中', 'Medium'], low: ['低', 'Low'] };
const REVIEW = {
  pending: ['待处理', 'Pending'],
  confirmed: ['已确认', 'Confirmed'],
  dismissed: ['已驳回', 'Dismissed'],
};
/** 隐患类型 codes (GET /api/hazard-catalogue) for the violations that name one; else the 三违 category. */
const HAZARD_TYPE_OF = { no_helmet: 'ppe', no_vest: 'ppe', hot_work_unpermitted: 'hot_work' };
const items = new Map(); // violation id -> { v, el }
let deps = null;

function openCounts() {
  const counts = new Map();
  for (const { v } of items.values())
    if (v.review === 'pending') counts.set(v.cameraId, (counts.get(v.cameraId) || 0) + 1);
  return counts;
}

function snapshotView(v) {
  const snap = (v.evidence || []).find((e) => e.kind === 'snapshot');
  // No picture on purpose: every frame near the detection was black (or none was kept); a black
  // picture would prove nothing, so the service records why instead (src/video/README.md).
  const none = (v.evidenceUnavailable || []).find((e) => e.kind === 'snapshot');
  if (!snap && none)
    return h(
      'p',
      { class: 'muted' },
      none.reason === 'no_usable_frame'
        ? t('无可用画面：检测时画面全黑', 'No usable frame: the picture was black at detection')
        : t('无可用画面：检测帧未保留', 'No usable frame: the detection frame was not kept'),
    );
  if (!snap) return h('p', { class: 'muted' }, t('快照生成中…', 'Snapshot pending…'));
  const wrap = h('div', { class: 'snap' });
  const img = h('img', { src: snap.url, alt: t('违章快照', 'Violation snapshot') });
  img.addEventListener('load', () => {
    // The box of the snapshot's own frame (in its pixels), not the violation's latest box: the person
    // has moved on since, and that box drawn over this picture would point at empty floor.
    if (!snap.frameBox || !img.naturalWidth) return;
    const [x1, y1, x2, y2] = snap.frameBox;
    const pct = (a, b) => `${(100 * a) / b}%`;
    wrap.append(
      h('div', {
        class: 'box',
        style: {
          left: pct(x1, img.naturalWidth),
          top: pct(y1, img.naturalHeight),
          width: pct(x2 - x1, img.naturalWidth),
          height: pct(y2 - y1, img.naturalHeight),
        },
      }),
    );
  });
  wrap.append(img);
  return wrap;
}

function clipView(v) {
  const clip = (v.evidence || []).find((e) => e.kind === 'clip');
  if (clip) return h('video', { src: clip.url, controls: true, preload: 'none', style: { width: '100%' } });
  if (v.state === 'ended') return h('p', { class: 'muted' }, t('无视频片段', 'No clip'));
  // The clip is cut after the post-roll: show that it is being made.
  return h(
    'div',
    {},
    h('span', { class: 'muted' }, t('视频片段生成中…', 'Clip being generated…')),
    h('progress', { style: { width: '100%' } }),
  );
}

async function act(id, path, body, status) {
  try {
    await api(`/api/violations/${id}/${path}`, { method: 'POST', body });
    await refresh(id);
  } catch (e) {
    notice(status, errText(e), 'error');
  }
}

async function dispatch(v, status) {
  const s = session();
  try {
    const hz = await api('/api/hazards', {
      method: 'POST',
      body: {
        enterpriseId: v.enterpriseId,
        siteId: v.siteId,
        source: 'violation',
        violationId: String(v.id),
        stage: 'self_check',
        checker: s.user.displayName,
        description: `${v.typeZh}（${deps.cameraName(v.cameraId)}，${fmtTime(v.startedAt)}）`,
        location: deps.cameraName(v.cameraId),
        hazardType: HAZARD_TYPE_OF[v.type] || v.category || v.typeZh,
        reason: t('由实时监控违章派单整改', 'Dispatched for rectification from the live wall'),
      },
    });
    // the number opens the hazard on the hazards screen (评估、派单 go on there)
    notice(status, `${t('已派单整改，隐患编号', 'Dispatched; hazard no.')} `, 'ok');
    status.append(h('a', { href: `/ui/hazards.html#h/${hz.id}`, class: 'hazard-link' }, String(hz.id)));
  } catch (e) {
    notice(status, errText(e), 'error');
  }
}

function render(v) {
  const status = h('p', { class: 'notice', hidden: true });
  const sev = SEVERITY[v.severity] || [v.severity, v.severity];
  const rev = REVIEW[v.review] || [v.review, v.review];
  const pending = v.review === 'pending';
  return h(
    'article',
    { class: 'vio', id: `vio-${v.id}`, 'data-camera': v.cameraId, 'data-review': v.review },
    h(
      'div',
      { style: { display: 'flex', justifyContent: 'space-between', gap: '6px' } },
      h('strong', { class: 'vio-rule' }, t(v.typeZh, v.typeEn || v.typeZh)),
      h('span', { class: `badge ${v.review}` }, t(rev[0], rev[1])),
    ),
    h(
      'div',
      { class: 'muted' },
      `${deps.cameraName(v.cameraId)} · ${t('严重度', 'Severity')} ${t(sev[0], sev[1])} · ${fmtTime(v.startedAt)}`,
      v.state === 'active' ? ` · ${t('持续中', 'ongoing')}` : '',
    ),
    snapshotView(v),
    v.box
      ? h(
          'div',
          { class: 'muted' },
          `${t('人员框', 'Person box')}: ${v.box.map((n) => Math.round(n)).join(', ')}`,
        )
      : null,
    clipView(v),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { class: 'danger', disabled: !pending, onclick: () => act(v.id, 'confirm', {}, status) },
        t('确认违章', 'Confirm'),
      ),
      h(
        'button',
        {
          disabled: !pending,
          onclick: () => act(v.id, 'dismiss', { note: t('误报', 'false alarm') }, status),
        },
        t('误报驳回', 'Dismiss'),
      ),
      h(
        'button',
        { class: 'primary', disabled: v.review === 'dismissed', onclick: () => dispatch(v, status) },
        t('派单整改', 'Dispatch'),
      ),
      canReplay()
        ? h('button', { class: 'play-recording', onclick: () => replayViolation(v) }, t('录像', 'Recording'))
        : null,
    ),
    status,
  );
}

function place(v) {
  const list = document.getElementById('feed-list');
  const el = render(v);
  const old = items.get(v.id);
  if (old) old.el.replaceWith(el);
  else list.prepend(el);
  items.set(v.id, { v, el });
  const feedNotice = document.getElementById('feed-notice');
  if (!feedNotice.classList.contains('error')) notice(feedNotice, '');
  deps.onOpenCount(openCounts());
}

const known = new Set(); // violation ids heard of on this page (their evidence may arrive before the card)
const latest = new Map(); // id -> sequence of the newest request: an older answer never overwrites a newer one

async function refresh(id) {
  const seq = (latest.get(id) || 0) + 1;
  latest.set(id, seq);
  try {
    const v = await api(`/api/violations/${id}`);
    if (latest.get(id) === seq) place(v);
  } catch (e) {
    notice(document.getElementById('feed-notice'), errText(e), 'error');
  }
}

export async function startFeed(socket, d) {
  deps = d;
  const feedNotice = document.getElementById('feed-notice');
  for (const type of ['violation.started', 'violation.updated', 'violation.ended', 'violation.reviewed'])
    socket.on(type, (ev) => {
      known.add(ev.payload.violationId);
      refresh(ev.payload.violationId);
    });
  socket.on('evidence.unavailable', (ev) => {
    if (known.has(ev.payload.violationId)) refresh(ev.payload.violationId);
  });
  socket.on('evidence.stored', (ev) => {
    if (ev.payload.violationId && known.has(ev.payload.violationId)) refresh(ev.payload.violationId);
  });
  // (Re)load the pending list on every socket connect: events missed while disconnected are not replayed.
  const loadPending = async () => {
    try {
      const page = await api('/api/violations?review=pending&limit=30');
      for (const v of [...page.items].reverse()) {
        known.add(v.id);
        await refresh(v.id);
      }
      if (page.items.length === 0 && items.size === 0)
        notice(feedNotice, t('暂无待处理违章', 'No pending violations'));
    } catch (e) {
      notice(feedNotice, errText(e), 'error');
    }
  };
  socket.on('connect', loadPending);
}
