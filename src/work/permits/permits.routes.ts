import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema } from '../../platform/http/schemas.ts';
import type { RoutePermission } from '../../platform/http/auth-hook.ts';
import type { Permit } from './domain/types.ts';
import { gasToApi, isoOrNull, permitRouteErrors as errors, permitToApi } from './permits.api.ts';
import {
  AuthorityBody,
  AuthoritySchema,
  CreatePermitBody,
  GuardianBody,
  LinkBody,
  ListQuery,
  PermitDetailSchema,
  PermitIdParams,
  PermitSchema,
  ReasonBody,
} from './permits.schemas.ts';

/** 作业票 routes: CRUD, transitions, links, the guardian named, approver authority (field work: field.routes.ts). */
export const permitsRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const { permits } = services.work;
  const tags = ['permits'];

  app.post(
    '/api/permits',
    {
      config: { permission: 'permit:create' },
      schema: {
        tags,
        summary: 'Create a permit draft 新建作业票',
        body: CreatePermitBody,
        response: { 201: PermitSchema, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const p = permits.create(principalOf(req), {
        ...b,
        level: b.level ?? null,
        validFrom: Date.parse(b.validFrom),
        validTo: Date.parse(b.validTo),
        guardian: b.guardian ?? null,
        lelPct: b.lelPct ?? null,
        workPoint: b.workPoint ?? null,
      });
      return reply.status(201).send(permitToApi(p));
    },
  );

  app.get(
    '/api/permits',
    {
      config: { permission: 'permit:read' },
      schema: {
        tags,
        summary: 'List permits 作业票列表',
        querystring: ListQuery,
        response: { 200: Type.Array(PermitSchema) },
      },
    },
    async (req) => permits.list(principalOf(req), req.query.state, req.query.limit).map(permitToApi),
  );

  app.get(
    '/api/permits/:id',
    {
      config: { permission: 'permit:read' },
      schema: {
        tags,
        summary: 'A permit with gas tests, history and monitoring gaps 作业票详情',
        params: PermitIdParams,
        response: { 200: PermitDetailSchema, 404: ErrorSchema },
      },
    },
    async (req) => {
      const d = permits.detail(req.params.id, principalOf(req));
      return {
        permit: permitToApi(d.permit),
        gasTests: d.gasTests.map(gasToApi),
        history: d.history.map((h) => ({ ...h, at: isoOrNull(h.at)! })),
        gaps: d.gaps.map((g) => ({
          ...g,
          startedAt: isoOrNull(g.startedAt)!,
          endedAt: isoOrNull(g.endedAt),
        })),
        serverTime: isoOrNull(services.clock.now())!,
      };
    },
  );

  const transitions: [string, RoutePermission, string, (id: string, req: never) => Permit][] = [
    [
      'submit',
      'permit:create',
      'Submit for approval 提交审批',
      (id, req) => permits.submit(id, principalOf(req)),
    ],
    ['approve', 'permit:approve', 'Approve 审批通过', (id, req) => permits.approve(id, principalOf(req))],
    [
      'start',
      'permit:operate',
      'Start work (gate) 开始作业',
      (id, req) => permits.start(id, principalOf(req)),
    ],
    [
      'resume',
      'permit:operate',
      'Resume work (gate) 恢复作业',
      (id, req) => permits.resume(id, principalOf(req)),
    ],
    ['complete', 'permit:operate', 'Complete 完工验收', (id, req) => permits.complete(id, principalOf(req))],
  ];
  for (const [action, permission, summary, run] of transitions) {
    app.post(
      `/api/permits/:id/${action}`,
      {
        config: { permission },
        schema: { tags, summary, params: PermitIdParams, response: { 200: PermitSchema, ...errors } },
      },
      async (req) => permitToApi(run(req.params.id, req as never)),
    );
  }

  const withReason: [string, RoutePermission, string, (id: string, req: never, reason: string) => Permit][] =
    [
      [
        'reject',
        'permit:approve',
        'Reject back to draft 驳回',
        (id, req, r) => permits.reject(id, principalOf(req), r),
      ],
      [
        'suspend',
        'permit:operate',
        'Suspend 暂停作业',
        (id, req, r) => permits.suspend(id, principalOf(req), { kind: 'manual', note: r }),
      ],
      ['revoke', 'permit:operate', 'Revoke 撤销', (id, req, r) => permits.revoke(id, principalOf(req), r)],
    ];
  for (const [action, permission, summary, run] of withReason) {
    app.post(
      `/api/permits/:id/${action}`,
      {
        config: { permission },
        schema: {
          tags,
          summary,
          params: PermitIdParams,
          body: ReasonBody,
          response: { 200: PermitSchema, ...errors },
        },
      },
      async (req) => permitToApi(run(req.params.id, req as never, req.body.reason)),
    );
  }

  app.post(
    '/api/permits/:id/links',
    {
      config: { permission: 'permit:create' },
      schema: {
        tags,
        summary: 'Link a permit whose work overlaps (SIMOPS) 关联交叉作业票',
        params: PermitIdParams,
        body: LinkBody,
        response: { 200: PermitSchema, ...errors },
      },
    },
    async (req) => permitToApi(permits.link(req.params.id, principalOf(req), req.body.permitId)),
  );

  app.put(
    '/api/permits/:id/guardian',
    {
      config: { permission: 'permit:create' },
      schema: {
        tags,
        summary: 'Assign the guardian 指定监护人',
        params: PermitIdParams,
        body: GuardianBody,
        response: { 200: PermitSchema, ...errors },
      },
    },
    async (req) => permitToApi(permits.assignGuardian(req.params.id, principalOf(req), req.body.guardian)),
  );

  app.get(
    '/api/approvers/:username/authority',
    {
      config: { permission: 'user:read' },
      schema: {
        tags,
        summary: 'An approver’s authority 审批权限 (null: none granted)',
        params: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: Type.Object({ authority: Type.Union([AuthoritySchema, Type.Null()]) }), ...errors },
      },
    },
    async (req) => ({ authority: permits.authorityOf(principalOf(req), req.params.username) }),
  );

  app.put(
    '/api/approvers/:username/authority',
    {
      config: { permission: 'user:write' },
      schema: {
        tags,
        summary:
          'Set an approver’s authority 设置审批权限 (leader 主管领导 / safety_dept 安全管理部门 / unit 作业单位)',
        params: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: AuthorityBody,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (req, reply) => {
      permits.setAuthority(principalOf(req), req.params.username, req.body.authority);
      return reply.status(204).send(null);
    },
  );
};
