import type { HazardState } from '../../hazards/hazard.machine.ts';
import type { Hazard, HazardFilter, HazardPhoto } from '../../hazards/hazards.repo.ts';
import type { HazardSource } from './form-source.ts';

/** One hazard loaded for a request: the row, its photos, and the times it entered each state. */
export interface LoadedHazard {
  hazard: Hazard;
  photos: HazardPhoto[];
  steps: { toState: HazardState; at: string }[];
}

/**
 * A `HazardSource` over rows already in memory: the county hub loads a region's hazards from
 * PostgreSQL (async) and then runs the forms' synchronous builders over this. Same filters and
 * order as `HazardsRepo.list` (found_at, then id; ISO strings compare as times).
 */
export function memoryHazardSource(rows: readonly LoadedHazard[]): HazardSource {
  const byId = new Map(rows.map((r) => [r.hazard.id, r]));
  const sorted = [...rows]
    .map((r) => r.hazard)
    .sort((a, b) => (a.foundAt < b.foundAt ? -1 : a.foundAt > b.foundAt ? 1 : a.id - b.id));
  return {
    list(f: HazardFilter): Hazard[] {
      const ids = new Set(f.enterpriseIds);
      return sorted
        .filter(
          (h) =>
            ids.has(h.enterpriseId) &&
            (f.state === undefined || h.state === f.state) &&
            (f.level === undefined || h.level === f.level) &&
            (f.stage === undefined || h.stage === f.stage) &&
            (f.responsibleUserId === undefined || h.responsibleUserId === f.responsibleUserId) &&
            (f.from === undefined || h.foundAt >= f.from) &&
            (f.to === undefined || h.foundAt < f.to),
        )
        .slice(0, f.limit ?? 10_000);
    },
    get: (id) => byId.get(id)?.hazard,
    photos: (id) => byId.get(id)?.photos ?? [],
    transitionsInWindow(enterpriseIds, toState, from, to) {
      const ids = new Set(enterpriseIds);
      return rows
        .filter((r) => ids.has(r.hazard.enterpriseId))
        .flatMap((r) =>
          r.steps
            .filter((s) => s.toState === toState && s.at >= from && s.at < to)
            .map((s) => ({ hazardId: r.hazard.id, at: s.at })),
        )
        .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.hazardId - b.hazardId));
    },
  };
}
