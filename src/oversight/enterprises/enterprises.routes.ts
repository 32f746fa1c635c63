import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema, fileContent } from '../../platform/http/schemas.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import { TenancyErrors } from '../../platform/tenancy/scope.ts';
import type { Grade } from '../reports/risk-grade.ts';
import { toXlsx } from '../reports/table.ts';
import { CONTACT_ROLES, GAS_AREA_CLASSES, INDUSTRY_CLASSES, SCALES } from './classification.ts';
import {
  CodeListsSchema,
  GradeSchema,
  OverrideBody,
  RecordPatchBody,
  RecordSchema,
} from './enterprises.schemas.ts';

const errors = { 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const EnterpriseParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
const RegionParams = EnterpriseParams;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * 一企一档 and 分级分类. The record: read by whoever sees the enterprise (its people, its regulators),
 * written by its enterprise_admin (enterprise:write; a regulator is refused 403, another enterprise's
 * admin 404). The grade: read the same way; overridden by a regulator of the region (grade:override).
 * The 分级分类台账 of a region: its regulators (and those of the regions above it) only.
 */
export const enterpriseRecordRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const { records, grading } = services.oversight;
  const tags = ['enterprises'];

  app.get(
    '/api/enterprise-codes',
    {
      config: { permission: 'enterprise:read' },
      schema: {
        tags,
        summary: 'Code lists of the record: industries, scales, gas-area classes, contact roles 档案代码表',
        response: { 200: CodeListsSchema },
      },
    },
    async () => ({
      industryClasses: INDUSTRY_CLASSES,
      scales: SCALES,
      gasAreaClasses: GAS_AREA_CLASSES,
      contactRoles: CONTACT_ROLES,
    }),
  );

  app.get(
    '/api/enterprises/:id/record',
    {
      config: { permission: 'enterprise:read' },
      schema: {
        tags,
        summary: 'The enterprise record 一企一档',
        params: EnterpriseParams,
        response: { 200: RecordSchema, ...errors },
      },
    },
    async (req) => records.get(principalOf(req).scope, req.params.id),
  );

  app.patch(
    '/api/enterprises/:id/record',
    {
      config: { permission: 'enterprise:write' },
      schema: {
        tags,
        summary: 'Edit the enterprise record (its enterprise admin) 编辑企业档案',
        params: EnterpriseParams,
        body: RecordPatchBody,
        response: { 200: RecordSchema, ...errors },
      },
    },
    async (req) => {
      const { principal, scope } = principalOf(req);
      return records.update(principal, scope, req.params.id, req.body);
    },
  );

  app.get(
    '/api/enterprises/:id/grade',
    {
      config: { permission: 'enterprise:read' },
      schema: {
        tags,
        summary: 'The A/B/C/D grade: computed, the regulator override and its history 企业分级',
        params: EnterpriseParams,
        response: { 200: GradeSchema, ...errors },
      },
    },
    async (req) => grading.gradeOf(principalOf(req).scope, req.params.id),
  );

  app.post(
    '/api/enterprises/:id/grade/override',
    {
      config: { permission: 'grade:override' },
      schema: {
        tags,
        summary: 'Set or withdraw the regulator grade, with a reason 调整监管等级',
        params: EnterpriseParams,
        body: OverrideBody,
        response: { 201: GradeSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { principal, scope } = principalOf(req);
      const g = grading.override(
        principal,
        scope,
        req.params.id,
        req.body.grade as Grade | null,
        req.body.reason,
      );
      return reply.status(201).send(g);
    },
  );

  /** The enterprises of a region the caller supervises (the region is its own or below it), else 404. */
  const regionEnterprises = (p: Principal, regionId: string) => {
    const own = p.role === 'regulator' && p.regionId ? services.tenancy.regionIdsWithin(p.regionId) : [];
    const region = services.tenancy.regions().find((r) => r.id === regionId);
    if (!region || !own.includes(regionId)) throw TenancyErrors.notVisible();
    return { region, ids: services.tenancy.enterpriseIdsInRegion(regionId) };
  };

  app.get(
    '/api/regions/:id/grading',
    {
      config: { permission: 'report:export' },
      schema: {
        tags,
        summary: "Grades of a region's enterprises (its regulators) 辖区企业分级",
        params: RegionParams,
        response: { 200: Type.Object({ items: Type.Array(GradeSchema) }), ...errors },
      },
    },
    async (req) => {
      const { ids } = regionEnterprises(principalOf(req).principal, req.params.id);
      return { items: grading.gradesOf(ids) };
    },
  );

  app.get(
    '/api/regions/:id/grading.xlsx',
    {
      config: { permission: 'report:export' },
      schema: {
        tags,
        summary: '分级分类台账 (XLSX) of a region',
        params: RegionParams,
        response: { 200: { description: '分级分类台账', content: fileContent([XLSX]) }, ...errors },
      },
    },
    async (req, reply) => {
      const { region, ids } = regionEnterprises(principalOf(req).principal, req.params.id);
      const table = grading.ledger(region.name, ids);
      reply.header('content-disposition', `attachment; filename="grading-${region.id}.xlsx"`);
      return reply.type(XLSX).send(await toXlsx(table));
    },
  );
};
