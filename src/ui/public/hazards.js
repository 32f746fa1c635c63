/* global document, location, window */
import { api, errText, notice, requireSession, topBar, typingIn } from './common.js';
import { renderHazardBoard } from './hazards-board.js';
import { renderHazardDetail } from './hazards-detail.js';
import { renderRegister } from './hazards-register.js';
import { loadCatalogue } from './hazards-text.js';
import { watchHazards } from './hazards-live.js';
import { startMyHazards } from './my-hazards.js';

// 隐患整改: the board by state (#), register (#new), one hazard with its next step (#h/<id>). Whoever
// cannot manage hazards (guardian, approver) lands on 我的整改, the hazards dispatched to them.
const s = requireSession(['safety_officer', 'guardian', 'approver', 'enterprise_admin', 'regulator']);
const view = document.getElementById('hazards-view');
const status = document.getElementById('hazards-notice');
const quiet = (p, fallback) => p.catch(() => fallback);

async function context() {
  const [me, people, enterprises] = await Promise.all([
    api('/api/me'),
    quiet(api('/api/hazard-people'), []),
    quiet(api('/api/enterprises'), []),
    loadCatalogue(),
  ]);
  const perms = new Set(me.permissions || []);
  const sites = enterprises.flatMap((e) => e.sites.map((x) => ({ ...x, enterpriseId: e.id })));
  return {
    me: me.user,
    enterpriseIds: me.enterpriseIds,
    can: (perm) => perms.has(perm),
    people,
    personName: (id) => people.find((p) => p.userId === id)?.displayName ?? (id ? `#${id}` : '—'),
    enterpriseName: (id) => enterprises.find((e) => e.id === id)?.name ?? id,
    sites,
    view,
    status,
    go: (hash) => {
      if (location.hash === hash) route();
      else location.hash = hash;
    },
  };
}

let ctx = null;
let current = null;

async function route() {
  notice(status, '');
  const hash = location.hash.slice(1);
  try {
    if (hash === 'new') {
      current = { kind: 'new' };
      renderRegister(ctx);
    } else if (hash.startsWith('h/')) {
      current = { kind: 'detail', id: Number(hash.slice(2)) };
      await renderHazardDetail(ctx, current.id);
    } else {
      current = { kind: 'board' };
      await renderHazardBoard(ctx);
    }
  } catch (e) {
    notice(status, errText(e), 'error');
  }
}

if (s) {
  topBar('隐患整改', 'Hazards');
  context()
    .then((c) => {
      ctx = c;
      window.addEventListener('hashchange', route);
      // others act and deadlines pass (hazard.overdue): the board, or the hazard open, re-renders on
      // the events over socket.io, never while someone is typing (hazards-live.js; slow poll offline)
      const socket = watchHazards((ids) => {
        if (typingIn(view)) return;
        if (current?.kind === 'board') route();
        else if (current?.kind === 'detail' && (ids.has('*') || ids.has(current.id))) route();
      });
      void startMyHazards(socket, document.getElementById('my-hazards'));
      return route();
    })
    .catch((e) => notice(status, errText(e), 'error'));
}
