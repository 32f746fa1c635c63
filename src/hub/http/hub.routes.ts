import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { NatsConnection } from 'nats';
import { AuthErrors } from '../../platform/auth/auth.service.ts';
import { HubDeskErrors, isOverviewMeasure } from '../desk/desk.ts';
import { fetchEvidence } from '../desk/evidence.ts';
import type { HubDesk } from '../desk/desk.ts';
import type { ReadRepo } from '../store/read.repo.ts';
import type { HubConsumer } from '../ingest/consumer.ts';
import { HUB_COOKIE, tokenOf, type HubAuth, type HubUser } from './hub-auth.ts';

export interface HubRouteDeps {
  auth: HubAuth;
  desk: HubDesk;
  read: ReadRepo;
  nc: NatsConnection;
  consumer: HubConsumer;
  evidenceTimeoutMs: number;
  secureCookie: boolean;
}

const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' });
const me = (u: HubUser | null): HubUser => {
  if (!u) throw AuthErrors.missing();
  return u;
};

/** The hub's API: every answer is limited to the signed-in regulator's region. */
export const hubRoutes: FastifyPluginAsyncTypebox<HubRouteDeps> = async (app, d) => {
  app.post(
    '/api/hub/login',
    {
      config: {
        permission: 'public',
        rateLimit: {
          max: 10,
          timeWindow: '1 minute',
          hook: 'preHandler',
          keyGenerator: (req) =>
            `${req.ip}|${(req.body as { username?: string } | undefined)?.username ?? ''}`,
        },
      },
      schema: {
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 64 }),
            password: Type.String({ minLength: 1, maxLength: 256 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const s = await d.auth.login(req.body.username, req.body.password);
      const maxAge = Math.round((Date.parse(s.expiresAt) - Date.now()) / 1000);
      reply.header(
        'set-cookie',
        `${HUB_COOKIE}=${s.token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${d.secureCookie ? '; Secure' : ''}`,
      );
      return s;
    },
  );
  app.post('/api/hub/logout', { config: { permission: 'authenticated' } }, async (req, reply) => {
    const token = tokenOf(req);
    if (token) await d.auth.logout(token);
    reply.header('set-cookie', `${HUB_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    return reply.status(204).send();
  });
  app.get('/api/hub/me', { config: { permission: 'authenticated' } }, async (req) => {
    const u = me(req.hubUser);
    return { user: u, ...d.desk.region(u.regionId) };
  });
  app.get(
    '/api/hub/overview',
    {
      config: { permission: 'authenticated' },
      schema: {
        querystring: Type.Object(
          {
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            sort: Type.Optional(Type.String({ maxLength: 40 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const u = me(req.hubUser);
      const to = req.query.to ?? new Date().toISOString();
      const from = req.query.from ?? new Date(Date.parse(to) - 7 * 86_400_000).toISOString();
      const sort = req.query.sort ?? 'unwatchedMinutes';
      if (!isOverviewMeasure(sort)) throw HubDeskErrors.badRange({ sort });
      return d.desk.overview(d.desk.region(u.regionId), { from, to, sort });
    },
  );
  app.get('/api/hub/permits/running', { config: { permission: 'authenticated' } }, async (req) => ({
    items: await d.desk.running(d.desk.region(me(req.hubUser).regionId)),
  }));
  app.get(
    '/api/hub/permits/:boxId/:permitId/coverage',
    { config: { permission: 'authenticated' }, schema: { params: Type.Object({ boxId: Id, permitId: Id }) } },
    async (req) =>
      d.desk.coverage(d.desk.region(me(req.hubUser).regionId), req.params.boxId, req.params.permitId),
  );
  const Page = Type.Object(
    {
      limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
      offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
    },
    { additionalProperties: false },
  );
  app.get(
    '/api/hub/violations',
    { config: { permission: 'authenticated' }, schema: { querystring: Page } },
    async (req) => ({
      items: await d.read.violations(
        d.desk.region(me(req.hubUser).regionId).enterpriseIds,
        req.query.limit,
        req.query.offset,
      ),
    }),
  );
  app.get(
    '/api/hub/violations/:boxId/:violationId/evidence',
    {
      config: { permission: 'authenticated' },
      schema: { params: Type.Object({ boxId: Id, violationId: Type.Integer({ minimum: 1 }) }) },
    },
    async (req, reply) => {
      const r = d.desk.region(me(req.hubUser).regionId);
      const v = await d.read.violation(req.params.boxId, req.params.violationId);
      if (!v || !v.enterpriseId || !r.enterpriseIds.includes(v.enterpriseId))
        throw HubDeskErrors.notFound(req.params);
      const ev = await fetchEvidence(
        d.nc,
        req.params.boxId,
        req.params.violationId,
        v.evidenceSha256,
        d.evidenceTimeoutMs,
      );
      return reply
        .header('content-type', ev.contentType)
        .header('x-evidence-sha256', ev.sha256)
        .send(ev.bytes);
    },
  );
  app.get(
    '/api/hub/hazards',
    {
      config: { permission: 'authenticated' },
      schema: {
        querystring: Type.Object({ open: Type.Boolean({ default: true }) }, { additionalProperties: false }),
      },
    },
    async (req) => ({
      items: await d.read.hazards(d.desk.region(me(req.hubUser).regionId).enterpriseIds, req.query.open),
    }),
  );
  /** each box of the region: how far its chain has reached the hub, and its open alarms */
  app.get('/api/hub/boxes', { config: { permission: 'authenticated' } }, async (req) => {
    const { boxIds } = d.desk.region(me(req.hubUser).regionId);
    const [heads, alarms] = await Promise.all([d.read.heads(boxIds), d.read.openAlarmCounts(boxIds)]);
    return {
      items: boxIds.map((boxId) => ({
        boxId,
        headSeq: heads.get(boxId)?.seq ?? 0,
        lastEventAt: heads.get(boxId)?.updatedAt ?? null,
        openAlarms: alarms.get(boxId) ?? 0,
      })),
    };
  });
  app.get('/api/hub/alarms', { config: { permission: 'authenticated' } }, async (req) => ({
    items: await d.read.alarms(d.desk.region(me(req.hubUser).regionId).boxIds, 500),
  }));
  /** what the consumer has done since start (public: counts only, for monitoring and the bench) */
  app.get('/api/hub/health', { config: { permission: 'public' } }, async () => ({
    ok: true,
    nats: d.nc.isClosed() ? 'closed' : 'connected',
    ingest: d.consumer.stats,
  }));
};
