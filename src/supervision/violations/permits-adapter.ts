import { NO_ACTIVE_PERMITS, type ActivePermitsProvider, type CameraPermits } from '../rules/types.ts';

/** What the adapter needs of the permits module: active permits bound to a camera (kind only). */
export type ActivePermitsOnCamera = (cameraId: string) => readonly { kind: string }[];

/**
 * The facts of a kind of work the rules need: the structural part of the work context's `WorkKind`
 * (src/work/kinds), so the composition root passes `(id) => KINDS.find(id)` and supervision imports
 * nothing from work.
 */
export interface PermitKindFacts {
  guardian: { required: boolean };
  supervision: { allowsOpenFlame: boolean };
}
export type KindFactsOf = (kindId: string) => PermitKindFacts | undefined;

/** A kind nobody registered still counts as a permit: demand the guardian, allow no flame. */
const UNKNOWN_KIND: PermitKindFacts = {
  guardian: { required: true },
  supervision: { allowsOpenFlame: false },
};

/**
 * Active permits per camera for the rules (guardian_absent, hot_work_unpermitted), read from the
 * permits module (`permits.boundTo('camera', id, ['active'])`), told apart by their kinds' facts, and
 * cached for `ttlMs` so a 2 fps pipeline does not query SQLite for every frame. A failing lookup
 * counts as "no active permit".
 */
export function permitsProvider(
  lookup: ActivePermitsOnCamera,
  factsOf: KindFactsOf,
  ttlMs = 1000,
): ActivePermitsProvider {
  const cache = new Map<string, { at: number; v: CameraPermits }>();
  return {
    activeOn(cameraId, ts) {
      const hit = cache.get(cameraId);
      if (hit && Math.abs(ts - hit.at) < ttlMs) return hit.v;
      let v: CameraPermits = NO_ACTIVE_PERMITS;
      try {
        const kinds = [...new Set(lookup(cameraId).map((p) => p.kind))];
        const facts = kinds.map((k) => factsOf(k) ?? UNKNOWN_KIND);
        v = {
          guardianRequired: facts.some((f) => f.guardian.required),
          openFlameAllowed: facts.some((f) => f.supervision.allowsOpenFlame),
          kinds,
        };
      } catch {
        // keep the safe reading; the permits module logs its own failures
      }
      cache.set(cameraId, { at: ts, v });
      return v;
    },
  };
}
