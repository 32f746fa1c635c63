import type { Msg, NatsConnection, Subscription } from 'nats';
import type { Logger } from '../shared/logger.ts';

/** The rpc subject the hub asks a box's evidence on (only the hub's NATS user may publish under jianhu.rpc). */
export const evidenceSubject = (boxId: string): string => `jianhu.rpc.${boxId}.evidence`;
/** A hazard's first on-site photo, for the annex forms at the hub (附件5 现场证据). */
export const hazardPhotoSubject = (boxId: string): string => `jianhu.rpc.${boxId}.hazard-photo`;

/** A violation's snapshot as the box holds it, re-hashed on read (a changed file throws). */
export interface EvidenceFile {
  contentType: string;
  sha256: string;
  data: Buffer;
}

/** Finds a violation's snapshot; null when the violation or its snapshot is unknown. */
export type EvidenceSource = (violationId: number) => Promise<EvidenceFile | null>;

export type EvidenceReply =
  | { ok: true; violationId: number; contentType: string; sha256: string; dataBase64: string }
  | { ok: false; code: 'bad_request' | 'not_found' | 'too_large' | 'unavailable'; detail: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Builds the reply to one request body; `maxBytes` is the server's max payload. Pure but for the source. */
export async function answerEvidence(
  source: EvidenceSource,
  body: string,
  maxBytes: number,
  /** the request's id field: violationId (evidence) or hazardId (hazard-photo) */
  key: 'violationId' | 'hazardId' = 'violationId',
): Promise<EvidenceReply> {
  let violationId: unknown;
  try {
    violationId = (JSON.parse(body) as Record<string, unknown> | null)?.[key];
  } catch {
    return { ok: false, code: 'bad_request', detail: 'body is not JSON' };
  }
  if (!Number.isSafeInteger(violationId) || (violationId as number) < 1)
    return { ok: false, code: 'bad_request', detail: `expected {"${key}": <positive integer>}` };
  const id = violationId as number;
  let file: EvidenceFile | null;
  try {
    file = await source(id);
  } catch (e) {
    // a tampered file (JH_ERR_EVIDENCE_TAMPERED) or a disk error: the hub shows it, the box has alarmed
    return { ok: false, code: 'unavailable', detail: (e as Error).message };
  }
  if (!file) return { ok: false, code: 'not_found', detail: `no file for ${key} ${id}` };
  const reply: EvidenceReply = {
    ok: true,
    violationId: id,
    contentType: file.contentType,
    sha256: file.sha256,
    dataBase64: file.data.toString('base64'),
  };
  // base64 adds a third; what counts is the whole reply against the server's limit
  const size = Buffer.byteLength(JSON.stringify(reply));
  if (size > maxBytes)
    return {
      ok: false,
      code: 'too_large',
      detail: `snapshot reply is ${size} bytes, over the hub's max payload ${maxBytes}`,
    };
  return reply;
}

/**
 * Answers `jianhu.rpc.<boxId>.evidence` requests (or, with `hazard-photo`, a hazard's first on-site
 * photo by hazardId) on the connection until it closes or unsubscribes.
 */
export function serveEvidence(
  nc: NatsConnection,
  boxId: string,
  source: EvidenceSource,
  logger: Logger,
  kind: 'evidence' | 'hazard-photo' = 'evidence',
): Subscription {
  const key = kind === 'evidence' ? 'violationId' : 'hazardId';
  return nc.subscribe(kind === 'evidence' ? evidenceSubject(boxId) : hazardPhotoSubject(boxId), {
    callback: (err, msg: Msg) => {
      if (err) {
        logger.warn({ err }, 'hub evidence subscription failed');
        return;
      }
      const maxBytes = nc.info?.max_payload ?? 1024 * 1024;
      void answerEvidence(source, decoder.decode(msg.data), maxBytes, key).then((reply) => {
        if (!msg.respond(encoder.encode(JSON.stringify(reply))))
          logger.warn({ subject: msg.subject }, 'hub evidence request without a reply subject');
      });
    },
  });
}
