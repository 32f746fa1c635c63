/**
 * What `audit verify` can find wrong, with the sentence people read (Chinese first). Kept apart from
 * the verifier so the chain, checkpoint, anchor and state cross-checks share one vocabulary.
 */
export type ProblemKind =
  | 'seq_gap'
  | 'order'
  | 'prev_hash_mismatch'
  | 'hash_mismatch'
  | 'payload_mismatch'
  | 'payload_missing'
  | 'unchained_outbox_row'
  | 'evidence_missing'
  | 'evidence_mismatch'
  | 'checkpoint_signature'
  | 'checkpoint_mismatch'
  | 'checkpoint_beyond_end'
  | 'checkpoint_key'
  | 'no_public_key'
  | 'no_checkpoints'
  | 'uncovered_entries'
  | 'checkpoint_id_gap'
  | 'checkpoint_chain_break'
  | 'anchor_broken'
  | 'anchor_mismatch'
  | 'anchor_checkpoint_missing'
  | 'state_mismatch';

export const WHY: Record<ProblemKind, string> = {
  seq_gap: '条目缺失（被删除） / entries missing (deleted)',
  order: '条目顺序被改动 / entries reordered',
  prev_hash_mismatch:
    '前序哈希不符（删除、插入或改序） / previous hash does not match (deleted, inserted or reordered)',
  hash_mismatch: '条目内容被修改 / entry content was edited',
  payload_mismatch: '事件内容被修改 / event payload was edited',
  payload_missing: '事件记录被删除 / event row was deleted',
  unchained_outbox_row: '事件未进入哈希链（被插入） / event not in the chain (inserted)',
  evidence_missing: '证据文件缺失 / evidence file is missing',
  evidence_mismatch: '证据文件被修改 / evidence file was changed',
  checkpoint_signature: '检查点签名无效 / checkpoint signature is invalid',
  checkpoint_mismatch: '检查点与链不符（链被重写） / checkpoint does not match the chain (rewritten)',
  checkpoint_beyond_end: '链尾被截断 / the chain was truncated after a checkpoint',
  checkpoint_key: '检查点密钥与指定的不符 / checkpoint signed by another key',
  no_public_key: '缺少公钥，无法核验检查点 / no public key to check checkpoints',
  no_checkpoints:
    '没有签名检查点，而链早于检查点间隔（检查点被删除） / no signed checkpoint although the chain is older than the checkpoint interval (checkpoints deleted)',
  uncovered_entries:
    '超过检查点间隔的条目未被签名检查点覆盖（检查点被删除） / entries older than the checkpoint interval are not covered by a signed checkpoint (checkpoints deleted)',
  checkpoint_id_gap: '检查点编号不连续（被删除） / checkpoint ids have a gap (checkpoints deleted)',
  checkpoint_chain_break:
    '检查点链断裂（被删除、改序或重签） / checkpoint chain broken (deleted, reordered or re-signed)',
  anchor_broken: '锚定文件本身被改动 / the anchor file itself was edited',
  anchor_mismatch:
    '数据库中的检查点与锚定文件不符（被重写） / checkpoint in the database differs from the anchor file (rewritten)',
  anchor_checkpoint_missing:
    '锚定文件中的检查点在数据库中不存在（被删除或截断） / a checkpoint in the anchor file is missing from the database (deleted or truncated)',
  state_mismatch: '状态表与审计链不符（被修改） / state table does not match the audit chain (edited)',
};

export interface Problem {
  kind: ProblemKind;
  /** the chain entry concerned (for checkpoints, the entry they cover) */
  seq: number | null;
  outboxId?: number;
  type?: string;
  detail: string;
}

export const describeProblem = (p: Problem): string =>
  `${p.seq !== null ? `#${p.seq}` : ''}${p.outboxId !== undefined ? ` (event ${p.outboxId} ${p.type ?? ''})` : ''} ${WHY[p.kind]}: ${p.detail}`.trim();
