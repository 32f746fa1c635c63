import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { NatsConnection } from 'nats';
import { AuthErrors } from '../../platform/auth/auth.service.ts';
import { formJson } from '../../oversight/reports/annex-form.ts';
import { toPdf } from '../../oversight/reports/annex-pdf.ts';
import { toAnnexCsv, toAnnexXlsx } from '../../oversight/reports/annex-xlsx.ts';
import { ANNEX_FORM_NAMES, parseFormRange, ReportErrors } from '../../oversight/reports/forms/index.ts';
import { REPORT_FONT, reportFont } from '../../oversight/reports/pdf-font/report-font.ts';
import type { HubConfig } from '../config.ts';
import { HubDeskErrors, type HubDesk } from '../desk/desk.ts';
import { fetchEvidence } from '../desk/evidence.ts';
import { HUB_FORM_UTC_OFFSET_MINUTES, hubAnnexForm, type PhotoFetch } from '../desk/forms.ts';
import type { ReadRepo } from '../store/read.repo.ts';

export interface HubReportDeps {
  desk: HubDesk;
  read: ReadRepo;
  config: HubConfig;
  nc: NatsConnection;
}

const FormQuery = Type.Object(
  {
    region: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    from: Type.String({ minLength: 10, maxLength: 40, description: 'YYYY-MM-DD or a date-time with a zone' }),
    to: Type.String({ minLength: 10, maxLength: 40, description: 'YYYY-MM-DD (included) or a date-time' }),
    format: Type.Optional(
      Type.Union([Type.Literal('json'), Type.Literal('xlsx'), Type.Literal('csv'), Type.Literal('pdf')]),
    ),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
  },
  { additionalProperties: false },
);
const MEDIA = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  pdf: 'application/pdf',
} as const;

/**
 * The annex forms (附件1/2/4/5) across the regulator's region at the hub, built by the box's own
 * builders over the hub's read model (desk/forms.ts), rendered by the box's renderers. The range is
 * read as on the box (`parseFormRange`, 400 JH_ERR_REPORT_BAD_RANGE); a region other than the
 * regulator's is 404, like anything outside it.
 */
export const hubReportRoutes: FastifyPluginAsyncTypebox<HubReportDeps> = async (app, d) => {
  for (const name of ANNEX_FORM_NAMES) {
    app.get(
      `/api/hub/reports/${name}`,
      { config: { permission: 'authenticated' }, schema: { querystring: FormQuery } },
      async (req, reply) => {
        const u = req.hubUser;
        if (!u) throw AuthErrors.missing();
        const q = req.query;
        if (q.region !== undefined && q.region !== u.regionId)
          throw HubDeskErrors.notFound({ region: q.region });
        const range = parseFormRange(q.from, q.to, HUB_FORM_UTC_OFFSET_MINUTES);
        if (!range) throw ReportErrors.badRange({ from: q.from, to: q.to });
        const format = q.format ?? 'json';
        // photos are embedded in XLSX and PDF only: ask the boxes for them then, and only then
        const photos: PhotoFetch | null =
          format === 'xlsx' || format === 'pdf'
            ? (boxId, hazardId, sha) =>
                fetchEvidence(d.nc, boxId, hazardId, sha, d.config.nats.evidenceTimeoutMs, 'hazard-photo')
            : null;
        const region = d.desk.region(u.regionId);
        const form = await hubAnnexForm(d.read, d.config, region, name, range, Date.now(), photos);
        if (format === 'json') return formJson(form, q.page ?? 1, q.pageSize ?? 200);
        reply.header('content-disposition', `attachment; filename="${form.fileStem}.${format}"`);
        const body =
          format === 'csv'
            ? toAnnexCsv(form)
            : format === 'pdf'
              ? toPdf(
                  form,
                  reportFont(REPORT_FONT, (msg, detail) => req.log.warn(detail, msg)),
                )
              : await toAnnexXlsx(form);
        return reply.type(MEDIA[format]).send(body);
      },
    );
  }
};
