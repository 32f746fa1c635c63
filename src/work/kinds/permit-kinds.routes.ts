import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorSchema } from '../../platform/http/schemas.ts';
import { KINDS } from './index.ts';

const Name = Type.Object({ zh: Type.String(), en: Type.String() });

export const PermitKindSchema = Type.Object({
  id: Type.String(),
  numberPrefix: Type.String(),
  name: Name,
  shortName: Name,
  levels: Type.Array(Type.Object({ id: Type.String(), name: Name })),
});

/**
 * `GET /api/permit-kinds`: the registered kinds with their Chinese and English names and levels, so
 * the browser pages (wall, audit) label permits from the same facts the service decides on. It holds
 * no tenant data, so any signed-in user may read it.
 */
export const permitKindsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/permit-kinds',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['permits'],
        summary: 'Kinds of work and their levels 作业类型与级别',
        response: { 200: Type.Array(PermitKindSchema), 401: ErrorSchema },
      },
    },
    async () => KINDS.summaries(),
  );
};
