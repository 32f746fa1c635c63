import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../../app-services.ts';
import { principalOf } from '../../platform/http/auth-hook.ts';
import { ErrorSchema } from '../../platform/http/schemas.ts';
import { resolveRules, type RuleName } from '../rules/defaults.ts';
import { RULES } from '../rules/rules.ts';
import { VIOLATION_INFO } from '../rules/types.ts';

const RuleSchema = Type.Object({
  name: Type.String(),
  type: Type.String(),
  typeZh: Type.String(),
  enabled: Type.Boolean(),
  severity: Type.String(),
  minHits: Type.Integer(),
  window: Type.Integer(),
  dwellSeconds: Type.Number(),
  clearSeconds: Type.Number(),
  cooldownSeconds: Type.Number(),
  /** why the rule cannot fire now (no model for its labels, no guardian post...), or why it is off */
  note: Type.Union([Type.String(), Type.Null()]),
});

const OFF_REASON: Partial<Record<RuleName, string>> = {
  smoking:
    '默认关闭：没有能识别吸烟的模型（火焰/烟雾模型针对明火，不能证明吸烟）。Off by default: no model here recognises smoking.',
};

/** GET /api/cameras/:id/rules — the effective rule settings of a camera and why a rule is silent. */
export const rulesRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/cameras/:id/rules',
    {
      config: { permission: 'camera:read' },
      schema: {
        tags: ['zones'],
        summary: 'Effective rules of a camera 摄像头规则',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: {
          200: Type.Object({ cameraId: Type.String(), rules: Type.Array(RuleSchema) }),
          404: ErrorSchema,
          503: ErrorSchema,
        },
      },
    },
    async (req) => {
      const { scope } = principalOf(req);
      let ref;
      try {
        ref = services.supervision.zones.camera(req.params.id);
      } catch {
        return scope.assert(undefined) as never;
      }
      scope.assert(ref.enterpriseId);
      const params = resolveRules(services.config.rules, ref.site.rules, ref.camera.rules);
      const live = new Map(services.supervision.pipeline.status(req.params.id).map((s) => [s.name, s]));
      return {
        cameraId: req.params.id,
        rules: RULES.map((r) => {
          const p = params[r.name];
          return {
            name: r.name,
            type: r.type,
            typeZh: VIOLATION_INFO[r.type].zh,
            enabled: p.enabled,
            severity: p.severity,
            minHits: p.minHits,
            window: p.window,
            dwellSeconds: p.dwellMs / 1000,
            clearSeconds: p.clearMs / 1000,
            cooldownSeconds: p.cooldownMs / 1000,
            note: p.enabled
              ? (live.get(r.name)?.inactiveReason ?? null)
              : (OFF_REASON[r.name] ?? 'disabled in config 配置关闭'),
          };
        }),
      };
    },
  );
};
