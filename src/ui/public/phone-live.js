// The phone follows its permit live: every permit.* event of the enterprise arrives over socket.io
// (src/platform/realtime), and one about a followed permit reloads its work card, so a suspension
// turns the screen red at once, with the reason in words; resumed turns it green again.
import { io } from '/ui/vendor/socket.io.esm.min.js';
import { api, h, session, t } from './common.js';

const followed = new Map(); // permitId → render(card)
let socket = null;

async function reload(permitId) {
  const render = followed.get(permitId);
  if (!render) return;
  try {
    render(await api(`/api/ui/work-card/${encodeURIComponent(permitId)}`));
  } catch {
    /* the next event or reconnect tries again */
  }
}

function connect() {
  const s = session();
  if (socket || !s) return;
  socket = io({ auth: { token: s.token }, transports: ['websocket'] });
  // events missed while offline: reload everything followed on every (re)connect
  socket.on('connect', () => {
    for (const id of followed.keys()) void reload(id);
  });
  socket.onAny((type, event) => {
    if (typeof type === 'string' && type.startsWith('permit.') && followed.has(event?.payload?.permitId))
      void reload(event.payload.permitId);
  });
}

/** Calls `render(card)` now and whenever the permit changes. */
export function followPermit(permitId, render) {
  followed.set(permitId, render);
  connect();
  void reload(permitId);
}

export function unfollowAll() {
  followed.clear();
}

/** Why the permit stopped, in words (its typed cause; a person's own words for a manual suspension). */
export function suspendWords(card) {
  const c = card.suspendCause;
  const camera = (id) => card.cameras?.find((x) => x.id === id)?.name || id;
  switch (c?.kind) {
    case 'monitoring_lost':
      return t(
        `监控中断：${camera(c.cameraId)}${c.stateZh}，恢复监控前不得作业`,
        `Monitoring lost: ${camera(c.cameraId)} ${c.state}; no work until it is back`,
      );
    case 'guardian_left':
      return t(
        '监护人离开作业现场，监护人返回前不得作业',
        'The guardian left the site; no work until they return',
      );
    case 'gas_monitoring_overdue':
      return t(
        `气体检测超过 ${c.everyHours} 小时未记录，重新检测合格前不得作业`,
        `No gas reading for over ${c.everyHours} h; no work until a new test passes`,
      );
    case 'manual':
      return c.note;
    default:
      return card.suspendReason || t('作业票已暂停', 'The permit is suspended');
  }
}

/**
 * How a permit state looks on the phone: `go` green (work may go on), `stop` red (stop now), `ended`
 * grey (nothing more to do on it).
 */
export function liveState(card) {
  switch (card.state) {
    case 'active':
    case 'approved':
      return { look: 'go', title: t('可以作业', 'You may work'), reason: null };
    case 'suspended':
      return { look: 'stop', title: t('暂停作业', 'Work suspended'), reason: suspendWords(card) };
    case 'revoked':
      return {
        look: 'stop',
        title: t('作业票已撤销', 'Permit revoked'),
        reason: card.suspendReason || t('立即停止作业', 'Stop work now'),
      };
    case 'expired':
      return {
        look: 'stop',
        title: t('作业票已过期', 'Permit expired'),
        reason: t('立即停止作业', 'Stop work now'),
      };
    case 'completed':
      return { look: 'ended', title: t('作业已完成', 'Work completed'), reason: null };
    default:
      return { look: 'stop', title: t('不得作业', 'Work refused'), reason: card.state };
  }
}

/** A permit card for the guardian's list: number, place and its live state. */
export function permitTile(card) {
  const st = liveState(card);
  return h(
    'div',
    {
      class: `result ${st.look === 'go' ? 'accepted' : st.look === 'stop' ? 'refused' : 'ended'}`,
      'data-permit': card.permitId,
    },
    h('h2', {}, st.title),
    st.reason ? h('p', { class: 'live-reason' }, st.reason) : null,
    h('p', {}, `${card.number} · ${card.location}`),
    h('p', { class: 'muted' }, card.workers.map((w) => w.displayName).join('、')),
  );
}
