import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { ErrorSchema } from '../../platform/http/schemas.ts';

const FiguresSchema = Type.Object({ site: Type.Number(), shipped: Type.Number() });
const VersionSchema = Type.Object({
  version: Type.Integer(),
  file: Type.String(),
  sha256: Type.String(),
  bytes: Type.Integer(),
  createdAt: Type.String(),
  baseSha256: Type.String(),
  data: Type.Record(Type.String(), Type.Integer()),
  before: FiguresSchema,
  after: FiguresSchema,
  margin: Type.Number(),
  adopted: Type.Boolean(),
  reason: Type.String(),
  cpuSeconds: Type.Number(),
  previous: Type.Union([Type.Integer(), Type.Null()]),
  rolledBackAt: Type.Union([Type.String(), Type.Null()]),
});
const StatusSchema = Type.Object({
  running: Type.Boolean(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  inUse: Type.Union([Type.Integer(), Type.Null()], {
    description: 'the site version in use; null: the shipped model',
  }),
  crops: Type.Object({ pending: Type.Integer(), confirmed: Type.Integer(), dismissed: Type.Integer() }),
  minCrops: Type.Integer(),
  versions: Type.Array(VersionSchema),
});
const BASE = '/api/admin/models/ppe-hardhat';

/** Site learning of the hard-hat model: status, adapt (202, runs in the background), rollback. */
export const adaptRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const svc = () => services.siteLearning.adaptation;
  app.get(
    `${BASE}/site`,
    {
      config: { permission: 'model:adapt' },
      schema: {
        tags: ['models'],
        summary: 'Site learning status and versions 现场学习状态与版本',
        response: { 200: StatusSchema },
      },
    },
    async () => svc().status(),
  );
  app.post(
    `${BASE}/adapt`,
    {
      config: { permission: 'model:adapt' },
      schema: {
        tags: ['models'],
        summary: 'Retrain the hard-hat head on the site’s reviewed crops 现场学习',
        description:
          'Starts a run (202) and returns; poll GET …/site. Adopted only if the held-back site crops agree better with the officers and the shipped validation figure drops by at most adapt.margin; the workers then load it.',
        response: { 202: StatusSchema, 409: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (_req, reply) => {
      void svc()
        .start()
        .catch(() => undefined); // recorded in status().lastError and the log
      return reply.code(202).send(svc().status());
    },
  );
  app.post(
    `${BASE}/rollback`,
    {
      config: { permission: 'model:adapt' },
      schema: {
        tags: ['models'],
        summary: 'Back to the previous version 回退到上一版本',
        response: { 200: StatusSchema, 409: ErrorSchema, 500: ErrorSchema },
      },
    },
    async () => {
      await svc().rollback();
      return svc().status();
    },
  );
};
