/* global document, window, Notification */
import { api, h, t } from './common.js';
import { fmtTime } from './hazards-text.js';

// 我的整改 on a person's landing screen (#22): the hazards dispatched to me and not yet rectified, with
// a badge, and the notice the service sends to me alone (hazard.responsibleNotified over socket.io to
// my sessions: dispatched to me, or overdue) shown as it arrives, with a browser notification when
// the page is in the background. Roles without hazard:read (a welder) are never responsible: no card.
const OPEN = new Set(['dispatched']);

function render(mount, items, last) {
  const overdue = items.filter((x) => x.overdueLevel > 0).length;
  mount.hidden = items.length === 0 && !last;
  mount.replaceChildren(
    h(
      'h3',
      {},
      t('我的整改', 'My rectifications'),
      ' ',
      h(
        'span',
        { class: `badge ${overdue ? 'open' : 'pending'}`, id: 'my-hazards-badge' },
        String(items.length),
      ),
    ),
    last
      ? h(
          'p',
          { class: `notice ${last.why === 'overdue' ? 'error' : ''}`, id: 'my-hazards-notice' },
          t(last.titleZh, last.title),
        )
      : null,
    h(
      'ul',
      { class: 'my-hazards' },
      items.map((x) =>
        h(
          'li',
          { 'data-hazard': String(x.id) },
          h('a', { href: `/ui/hazards.html#h/${x.id}` }, `#${x.id} ${x.description}`),
          ' ',
          h(
            'span',
            { class: 'muted' },
            x.deadline ? `${t('期限', 'Due')} ${fmtTime(x.deadline)}` : '',
            x.overdueLevel > 0
              ? t(`（已逾期，第 ${x.overdueLevel} 级）`, ` (overdue, level ${x.overdueLevel})`)
              : '',
          ),
        ),
      ),
    ),
  );
  // the nav link to 隐患整改 carries the count too, on every page that mounts this card
  const link = document.querySelector('header.topbar a[href="/ui/hazards.html"]');
  if (link) {
    link.querySelector('.badge')?.remove();
    if (items.length) link.append(' ', h('span', { class: 'badge open' }, String(items.length)));
  }
}

/** Shows 我的整改 in `mount` and keeps it current over `socket`. */
export async function startMyHazards(socket, mount) {
  let last = null;
  const load = async () => {
    try {
      const r = await api('/api/hazards?responsible=me&limit=200');
      render(
        mount,
        r.items.filter((x) => OPEN.has(x.state)),
        last,
      );
    } catch {
      mount.hidden = true; // no hazard:read (a welder), or offline: the next event or reconnect tries again
    }
  };
  socket.on('hazard.responsibleNotified', (ev) => {
    last = ev.payload;
    void load();
    if (document.hidden && window.Notification?.permission === 'granted')
      new Notification(t('隐患整改通知', 'Hazard notice'), { body: t(last.titleZh, last.title) });
  });
  // others' steps on my hazards (rectified and sent back, closed) reach the enterprise room
  for (const type of ['hazard.verified', 'hazard.closed', 'hazard.rectified']) socket.on(type, load);
  // data-live says whether notices can arrive now (a test waits for it before it dispatches)
  socket.on('connect', () => ((mount.dataset.live = 'on'), load()));
  socket.on('disconnect', () => (mount.dataset.live = 'off'));
  if (socket.connected) mount.dataset.live = 'on';
  await load();
}
