import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
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
/**
 * adapt and rollback take no options: no body or `{}`. Anything else (a version to roll back to, a step
 * count) is refused with a coded 400 rather than ignored, so no caller believes it chose what it did not.
 */
const NoOptions = Type.Union([Type.Null(), Type.Object({}, { additionalProperties: false })], {
  description: 'no body, or an empty object',
});
const BASE = '/api/admin/models/ppe-hardhat';
const SHARED_BOX_NOTE =
  ' The site model serves every camera on the box: an enterprise admin is refused (403 `JH_ERR_ADAPT_SHARED_BOX`) while the box holds cameras or crops of another enterprise.';

/**
 * Site learning of the hard-hat model: status, adapt (202, runs in the background), rollback. Each
 * needs `model:adapt` and a box whose cameras and crops are all the caller's enterprise's (box-owner.ts).
 */
export const adaptRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const adaptationFor = (req: FastifyRequest) => {
    services.siteLearning.assertSoleEnterprise(principalOf(req).principal.enterpriseId);
    return services.siteLearning.adaptation;
  };
  app.get(
    `${BASE}/site`,
    {
      config: { permission: 'model:adapt' },
      schema: {
        tags: ['models'],
        summary: 'Site learning status and versions 现场学习状态与版本',
        description: SHARED_BOX_NOTE.trim(),
        response: { 200: StatusSchema, 403: ErrorSchema },
      },
    },
    async (req) => adaptationFor(req).status(),
  );
  app.post(
    `${BASE}/adapt`,
    {
      config: { permission: 'model:adapt' },
      schema: {
        tags: ['models'],
        summary: 'Retrain the hard-hat head on the site’s reviewed crops 现场学习',
        description:
          'Starts a run (202) and returns; poll GET …/site. Adopted only if the held-back site crops agree better with the officers and the shipped validation figure drops by at most adapt.margin; the workers then load it.' +
          SHARED_BOX_NOTE,
        body: NoOptions,
        response: { 202: StatusSchema, 403: ErrorSchema, 409: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (req, reply) => {
      const adaptation = adaptationFor(req);
      void adaptation.start().catch(() => undefined); // recorded in status().lastError and the log
      return reply.code(202).send(adaptation.status());
    },
  );
  app.post(
    `${BASE}/rollback`,
    {
      config: { permission: 'model:adapt' },
      schema: {
        tags: ['models'],
        summary: 'Back to the previous version 回退到上一版本',
        description:
          'Returns to the version in use before the current one (the shipped model when there was none); it takes no version.' +
          SHARED_BOX_NOTE,
        body: NoOptions,
        response: { 200: StatusSchema, 403: ErrorSchema, 409: ErrorSchema, 500: ErrorSchema },
      },
    },
    async (req) => {
      const adaptation = adaptationFor(req);
      await adaptation.rollback();
      return adaptation.status();
    },
  );
};
