import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { gasToApi, permitRouteErrors as errors, permitToApi } from './permits.api.ts';
import { GasTestBody, GasTestSchema, PermitIdParams, PermitSchema } from './permits.schemas.ts';

/** Field work on a permit (field.service.ts): gas analyses, safety measures confirmed, the guardian at post. */
export const permitFieldRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const { field } = services.work;
  const tags = ['permits'];

  app.post(
    '/api/permits/:id/gas-tests',
    {
      config: { permission: 'gas:record' },
      schema: {
        tags,
        summary: 'Record a gas analysis 气体分析',
        params: PermitIdParams,
        body: GasTestBody,
        response: { 201: GasTestSchema, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const g = field.recordGas(req.params.id, principalOf(req), {
        analyst: b.analyst,
        takenAt: b.takenAt ? Date.parse(b.takenAt) : undefined,
        o2Pct: b.o2Pct ?? null,
        combustiblePct: b.combustiblePct,
        h2sPpm: b.h2sPpm ?? null,
        coPpm: b.coPpm ?? null,
      });
      return reply.status(201).send(gasToApi(g));
    },
  );

  app.post(
    '/api/permits/:id/measures/:index/confirm',
    {
      config: { permission: 'permit:operate' },
      schema: {
        tags,
        summary: 'Confirm a safety measure 确认安全措施',
        params: Type.Object({
          id: Type.String({ minLength: 1, maxLength: 64 }),
          index: Type.Integer({ minimum: 0, maximum: 49 }),
        }),
        response: { 200: PermitSchema, ...errors },
      },
    },
    async (req) => permitToApi(field.confirmMeasure(req.params.id, principalOf(req), req.params.index)),
  );

  for (const action of ['check-in', 'check-out'] as const) {
    app.post(
      `/api/permits/:id/guardian/${action}`,
      {
        config: { permission: 'permit:operate' },
        schema: {
          tags,
          summary:
            action === 'check-in' ? 'Guardian at post 监护人到岗' : 'Guardian leaves (work stops) 监护人离岗',
          params: PermitIdParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, reply) => {
        if (action === 'check-in') field.checkIn(req.params.id, principalOf(req));
        else field.checkOut(req.params.id, principalOf(req));
        return reply.status(204).send(null);
      },
    );
  }
};
