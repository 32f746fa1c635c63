import Type, { type Static } from 'typebox';
import { boxPublishSubjects } from '../events/hub-wire.ts';
import { boxInboxPrefix } from './hub-link.ts';
import { evidenceSubject } from './evidence-responder.ts';

const Token = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' });
const UserNkey = Type.String({ pattern: '^U[A-Z2-7]{55}$', description: 'a NATS user nkey (public, U…)' });

/**
 * `natsServer:` in the hub's file: what the hub's nats-server must know, the boxes with their public
 * nkeys and enterprises. Only this section is read from the file (the hub's own settings live beside it).
 */
export const NatsServerInputSchema = Type.Object(
  {
    listen: Type.String({ default: '0.0.0.0:4222', pattern: '^[^\\s:]*:\\d{1,5}$' }),
    storeDir: Type.String({
      minLength: 1,
      description: 'JetStream’s store folder (keep it on a disk that survives)',
    }),
    maxPayload: Type.Integer({ minimum: 1024, maximum: 8 * 1024 * 1024, default: 1024 * 1024 }),
    hubNkey: UserNkey,
    tls: Type.Optional(
      Type.Object(
        {
          certFile: Type.String({ minLength: 1 }),
          keyFile: Type.String({ minLength: 1 }),
          caFile: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    boxes: Type.Array(
      Type.Object(
        { boxId: Token, nkey: UserNkey, enterprises: Type.Array(Token, { default: [] }) },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
  },
  { additionalProperties: false },
);
export type NatsServerInput = Static<typeof NatsServerInputSchema>;

export interface NatsPermissions {
  publish: string[];
  subscribe: string[];
}

/**
 * A box's rights: publish its own events only (its box id, its enterprises; JetStream answers the
 * publish on the box's own inbox, so no $JS.API right is needed — the stream is the hub's to create),
 * hear only its own rpc subjects and inbox, and reply to the requests it received (allow_responses).
 */
export function boxPermissions(boxId: string, enterprises: readonly string[]): NatsPermissions {
  return {
    publish: boxPublishSubjects(boxId, enterprises),
    subscribe: [evidenceSubject(boxId).replace(/\.evidence$/, '.>'), `${boxInboxPrefix(boxId)}.>`],
  };
}

/** The hub's rights: every event, the JetStream API (streams, consumers, acks), requests to boxes. */
export function hubPermissions(): NatsPermissions {
  return {
    publish: ['jianhu.rpc.>', '$JS.API.>', '$JS.ACK.>', '$JS.FC.>', '_INBOX.>'],
    subscribe: ['jianhu.ev.>', '_INBOX.>', '$JS.EVENT.>'],
  };
}

const q = (s: string) => JSON.stringify(s);
const list = (xs: readonly string[]) => `[${xs.map(q).join(', ')}]`;

/** The nats-server (2.9+) configuration file for a hub: JetStream, one nkey user per box and the hub. */
export function renderNatsServerConfig(input: NatsServerInput): string {
  const seen = new Set<string>();
  for (const b of input.boxes) {
    if (seen.has(b.boxId)) throw new Error(`box ${b.boxId} is listed twice`);
    seen.add(b.boxId);
  }
  const keys = [input.hubNkey, ...input.boxes.map((b) => b.nkey)];
  if (new Set(keys).size !== keys.length) throw new Error('two users share one nkey: each box needs its own');
  const user = (nkey: string, p: NatsPermissions, comment: string, responses = false) =>
    [
      `    # ${comment}`,
      `    { nkey: ${q(nkey)}, permissions: {`,
      `        publish: { allow: ${list(p.publish)} }`,
      `        subscribe: { allow: ${list(p.subscribe)} }`,
      ...(responses ? ['        allow_responses: { max: 1, expires: "1m" }'] : []),
      '    } }',
    ].join('\n');
  const tls = input.tls
    ? [
        'tls {',
        `  cert_file: ${q(input.tls.certFile)}`,
        `  key_file: ${q(input.tls.keyFile)}`,
        ...(input.tls.caFile ? [`  ca_file: ${q(input.tls.caFile)}`] : []),
        '}',
      ]
    : [];
  return [
    '# nats-server configuration of a Jianhu county hub, made by `jianhu hub nats-config`: edit the',
    '# input file and make it again rather than editing this one.',
    `listen: ${q(input.listen)}`,
    `max_payload: ${input.maxPayload}`,
    `jetstream { store_dir: ${q(input.storeDir)} }`,
    ...tls,
    'authorization {',
    '  users: [',
    user(input.hubNkey, hubPermissions(), 'the hub service'),
    ...input.boxes.map((b) =>
      user(
        b.nkey,
        boxPermissions(b.boxId, b.enterprises),
        `box ${b.boxId}: ${b.enterprises.join(', ') || '(no enterprise)'}`,
        true,
      ),
    ),
    '  ]',
    '}',
    '',
  ].join('\n');
}
