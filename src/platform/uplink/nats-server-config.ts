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
    leafListen: Type.Optional(
      Type.String({
        pattern: '^[^\\s:]*:\\d{1,5}$',
        description: 'host:port for boxes whose own nats-server is a leaf of the hub’s (leafnodes)',
      }),
    ),
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
        {
          boxId: Token,
          nkey: UserNkey,
          enterprises: Type.Array(Token, { default: [] }),
          leafPasswordEnv: Type.Optional(
            Type.String({
              pattern: '^[A-Z_][A-Z0-9_]*$',
              description: 'environment variable with the password of this box’s leaf connection',
            }),
          ),
        },
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
    subscribe: [rpcSubjects(boxId), `${boxInboxPrefix(boxId)}.>`],
  };
}

/** Everything the hub may ask one box (evidence today). */
export const rpcSubjects = (boxId: string): string => evidenceSubject(boxId).replace(/\.evidence$/, '.>');

/** The hub's rights: every event, the JetStream API (streams, consumers, acks), requests to boxes. */
export function hubPermissions(): NatsPermissions {
  return {
    publish: ['jianhu.rpc.>', '$JS.API.>', '$JS.ACK.>', '$JS.FC.>', '_INBOX.>'],
    subscribe: ['jianhu.ev.>', '_INBOX.>', '$JS.EVENT.>'],
  };
}

const q = (s: string) => JSON.stringify(s);
const list = (xs: readonly string[]) => `[${xs.map(q).join(', ')}]`;

/** The account a box's users and its leaf connection live in; only its own subjects cross to HUB. */
export const boxAccount = (boxId: string): string => `BOX_${boxId}`;
export const HUB_ACCOUNT = 'HUB';

const userBlock = (nkey: string, p: NatsPermissions, comment: string, responses = false) =>
  [
    `      # ${comment}`,
    `      { nkey: ${q(nkey)}, permissions: {`,
    `          publish: { allow: ${list(p.publish)} }`,
    `          subscribe: { allow: ${list(p.subscribe)} }`,
    ...(responses ? ['          allow_responses: { max: 1, expires: "1m" }'] : []),
    '      } }',
  ].join('\n');

/**
 * The nats-server (2.9+) configuration file for a hub. Every box is an account of its own: its
 * users (and its leaf connection, when the box runs its own nats-server as a leaf of the hub's) can
 * reach the HUB account, where the JetStream stream lives, only through service imports of its own
 * subjects — a forged subject finds no route and no stream. The nkey users also carry subject
 * permissions, so a forged publish is refused at once with a permissions violation.
 * `env` holds the leaf passwords named by `leafPasswordEnv` (nats-server 2.9 leaf remotes sign in
 * with a password; nkey leaf remotes need 2.10.9).
 */
export function renderNatsServerConfig(input: NatsServerInput, env: NodeJS.ProcessEnv = {}): string {
  const seen = new Set<string>();
  for (const b of input.boxes) {
    if (seen.has(b.boxId)) throw new Error(`box ${b.boxId} is listed twice`);
    seen.add(b.boxId);
  }
  const keys = [input.hubNkey, ...input.boxes.map((b) => b.nkey)];
  if (new Set(keys).size !== keys.length) throw new Error('two users share one nkey: each box needs its own');
  const leafUsers = input.boxes
    .filter((b) => b.leafPasswordEnv)
    .map((b) => {
      const password = env[b.leafPasswordEnv!];
      if (!password || password.length < 16)
        throw new Error(`box ${b.boxId}: ${b.leafPasswordEnv} is not set or shorter than 16 characters`);
      return `      { user: ${q(b.boxId)}, password: ${q(password)}, account: ${q(boxAccount(b.boxId))} }`;
    });
  if (leafUsers.length > 0 && !input.leafListen)
    throw new Error('leafPasswordEnv needs natsServer.leafListen');
  const tls = input.tls
    ? [
        'tls {',
        `  cert_file: ${q(input.tls.certFile)}`,
        `  key_file: ${q(input.tls.keyFile)}`,
        ...(input.tls.caFile ? [`  ca_file: ${q(input.tls.caFile)}`] : []),
        '}',
      ]
    : [];
  const leaf = input.leafListen
    ? [
        'leafnodes {',
        `  listen: ${q(input.leafListen)}`,
        ...(input.tls ? tls.map((l) => `  ${l}`) : []),
        '  authorization {',
        '    users: [',
        ...leafUsers,
        '    ]',
        '  }',
        '}',
      ]
    : [];
  const hubAccount = [
    `  ${HUB_ACCOUNT}: {`,
    '    jetstream: enabled',
    '    users: [',
    userBlock(input.hubNkey, hubPermissions(), 'the hub service'),
    '    ]',
    '    exports: [',
    ...input.boxes.flatMap((b) =>
      boxPublishSubjects(b.boxId, b.enterprises).map(
        (s) => `      { service: ${q(s)}, accounts: [${q(boxAccount(b.boxId))}] }`,
      ),
    ),
    '    ]',
    '    imports: [',
    ...input.boxes.map(
      (b) => `      { service: { account: ${q(boxAccount(b.boxId))}, subject: ${q(rpcSubjects(b.boxId))} } }`,
    ),
    '    ]',
    '  }',
  ];
  const boxAccounts = input.boxes.flatMap((b) => [
    `  ${q(boxAccount(b.boxId))}: {`,
    '    users: [',
    userBlock(
      b.nkey,
      boxPermissions(b.boxId, b.enterprises),
      `box ${b.boxId}: ${b.enterprises.join(', ') || '(no enterprise)'}`,
      true,
    ),
    '    ]',
    '    imports: [',
    ...boxPublishSubjects(b.boxId, b.enterprises).map(
      (s) => `      { service: { account: ${HUB_ACCOUNT}, subject: ${q(s)} } }`,
    ),
    '    ]',
    `    exports: [ { service: ${q(rpcSubjects(b.boxId))}, accounts: [${HUB_ACCOUNT}] } ]`,
    '  }',
  ]);
  return [
    '# nats-server configuration of a Jianhu county hub, made by `jianhu hub nats-config`: edit the',
    '# input file and make it again rather than editing this one.',
    `listen: ${q(input.listen)}`,
    `max_payload: ${input.maxPayload}`,
    `jetstream { store_dir: ${q(input.storeDir)} }`,
    ...tls,
    ...leaf,
    'accounts {',
    ...hubAccount,
    ...boxAccounts,
    '}',
    '',
  ].join('\n');
}
