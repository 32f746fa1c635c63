import { NO_ACTIVE_PERMITS, type ActivePermitsProvider, type CameraPermits } from '../rules/types.ts';

/** Kinds of the permits active on a camera at a time (the work context's ActivePermitsIndex.kindsOn). */
export type ActivePermitKinds = (cameraId: string, ts: number) => readonly string[];

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
 * Active permits per camera for the rules (guardian_absent, hot_work_unpermitted), read from the work
 * context's in-memory index, which the `permit.*` events keep current (no polling, no cache to age),
 * and told apart by their kinds' facts. A failing lookup counts as "no active permit".
 */
export function permitsProvider(kindsOn: ActivePermitKinds, factsOf: KindFactsOf): ActivePermitsProvider {
  return {
    activeOn(cameraId, ts): CameraPermits {
      try {
        const kinds = [...new Set(kindsOn(cameraId, ts))];
        const facts = kinds.map((k) => factsOf(k) ?? UNKNOWN_KIND);
        return {
          guardianRequired: facts.some((f) => f.guardian.required),
          openFlameAllowed: facts.some((f) => f.supervision.allowsOpenFlame),
          kinds,
        };
      } catch {
        return NO_ACTIVE_PERMITS;
      }
    },
  };
}
