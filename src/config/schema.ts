import Type, { type Static } from 'typebox';
import { DetectConfigSchema } from '../vision/detect/config.schema.ts';
import { AdaptConfigSchema } from '../vision/adapt/config.schema.ts';
import { RulesConfigSchema } from '../supervision/rules/config.schema.ts';
import { EvidenceConfigSchema } from '../video/evidence/config.schema.ts';
import { RecordingConfigSchema } from '../video/recording/config.schema.ts';
import { IngestConfigSchema } from '../video/ingest/config.schema.ts';
import { rtspTransportSchema } from '../video/sources/config.schema.ts';
import { AuditConfigSchema } from '../oversight/audit/config.schema.ts';
import { ReportsConfigSchema } from '../oversight/reports/config.schema.ts';
import { PermitsConfigSchema } from '../work/permits/config.schema.ts';
import { ZoneSchema } from '../supervision/zones/zone.schema.ts';
import { ROLES } from '../platform/auth/roles.ts';
import { IdSchema } from '../platform/shared/id-schema.ts';
import { HubLinkConfigSchema } from '../platform/uplink/config.schema.ts';

export { ROLES, type Role } from '../platform/auth/roles.ts';
export {
  ZONE_KINDS,
  PointSchema,
  ZoneSchema,
  type ZoneConfig,
  type ZoneKind,
} from '../supervision/zones/zone.schema.ts';

/**
 * The one configuration schema. Every object rejects unknown keys (Frigate's extra="forbid"); the
 * TypeScript types below are derived from it and never written twice. Defaults live here too, so a
 * config file only needs what differs from them.
 */
const strict = { additionalProperties: false } as const;
const Id = IdSchema;

export const CameraSchema = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    url: Type.String({
      minLength: 1,
      description:
        'substream used for detection and health, e.g. rtsp://host/cam1; the scheme picks the source type (rtsp, rtsps, http, https, file or a bare file path)',
    }),
    recordUrl: Type.Optional(
      Type.String({ minLength: 1, description: 'main stream for clips; defaults to url' }),
    ),
    rtspTransport: Type.Optional(rtspTransportSchema('Defaults to ingest.rtspTransport')),
    enabled: Type.Boolean({ default: true }),
    zones: Type.Array(ZoneSchema, { default: [] }),
    rules: Type.Optional(Type.Partial(RulesConfigSchema)),
  },
  strict,
);

export const SiteSchema = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    enterpriseId: Id,
    cameras: Type.Array(CameraSchema, { default: [] }),
    rules: Type.Optional(Type.Partial(RulesConfigSchema)),
  },
  strict,
);

export const EnterpriseSchema = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    regionId: Id,
    industry: Type.String({ default: '冶金' }),
  },
  strict,
);

/** A region (市, 县 or 镇); `parent` nests it (a 镇 under its 县, a 县 under its 市): a regulator of a
 * region sees the enterprises of every region below it. */
export const RegionSchema = Type.Object(
  { id: Id, name: Type.String({ minLength: 1 }), parent: Type.Optional(Id) },
  strict,
);

