import { ErrorSchema } from '../../platform/http/schemas.ts';
import type { GasTest, Permit } from './domain/types.ts';

/**
 * Permits as the HTTP API shows them: times as ISO strings (the domain keeps epoch ms), absent
 * optional fields as null. Shared by the permit routes and the field-work routes.
 */
export const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function permitToApi(p: Permit) {
  return {
    ...p,
    validFrom: isoOrNull(p.validFrom)!,
    validTo: isoOrNull(p.validTo)!,
    signatures: p.signatures.map((s) => ({ ...s, at: isoOrNull(s.at)! })),
    measures: p.measures.map((m) => ({ ...m, confirmedAt: isoOrNull(m.confirmedAt) })),
    startedAt: isoOrNull(p.startedAt),
    suspendedAt: isoOrNull(p.suspendedAt),
    endedAt: isoOrNull(p.endedAt),
    createdAt: isoOrNull(p.createdAt)!,
    workPoint: p.workPoint ?? null,
    suspendCause: p.suspendCause ?? null,
  };
}

export const gasToApi = (g: GasTest) => ({ ...g, takenAt: isoOrNull(g.takenAt)! });

/** The coded refusals a permit route may answer with. */
export const permitRouteErrors = { 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
