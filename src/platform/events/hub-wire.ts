import { entryHash, sha256Hex, type ChainEntry } from './chain.ts';

/**
 * What an enterprise box ships to the county hub (issue #24), one NATS JetStream message per outbox
 * row, and how the hub checks it. Pure: the box's shipper and the hub's consumer both build on it, so
 * the two sides cannot drift apart.
 *
 * Subject: `jianhu.ev.<boxId>.<enterpriseId | _>.<event type>` (the type's own dots become tokens, so
 * a consumer may filter on `jianhu.ev.*.*.permit.>`). NATS permissions give each box the right to
 * publish under its own box id and its own enterprises only; the hub checks the same again.
 * Message id (`Nats-Msg-Id`, JetStream's de-duplication key): `<boxId>:<chain seq>`.
 */
export const HUB_STREAM = 'JIANHU_EVENTS';
export const HUB_SUBJECT_ROOT = 'jianhu.ev';
export const NO_ENTERPRISE_TOKEN = '_';

const TOKEN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const EVENT_TYPE = /^[a-z][A-Za-z0-9_]*(\.[a-z][A-Za-z0-9_]*)*$/;
const HEX64 = /^[0-9a-f]{64}$/;

export interface HubEventMessage {
  v: 1;
  boxId: string;
  /** the enterprise's region on the box's config; the hub trusts its own registry first */
  regionId: string | null;
  /** the box's audit-chain entry for this outbox row (seq, prevHash, hash, payloadSha256, ...) */
  entry: ChainEntry;
  /** the outbox payload exactly as stored: its sha256 is `entry.payloadSha256` */
  payloadText: string;
}

export const hubSubject = (boxId: string, enterpriseId: string | null, type: string): string =>
  `${HUB_SUBJECT_ROOT}.${boxId}.${enterpriseId ?? NO_ENTERPRISE_TOKEN}.${type}`;

/** The subjects a box may publish to (for its NATS user's permissions): its own id, its enterprises. */
export const boxPublishSubjects = (boxId: string, enterpriseIds: readonly string[]): string[] => [
  ...enterpriseIds.map((e) => `${HUB_SUBJECT_ROOT}.${boxId}.${e}.>`),
  `${HUB_SUBJECT_ROOT}.${boxId}.${NO_ENTERPRISE_TOKEN}.>`,
];

export const hubMessageId = (boxId: string, seq: number): string => `${boxId}:${seq}`;

export function buildHubMessage(
  boxId: string,
  regionId: string | null,
  entry: ChainEntry,
  payloadText: string,
): { subject: string; msgId: string; message: HubEventMessage } {
  return {
    subject: hubSubject(boxId, entry.enterpriseId, entry.type),
    msgId: hubMessageId(boxId, entry.seq),
    message: { v: 1, boxId, regionId, entry, payloadText },
  };
}

/** Why the hub refuses a message: typed, so alarms and tests match on the value, not on text. */
export type HubRefusal =
  | { code: 'malformed'; detail: string }
  | { code: 'subject_mismatch'; detail: string }
  | { code: 'payload_mismatch'; detail: string }
  | { code: 'bad_hash'; detail: string };

/**
 * Parses and checks one message by itself: shape, subject agreeing with the body, payload hash, and
 * the entry's own hash. Whether it continues the box's chain is `linkToHead`'s question.
 */
export function parseHubMessage(subject: string, data: string): HubEventMessage | HubRefusal {
  let m: HubEventMessage;
  try {
    m = JSON.parse(data) as HubEventMessage;
  } catch {
    return { code: 'malformed', detail: 'body is not JSON' };
  }
  const e = m?.entry;
  if (
    m?.v !== 1 ||
    typeof m.boxId !== 'string' ||
    !TOKEN.test(m.boxId) ||
    typeof m.payloadText !== 'string' ||
    !e ||
    !Number.isInteger(e.seq) ||
    e.seq < 1 ||
    !Number.isInteger(e.outboxId) ||
    typeof e.type !== 'string' ||
    !EVENT_TYPE.test(e.type) ||
    (e.enterpriseId !== null && (typeof e.enterpriseId !== 'string' || !TOKEN.test(e.enterpriseId))) ||
    typeof e.occurredAt !== 'string' ||
    ![e.payloadSha256, e.prevHash, e.hash].every((h) => typeof h === 'string' && HEX64.test(h))
  )
    return { code: 'malformed', detail: 'not a v1 hub event message' };
  const expected = hubSubject(m.boxId, e.enterpriseId, e.type);
  if (subject !== expected)
    return { code: 'subject_mismatch', detail: `subject ${subject} but the body says ${expected}` };
  if (sha256Hex(m.payloadText) !== e.payloadSha256)
    return { code: 'payload_mismatch', detail: `payload of seq ${e.seq} does not match its sha256` };
  const { hash, ...rest } = e;
  if (entryHash(rest) !== hash) return { code: 'bad_hash', detail: `entry seq ${e.seq} hash is wrong` };
  return m;
}

export const isRefusal = (x: HubEventMessage | HubRefusal): x is HubRefusal => 'code' in x;

/** The last entry the hub holds for a box. */
export interface BoxHead {
  seq: number;
  hash: string;
}

/**
 * How a checked entry relates to the box's head at the hub: the next one (`append`), one already
 * held (`duplicate`: redelivery, dropped silently), one after a hole (`gap`: alarm, hold the head),
 * or one that claims the next seq with a different past (`fork`: alarm, refuse).
 */
export type HeadLink =
  | { kind: 'append' }
  | { kind: 'duplicate' }
  | { kind: 'gap'; missingFrom: number; missingTo: number }
  | { kind: 'fork'; detail: string };

export function linkToHead(head: BoxHead | undefined, entry: ChainEntry, heldHashAtSeq?: string): HeadLink {
  const headSeq = head?.seq ?? 0;
  if (entry.seq <= headSeq) {
    if (heldHashAtSeq !== undefined && heldHashAtSeq !== entry.hash)
      return { kind: 'fork', detail: `seq ${entry.seq} differs from the entry the hub holds` };
    return { kind: 'duplicate' };
  }
  if (entry.seq > headSeq + 1) return { kind: 'gap', missingFrom: headSeq + 1, missingTo: entry.seq - 1 };
  const expectedPrev = head?.hash ?? '0'.repeat(64);
  if (entry.prevHash !== expectedPrev)
    return { kind: 'fork', detail: `seq ${entry.seq} does not continue the head ${headSeq}` };
  return { kind: 'append' };
}