export const UserSchema = Type.Object(
  {
    username: Type.String({ pattern: '^[A-Za-z0-9_.-]{2,64}$' }),
    displayName: Type.String({ minLength: 1 }),
    role: Type.Union(ROLES.map((r) => Type.Literal(r))),
    enterpriseId: Type.Optional(Id),
    regionId: Type.Optional(Id),
    password: Type.Optional(
      Type.String({ minLength: 8, description: 'demo only; prefer passwordHash or passwordEnv' }),
    ),
    passwordHash: Type.Optional(Type.String({ pattern: '^\\$argon2' })),
    passwordEnv: Type.Optional(Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$' })),
  },
  strict,
);

export const ConfigSchema = Type.Object(
  {
    server: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8780 }),
        bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 50 * 1024 * 1024, default: 1024 * 1024 }),
        sessionTtlHours: Type.Number({ exclusiveMinimum: 0, maximum: 720, default: 12 }),
        allowedOrigins: Type.Array(Type.String({ pattern: '^https?://[^/\\s]+$' }), {
          default: [],
          description:
            'origins (scheme://host[:port]) besides the request Host that may use the session cookie, e.g. the public address of a reverse proxy',
        }),
        https: Type.Object(
          {
            enabled: Type.Boolean({
              default: true,
              description: 'also serve HTTPS (phones need it for the camera and the plant LAN)',
            }),
            port: Type.Integer({ minimum: 0, maximum: 65535, default: 8443 }),
            certFile: Type.Optional(
              Type.String({
                minLength: 1,
                description:
                  'the plant’s own certificate (PEM, chain after it); without it a self-signed one',
              }),
            ),
            keyFile: Type.Optional(
              Type.String({ minLength: 1, description: 'the private key (PEM) of certFile' }),
            ),
          },
          { ...strict, default: {} },
        ),
        publicUrl: Type.Optional(
          Type.String({
            pattern: '^https?://[^/\\s?#]+/?$',
            description:
              'scheme://host[:port] phones open (printed in machine QR labels); default https://<first LAN address>:<https port>',
          }),
        ),
        metricsToken: Type.Optional(
          Type.String({
            minLength: 16,
            description: '/metrics needs "Authorization: Bearer <token>"; without one, loopback peers only',
          }),
        ),
        logLevel: Type.Union(
          ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
          {
            default: 'info',
          },
        ),
      },
      { ...strict, default: {} },
    ),
    store: Type.Object(
      {
        path: Type.String({ minLength: 1, default: 'data/jianhu.db' }),
        dataDir: Type.String({
          minLength: 1,
          default: 'data',
          description: 'evidence, secrets and exports live here',
        }),
      },
      { ...strict, default: {} },
    ),
    retention: Type.Object(
      {
        healthDays: Type.Integer({
          minimum: 400,
          default: 400,
          description: 'camera health records (permits are kept ≥ 1 year)',
        }),
        evidenceDays: Type.Integer({
          minimum: 31,
          default: 90,
          description: 'unattached evidence; attached evidence is never deleted',
        }),
      },
      { ...strict, default: {} },
    ),
    mqtt: Type.Object(
      {
        embedded: Type.Boolean({ default: true, description: 'run the embedded broker (aedes)' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 1883 }),
        host: Type.String({ default: '127.0.0.1' }),
        url: Type.Optional(
          Type.String({ pattern: '^mqtts?://', description: 'external broker instead of the embedded one' }),
        ),
        username: Type.Optional(
          Type.String({ minLength: 1, maxLength: 128, description: 'external broker: the service’s user' }),
        ),
        passwordEnv: Type.Optional(
          Type.String({
            pattern: '^[A-Z_][A-Z0-9_]*$',
            description: 'external broker: environment variable holding the service’s password',
          }),
        ),
        caFile: Type.Optional(
          Type.String({
            minLength: 1,
            description: 'external broker: CA certificate (PEM) to trust for mqtts://',
          }),
        ),
        clientId: Type.String({
          pattern: '^[A-Za-z0-9_-]{1,23}$',
          default: 'jianhu-service',
          description: 'the service’s stable client id; its session persists (clean: false) across restarts',
        }),
        maxPacketBytes: Type.Integer({
          minimum: 1024,
          maximum: 268_435_455,
          default: 65_536,
          description: 'embedded broker: a larger packet closes the connection from its header',
        }),
        devicePublishPerSecond: Type.Number({
          exclusiveMinimum: 0,
          maximum: 1000,
          default: 10,
          description:
            'embedded broker: per-device publish rate (bursts of twice this); beyond it the device is disconnected',
        }),
        tls: Type.Optional(
          Type.Object(
            {
              certFile: Type.String({ minLength: 1 }),
              keyFile: Type.String({ minLength: 1 }),
            },
            { ...strict, description: 'embedded broker: listen with TLS (mqtts://) on the plant network' },
          ),
        ),
      },
      { ...strict, default: {} },
    ),
    regions: Type.Array(RegionSchema, { default: [] }),
    enterprises: Type.Array(EnterpriseSchema, { default: [] }),
    sites: Type.Array(SiteSchema, { default: [] }),
    users: Type.Array(UserSchema, { default: [] }),
    ingest: IngestConfigSchema,
    detect: DetectConfigSchema,
    adapt: AdaptConfigSchema,
    rules: RulesConfigSchema,
    evidence: EvidenceConfigSchema,
    recording: RecordingConfigSchema,
    audit: AuditConfigSchema,
    reports: ReportsConfigSchema,
    permits: PermitsConfigSchema,
    hub: Type.Optional(HubLinkConfigSchema),
  },
  strict,
);

export type Config = Static<typeof ConfigSchema>;
export type SiteConfig = Static<typeof SiteSchema>;
export type CameraConfig = Static<typeof CameraSchema>;
export type UserConfig = Static<typeof UserSchema>;
