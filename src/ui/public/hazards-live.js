/* global document, setInterval, clearTimeout, setTimeout */
import { io } from '/ui/vendor/socket.io.esm.min.js';
import { session } from './common.js';

// The hazard board hears the closed loop over socket.io (src/platform/realtime: every hazard.* event
// of the caller's enterprises, after commit) and re-renders on a change. Events missed while
// disconnected are not replayed, so every (re)connect re-renders too; while the socket is down a slow
// poll stands in (deadlines pass, others act).
export const HAZARD_EVENTS = [
  'hazard.registered',
  'hazard.assessed',
  'hazard.dispatched',
  'hazard.rectified',
  'hazard.verified',
  'hazard.closed',
  'hazard.overdue',
];
const FALLBACK_POLL_MS = 60_000;
/** a burst of events (one dispatch publishes two) re-renders once */
const SETTLE_MS = 200;

let socket = null;

/** One socket per page, shared by the board and 我的整改. */
export function hazardSocket() {
  socket ??= io({ auth: { token: session().token }, transports: ['websocket'] });
  return socket;
}

/**
 * Calls `onChange(hazardIds)` after hazard events (the ids they named; empty after a reconnect or a
 * fallback poll, meaning "anything may have changed").
 */
export function watchHazards(onChange) {
  const sock = hazardSocket();
  let pending = null;
  let timer = null;
  const flush = () => {
    const ids = pending;
    pending = null;
    timer = null;
    onChange(ids);
  };
  const changed = (ids) => {
    pending = pending === null ? new Set(ids) : new Set([...pending, ...ids]);
    if (ids.length === 0) pending.add('*');
    clearTimeout(timer);
    timer = setTimeout(flush, SETTLE_MS);
  };
  for (const type of HAZARD_EVENTS) sock.on(type, (ev) => changed([ev?.payload?.hazardId]));
  let first = true;
  sock.on('connect', () => {
    document.body.dataset.live = 'on';
    if (first)
      first = false; // the page has just rendered: nothing was missed yet
    else changed([]);
  });
  sock.on('disconnect', () => (document.body.dataset.live = 'off'));
  setInterval(() => {
    if (!sock.connected) changed([]);
  }, FALLBACK_POLL_MS);
  return sock;
}
