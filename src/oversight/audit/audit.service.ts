import type { Db } from '../../platform/store/db.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import { iso } from '../../platform/shared/clock.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import { AuditChainRepo, type CheckpointRow } from '../../platform/events/chain.repo.ts';
import type { AuditConfig } from './config.schema.ts';
import { exportBundle, type BundleManifest } from './bundle.ts';
import { loadOrCreateSigningKey, type SigningKey } from './keys.ts';
import { verifyStore, type RangeOptions } from './store-source.ts';
import type { VerifyReport } from './verify.ts';

/**
 * The running side of the tamper-evident log: creates the signing key, chains any outbox rows from
 * before the chain existed, and signs the chain head every `checkpointEveryMinutes` (and on stop).
 */
export class AuditService {
  readonly repo: AuditChainRepo;
  private key: SigningKey | undefined;
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly config: AuditConfig,
  ) {
    this.repo = new AuditChainRepo(db);
  }

  start(): void {
    this.key = loadOrCreateSigningKey(this.dataDir);
    const backfilled = this.repo.backfill();
    if (backfilled > 0) this.logger.info({ backfilled }, 'audit chain backfilled 审计链已补录');
    this.checkpoint();
    this.timer = setInterval(() => {
      try {
        this.checkpoint();
      } catch (e) {
        this.logger.error({ err: e }, 'audit checkpoint failed 审计检查点失败');
      }
    }, this.config.checkpointEveryMinutes * 60_000);
    this.timer.unref();
    this.logger.info({ keyId: this.key.keyId }, 'audit chain ready 审计链就绪');
  }

  get keyId(): string | undefined {
    return this.key?.keyId;
  }

  /** Signs the head when entries arrived since the last checkpoint; returns the new checkpoint. */
  checkpoint(): CheckpointRow | undefined {
    this.key ??= loadOrCreateSigningKey(this.dataDir);
    const head = this.repo.head();
    const last = this.repo.lastCheckpoint();
    if (!head || (last && last.seq >= head.seq)) return undefined;
    const signedAt = iso(this.clock.now());
    return this.repo.addCheckpoint({
      seq: head.seq,
      hash: head.hash,
      signedAt,
      keyId: this.key.keyId,
      signature: this.key.sign(head.seq, head.hash, signedAt),
    });
  }

  verify(opts: RangeOptions = {}): VerifyReport {
    return verifyStore(this.db, this.dataDir, opts);
  }

  export(outDir: string, opts: RangeOptions & { enterpriseId?: string } = {}): BundleManifest {
    this.checkpoint(); // the bundle ends on a signed head
    return exportBundle(this.db, this.dataDir, outDir, { ...opts, now: iso(this.clock.now()) });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    try {
      this.checkpoint();
    } catch (e) {
      this.logger.error({ err: e }, 'final audit checkpoint failed');
    }
  }
}
