/* global CSS, document, location, setInterval, window */
import { io } from '/ui/vendor/socket.io.esm.min.js';
import { api, errText, notice, requireSession, topBar, typingIn } from './common.js';
import { loadPermitKinds } from './permit-kinds.js';
import { tickCountdowns } from './permit-gas.js';
import { renderBoard } from './permits-board.js';
import { renderCreate } from './permit-create.js';
import { renderDetail } from './permit-detail.js';
import { noteResumeBlocked } from './permit-actions.js';
import { startMyHazards } from './my-hazards.js';

// 作业票 desk: the board (#), a new permit (#new), one permit (#p/<id>). What a role may do comes from
// GET /api/me's permissions, so a page never offers a button the service would refuse by role.
const s = requireSession(['safety_officer', 'guardian', 'approver', 'enterprise_admin', 'regulator']);
const view = document.getElementById('permits-view');
const status = document.getElementById('permits-notice');

/** Lists the page needs; each may be refused by role, then it stays empty. */
const quiet = (p, fallback) => p.catch(() => fallback);

async function context() {
  const me = await api('/api/me');
  const perms = new Set(me.permissions || []);
  const [cams, enterprises, users, machines] = await Promise.all([
    perms.has('camera:read') ? quiet(api('/api/cameras'), { cameras: [] }) : { cameras: [] },
    perms.has('enterprise:read') ? quiet(api('/api/enterprises'), []) : [],
    perms.has('user:read') ? quiet(api('/api/users'), []) : [],
    perms.has('machine:read') ? quiet(api('/api/machines'), []) : [],
    loadPermitKinds(),
  ]);
  const cameras = cams.cameras;
  const sites = enterprises.flatMap((e) => e.sites.map((x) => ({ ...x, enterpriseId: e.id })));
  return {
    me: me.user,
    can: (perm) => perms.has(perm),
    cameras,
    cameraName: (id) => cameras.find((c) => c.id === id)?.name ?? id,
    sites,
    siteName: (id) => sites.find((x) => x.id === id)?.name ?? id,
    users,
    machines,
    view,
    status,
    go: (hash) => {
      if (location.hash === hash) route();
      else location.hash = hash;
    },
  };
}

let ctx = null;
let current = null; // { kind: 'board' } | { kind: 'detail', id }
let pending = false;

async function route() {
  notice(status, '');
  const hash = location.hash.slice(1);
  try {
    if (hash === 'new') {
      current = { kind: 'create' };
      await renderCreate(ctx);
    } else if (hash.startsWith('p/')) {
      current = { kind: 'detail', id: decodeURIComponent(hash.slice(2)) };
      await renderDetail(ctx, current.id);
    } else {
      current = { kind: 'board' };
      await renderBoard(ctx);
    }
  } catch (e) {
    notice(status, errText(e), 'error');
  }
}

/** A live change: the board or the permit shown is read again — unless someone is typing in it. */
async function liveRefresh(event) {
  if (!current || current.kind === 'create') return;
  if (current.kind === 'detail' && event && event.payload?.permitId !== current.id) return;
  if (typingIn(view)) {
    pending = true;
    return;
  }
  pending = false;
  await route();
}

async function start() {
  topBar('作业票', 'Permits');
  ctx = await context();
  window.addEventListener('hashchange', route);
  await route();
  setInterval(() => {
    tickCountdowns(view);
    if (pending && !typingIn(view)) void liveRefresh(null);
  }, 1000);
  const socket = io({ auth: { token: s.token }, transports: ['websocket'] });
  socket.on('connect', () => void liveRefresh(null)); // events missed while away are not replayed
  // the landing screen of the guardian, the applicant and the approver: the hazards dispatched to them
  void startMyHazards(socket, document.getElementById('my-hazards'));
  const PERMIT_EVENTS = [
    'permit.created',
    'permit.submitted',
    'permit.approved',
    'permit.rejected',
    'permit.started',
    'permit.suspended',
    'permit.resumed',
    'permit.resumeBlocked',
    'permit.completed',
    'permit.revoked',
    'permit.expired',
    'permit.gasTested',
  ];
  // a bound camera's health shows on the permit: read it again when one changes
  socket.on('camera.healthChanged', (ev) => {
    const id = ev.payload?.cameraId;
    const shown = typeof id === 'string' && view.querySelector(`.cam[data-camera="${CSS.escape(id)}"]`);
    if (current?.kind === 'detail' && shown) void liveRefresh(null);
  });
  for (const type of PERMIT_EVENTS)
    socket.on(type, (ev) => {
      if (type === 'permit.resumeBlocked') noteResumeBlocked(ev.payload);
      void liveRefresh(ev);
    });
}

if (s) start().catch((e) => notice(status, errText(e), 'error'));
