import Type, { type Static } from 'typebox';

/**
 * `hub:` — the box's uplink to a county hub over NATS JetStream (issue #24). Absent: the box works
 * alone, as before, and its outbox keeps every event unshipped until it joins a hub.
 *
 * Credentials are an NATS nkey (ed25519): the box keeps the seed, the hub's nats-server config holds
 * only the public key, so nothing secret is copied to the hub and each box is revoked by deleting
 * one line there. `jianhu hub box-key` makes a seed and prints its public key.
 */
export const HubLinkConfigSchema = Type.Object(
  {
    servers: Type.Array(Type.String({ pattern: '^(nats|tls)://[^\\s/]+$' }), {
      minItems: 1,
      maxItems: 16,
      description:
        'the hub’s nats-server (or the box’s own leaf nats-server), e.g. nats://hub.county.example:4222; tls:// needs TLS',
    }),
    boxId: Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$',
      description: 'this box’s id at the hub: one NATS subject token, the same as in the hub’s box list',
    }),
    nkeySeedFile: Type.String({
      minLength: 1,
      description: 'file holding this box’s nkey seed (SU…, mode 0600; `jianhu hub box-key` makes it)',
    }),
    tls: Type.Optional(
      Type.Object(
        {
          caFile: Type.String({ minLength: 1, description: 'CA (PEM) that signed the hub’s certificate' }),
          certFile: Type.Optional(Type.String({ minLength: 1, description: 'client certificate (mTLS)' })),
          keyFile: Type.Optional(Type.String({ minLength: 1, description: 'key of certFile' })),
        },
        { additionalProperties: false },
      ),
    ),
    batchSize: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 500,
      description: 'outbox rows read per batch',
    }),
    maxInFlight: Type.Integer({
      minimum: 1,
      maximum: 4096,
      default: 64,
      description: 'publishes awaiting their JetStream acknowledgement at once (in order)',
    }),
    publishTimeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 5000 }),
    retryStepsMs: Type.Array(Type.Integer({ minimum: 10, maximum: 600_000 }), {
      minItems: 1,
      maxItems: 20,
      default: [500, 1000, 2000, 5000, 10_000, 30_000],
      description:
        'waits before each retry after a failed connect or publish, the last repeated; back to the first after a success',
    }),
    evidence: Type.Boolean({
      default: true,
      description:
        'answer the hub’s evidence requests (jianhu.rpc.<boxId>.evidence, .hazard-photo) with violation snapshots and hazard photos',
    }),
  },
  { additionalProperties: false },
);

export type HubLinkConfig = Static<typeof HubLinkConfigSchema>;
