import type { ActivePermitsProvider, CameraPermits } from '../rules/types.ts';

/** What the adapter needs of the permits module: active permits bound to a camera (kind only). */
export type ActivePermitsOnCamera = (cameraId: string) => readonly { kind: string }[];

/**
 * Active permits per camera for the rules (guardian_absent, hot_work_unpermitted), read from the
 * permits module (`permits.boundTo('camera', id, ['active'])`) and cached for `ttlMs` so a 2 fps
 * pipeline does not query SQLite for every frame. A failing lookup counts as "no active permit".
 */
export function permitsProvider(lookup: ActivePermitsOnCamera, ttlMs = 1000): ActivePermitsProvider {
  const cache = new Map<string, { at: number; v: CameraPermits }>();
  return {
    activeOn(cameraId, ts) {
      const hit = cache.get(cameraId);
      if (hit && Math.abs(ts - hit.at) < ttlMs) return hit.v;
      let v: CameraPermits = { hotWork: false, confinedSpace: false };
      try {
        const kinds = new Set(lookup(cameraId).map((p) => p.kind));
        v = { hotWork: kinds.has('hot_work'), confinedSpace: kinds.has('confined_space') };
      } catch {
        // keep the safe reading; the permits module logs its own failures
      }
      cache.set(cameraId, { at: ts, v });
      return v;
    },
  };
}
