import type { ActivePermitsProvider, CameraPermits } from '../rules/types.ts';

/** Kinds of the permits active on a camera at a time (the work context's ActivePermitsIndex.kindsOn). */
export type ActivePermitKinds = (cameraId: string, ts: number) => readonly string[];

/**
 * Active permits per camera for the rules (guardian_absent, hot_work_unpermitted), read from the work
 * context's in-memory index, which the `permit.*` events keep current (no polling, no cache to age).
 * A failing lookup counts as "no active permit".
 */
export function permitsProvider(kindsOn: ActivePermitKinds): ActivePermitsProvider {
  return {
    activeOn(cameraId, ts): CameraPermits {
      try {
        const kinds = new Set(kindsOn(cameraId, ts));
        return { hotWork: kinds.has('hot_work'), confinedSpace: kinds.has('confined_space') };
      } catch {
        return { hotWork: false, confinedSpace: false };
      }
    },
  };
}
