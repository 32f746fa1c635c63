/**
 * Which camera's latest frame goes to the next free inference worker (pure: no I/O, no timers).
 *
 * Each camera wants a rate: `activeFps` while it watches an active permit, saw a person within
 * `peopleHoldMs` or its picture moved within `motionHoldMs` (motion.ts), `idleFps` otherwise. A camera
 * is due one period after its last dispatch. Among due cameras the most overdue goes first, with a
 * head start for priority cameras (active permit: 2 s, people in view: 1 s; none for motion): under
 * overload priority cameras keep their rate while idle and moving cameras slow down, but none is
 * starved for longer than the head start (a person walking in is seen).
 */
export interface PolicySettings {
  activeFps: number;
  idleFps: number;
  peopleHoldMs: number;
  /** a camera whose picture moved this recently runs at the active rate (0: motion is not used) */
  motionHoldMs: number;
  /** cells of the motion grid (motion.ts) that must move for a frame to count as motion */
  motionCells: number;
  maxFrameAgeMs: number;
}

export interface CameraView {
  cameraId: string;
  /** the frame waiting in the camera's one-slot mailbox (receive time), if any */
  pendingTs: number | undefined;
  inFlight: boolean;
  /** last dispatch time (−Infinity if never) */
  lastDispatchAt: number;
  activePermit: boolean;
  lastPersonAt: number;
  /** last frame in which the picture moved (−Infinity if never) */
  lastMotionAt: number;
}

export const PERMIT_HEAD_START_MS = 2_000;
export const PEOPLE_HEAD_START_MS = 1_000;

export type Priority = 'permit' | 'people' | 'motion' | 'idle';

export function priorityOf(c: CameraView, now: number, s: PolicySettings): Priority {
  if (c.activePermit) return 'permit';
  if (now - c.lastPersonAt <= s.peopleHoldMs) return 'people';
  return s.motionHoldMs > 0 && now - c.lastMotionAt <= s.motionHoldMs ? 'motion' : 'idle';
}

export function periodMs(c: CameraView, now: number, s: PolicySettings): number {
  return 1000 / (priorityOf(c, now, s) === 'idle' ? s.idleFps : s.activeFps);
}

export function dueAt(c: CameraView, now: number, s: PolicySettings): number {
  return c.lastDispatchAt + periodMs(c, now, s);
}

const headStart = (p: Priority): number =>
  p === 'permit' ? PERMIT_HEAD_START_MS : p === 'people' ? PEOPLE_HEAD_START_MS : 0;

export interface Pick {
  /** cameras to dispatch now, best first (at most `free`) */
  dispatch: string[];
  /** cameras whose pending frame is older than the per-frame budget: drop it */
  stale: string[];
  /** earliest time a waiting frame becomes due (for the timer), if any */
  nextDueAt: number | undefined;
}

export function pickNext(cameras: Iterable<CameraView>, now: number, free: number, s: PolicySettings): Pick {
  const due: { id: string; key: number }[] = [];
  const stale: string[] = [];
  let nextDueAt: number | undefined;
  for (const c of cameras) {
    if (c.pendingTs === undefined || c.inFlight) continue;
    if (now - c.pendingTs > s.maxFrameAgeMs) {
      stale.push(c.cameraId);
      continue;
    }
    const at = dueAt(c, now, s);
    if (at <= now) due.push({ id: c.cameraId, key: at - headStart(priorityOf(c, now, s)) });
    else if (nextDueAt === undefined || at < nextDueAt) nextDueAt = at;
  }
  due.sort((a, b) => a.key - b.key);
  const dispatch = due.slice(0, Math.max(0, free)).map((d) => d.id);
  return { dispatch, stale, nextDueAt };
}

/**
 * The dispatch time to remember for a camera dispatched `now`: its due time when it was served less
 * than one period late (the cadence holds: 2/s stays 2/s instead of drifting by each frame's wait —
 * with many cameras sampled at 3 fps, waits of a few hundred ms are routine), else `now` (no
 * catch-up bursts after a long stall).
 */
export function dispatchStamp(c: CameraView, now: number, s: PolicySettings): number {
  const due = dueAt(c, now, s);
  return now - due < periodMs(c, now, s) ? due : now;
}

/** Whether a frame arriving now would be inferred if a worker were free (else it is a rate skip). */
export function wouldBeDue(c: CameraView, now: number, s: PolicySettings): boolean {
  return dueAt(c, now, s) <= now;
}
