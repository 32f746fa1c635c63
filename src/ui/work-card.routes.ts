import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../app-services.ts';
import { principalOf } from '../platform/http/auth-hook.ts';
import { ErrorSchema } from '../platform/http/schemas.ts';
import { SuspendCauseSchema } from '../work/permits/permits.schemas.ts';

const Person = Type.Union([
  Type.Object({ username: Type.String(), displayName: Type.String() }),
  Type.Null(),
]);
const WorkCardSchema = Type.Object({
  permitId: Type.String(),
  number: Type.String(),
  kind: Type.String(),
  level: Type.Union([Type.String(), Type.Null()]),
  state: Type.String(),
  /** while suspended (or revoked): why, in words and as the typed cause the phone describes */
  suspendReason: Type.Union([Type.String(), Type.Null()]),
  suspendCause: Type.Union([SuspendCauseSchema, Type.Null()]),
  location: Type.String(),
  validTo: Type.String(),
  guardian: Person,
  workers: Type.Array(Type.Object({ username: Type.String(), displayName: Type.String() })),
  cameras: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
});

/**
 * What the welder's phone shows after an accepted scan: the permit with its guardian's and cameras'
 * names (the permit itself carries only ids, and a welder may not list users or cameras). Tenancy and
 * visibility are the permits service's own (`detail` refuses what the caller may not see).
 */
export const workCardRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const cameraNames = new Map<string, string>();
  for (const s of services.config.sites) for (const c of s.cameras) cameraNames.set(c.id, c.name);
  app.get(
    '/api/ui/work-card/:permitId',
    {
      config: { permission: 'permit:read' },
      schema: {
        tags: ['ui'],
        summary: 'Permit card for the phone 手机作业卡',
        params: Type.Object({ permitId: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: WorkCardSchema, 404: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (req) => {
      const { permit: p } = services.work.permits.detail(req.params.permitId, principalOf(req));
      const person = (id: number | null) => {
        const u = id === null ? undefined : services.users.byId(id);
        return u ? { username: u.username, displayName: u.displayName } : null;
      };
      return {
        permitId: p.id,
        number: p.number,
        kind: p.kind,
        level: p.level,
        state: p.state,
        suspendReason: p.suspendReason,
        suspendCause: p.suspendCause ?? null,
        location: p.location,
        validTo: new Date(p.validTo).toISOString(),
        guardian: person(p.guardianUserId),
        workers: p.workers.map((w) => person(w.userId) ?? { username: w.username, displayName: w.username }),
        cameras: p.cameraIds.map((id) => ({ id, name: cameraNames.get(id) ?? id })),
      };
    },
  );
};
