import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema, fileResponse } from '../../platform/http/schemas.ts';
import { certificateLedgerTable } from './certificate-ledger.ts';
import { toXlsx } from './table.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The 特种作业人员台账 of the caller's enterprise (or one enterprise of a regulator's region) as XLSX. */
export const certificateLedgerRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/certificates/ledger.xlsx',
    {
      config: { permission: 'report:export' },
      schema: {
        tags: ['certificates'],
        summary: 'Special-work personnel ledger 特种作业人员台账 (XLSX)',
        querystring: Type.Object(
          { enterprise: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
          { additionalProperties: false },
        ),
        response: { 200: fileResponse('the ledger 台账', [XLSX]), 404: ErrorSchema },
      },
    },
    async (req, reply) => {
      const { scope } = principalOf(req);
      if (req.query.enterprise) scope.assert(req.query.enterprise);
      const ids = req.query.enterprise ? [req.query.enterprise] : [...scope.enterpriseIds];
      const { certificates } = services.work;
      const now = services.clock.now();
      const names = services.tenancy
        .enterprises()
        .filter((e) => ids.includes(e.id))
        .map((e) => e.name);
      const table = certificateLedgerTable({
        certificates: certificates.list({ ...scope, enterpriseIds: new Set(ids) }),
        holderName: (id) => services.users.byId(id)?.displayName ?? String(id),
        status: (c) => certificates.statusOf(c, now),
        enterpriseName: names.join('、'),
        now,
        utcOffsetMinutes: certificates.utcOffsetMinutes,
      });
      const body = await toXlsx(table);
      const day = new Date(now).toISOString().slice(0, 10);
      return reply
        .type(XLSX)
        .header('content-disposition', `attachment; filename="certificate-ledger-${day}.xlsx"`)
        .header('content-length', body.length)
        .send(body);
    },
  );
};
