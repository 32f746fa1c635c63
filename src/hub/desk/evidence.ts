import type { NatsConnection } from 'nats';
import { sha256Hex } from '../../platform/events/chain.ts';
import { defineError } from '../../platform/shared/errors.ts';

export const EvidenceErrors = {
  boxUnreachable: defineError(
    'JH_ERR_HUB_BOX_UNREACHABLE',
    503,
    '企业端暂时无法连接：证据稍后再取。',
    'The enterprise box cannot be reached now: fetch the evidence later.',
  ),
  unavailable: defineError(
    'JH_ERR_HUB_EVIDENCE_UNAVAILABLE',
    404,
    '企业端没有这条违规的证据。',
    'The box has no evidence for this violation.',
  ),
  mismatch: defineError(
    'JH_ERR_HUB_EVIDENCE_MISMATCH',
    502,
    '企业端返回的证据与审计链记录的哈希不符：已拒收。',
    'The evidence the box returned does not match the hash in its audit chain: refused.',
  ),
};

/** `jianhu.rpc.<boxId>.evidence`: the box's responder (the box side of #24) answers with the file. */
export const evidenceSubject = (boxId: string): string => `jianhu.rpc.${boxId}.evidence`;

interface Reply {
  ok: boolean;
  code?: string;
  contentType?: string;
  sha256?: string;
  dataBase64?: string;
}

/**
 * Evidence stays on the box (video never travels to the hub unasked); the hub asks for one file over
 * NATS request/reply and checks its bytes against the sha256 the box's chain committed to, so a box
 * cannot hand the regulator a different picture than the one it recorded.
 */
export async function fetchEvidence(
  nc: NatsConnection,
  boxId: string,
  violationId: number,
  chainedSha256: string | null,
  timeoutMs: number,
  /** `hazard-photo`: the id is a hazard's, the file its first on-site photo */
  kind: 'evidence' | 'hazard-photo' = 'evidence',
): Promise<{ contentType: string; bytes: Buffer; sha256: string }> {
  let reply: Reply;
  try {
    const body = kind === 'evidence' ? { violationId } : { hazardId: violationId };
    const m = await nc.request(`jianhu.rpc.${boxId}.${kind}`, JSON.stringify(body), {
      timeout: timeoutMs,
    });
    reply = JSON.parse(m.string()) as Reply;
  } catch (e) {
    throw EvidenceErrors.boxUnreachable({ boxId, reason: (e as Error).message });
  }
  if (!reply.ok || typeof reply.dataBase64 !== 'string')
    throw EvidenceErrors.unavailable({ boxId, violationId, code: reply.code ?? null });
  const bytes = Buffer.from(reply.dataBase64, 'base64');
  const sha256 = sha256Hex(bytes);
  if (sha256 !== reply.sha256 || (chainedSha256 !== null && sha256 !== chainedSha256))
    throw EvidenceErrors.mismatch({ boxId, violationId, got: sha256, chained: chainedSha256 });
  const contentType = /^(image\/(jpeg|png|webp)|video\/mp4)$/.test(reply.contentType ?? '')
    ? reply.contentType!
    : 'application/octet-stream';
  return { contentType, bytes, sha256 };
}
