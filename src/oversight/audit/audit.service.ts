import type { Db } from '../../platform/store/db.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import { iso } from '../../platform/shared/clock.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import type { MqttBus } from '../../platform/mqtt/mqtt-bus.ts';
import { checkpointDigest, GENESIS_HASH } from '../../platform/events/chain.ts';
import { AuditChainRepo, type CheckpointRow } from '../../platform/events/chain.repo.ts';
import type { AuditConfig } from './config.schema.ts';
import { ANCHOR_TOPIC, anchorLine, appendAnchor, defaultAnchorFile } from './anchor.ts';
import { exportBundle, type BundleManifest } from './bundle.ts';
import { isInside, loadOrCreateSigningKey, type SigningKey } from './keys.ts';
import { storeVerifyInput, verifyStore, type RangeOptions } from './store-source.ts';
import { verifyChainAsync, type VerifyReport } from './verify.ts';
import { verifyInWorker } from './worker/verify-in-worker.ts';

/**
 * The running side of the tamper-evident log: loads the signing key, chains any outbox rows from
 * before the chain existed, and signs the chain head every `checkpointEveryMinutes` (and on stop).
 * Each checkpoint signs the digest of the one before it, is appended to the anchor file outside the
 * database and, when a broker is there, published on MQTT for the hub.
 */
export class AuditService {
  readonly repo: AuditChainRepo;
  readonly anchorFile: string;
  private key: SigningKey | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<VerifyReport> | undefined;
  /** ends a verify worker still running when the service stops */
  private readonly stopping = new AbortController();
  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly config: AuditConfig,
    private readonly mqtt: Pick<MqttBus, 'publish'> | null = null,
  ) {
    this.repo = new AuditChainRepo(db);
    this.anchorFile = config.anchorFile || defaultAnchorFile(dataDir);
  }

  private loadKey(): SigningKey {
    this.key ??= loadOrCreateSigningKey(this.dataDir, { keyFile: this.config.signingKeyFile });
    return this.key;
  }

  start(): void {
    const key = this.loadKey();
    if (key.insideDataDir)
      this.logger.warn(
        { keyFile: key.source },
        'audit signing key is inside the data folder: whoever copies it can re-sign a rewritten chain; set audit.signingKeyFile or JIANHU_AUDIT_SIGNING_KEY 审计签名密钥位于数据目录内，请移出',
      );
    if (isInside(this.dataDir, this.anchorFile))
      this.logger.warn(
        { anchorFile: this.anchorFile },
        'audit anchor file is inside the data folder: it only catches rewrites that forget it; set audit.anchorFile to another disk or host 审计锚定文件位于数据目录内，请移出',
      );
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
    this.logger.info({ keyId: key.keyId, anchorFile: this.anchorFile }, 'audit chain ready 审计链就绪');
  }

  get keyId(): string | undefined {
    return this.key?.keyId;
  }

  /** Signs the head when entries arrived since the last checkpoint; returns the new checkpoint. */
  checkpoint(): CheckpointRow | undefined {
    const key = this.loadKey();
    const cp = this.db.transaction(() => {
      const head = this.repo.head();
      const last = this.repo.lastCheckpoint();
      if (!head || (last && last.seq >= head.seq)) return undefined;
      const claim = {
        id: this.repo.nextCheckpointId(),
        seq: head.seq,
        hash: head.hash,
        signedAt: iso(this.clock.now()),
        prevDigest: last ? checkpointDigest(last) : GENESIS_HASH,
      };
      return this.repo.addCheckpoint({ ...claim, keyId: key.keyId, signature: key.sign(claim) });
    })();
    if (cp) this.publishHead(cp);
    return cp;
  }

  /** Outside the database: the anchor file, and MQTT for the hub. Failures are logged, never fatal. */
  private publishHead(cp: CheckpointRow): void {
    try {
      appendAnchor(this.anchorFile, cp);
    } catch (err) {
      this.logger.error(
        { err, anchorFile: this.anchorFile },
        'audit anchor append failed 审计锚定文件写入失败',
      );
    }
    if (this.mqtt && this.config.anchorMqtt)
      this.mqtt
        .publish(ANCHOR_TOPIC, JSON.parse(anchorLine(cp)))
        .catch((err: unknown) => this.logger.warn({ err }, 'audit checkpoint not published on MQTT'));
  }

  verify(opts: RangeOptions = {}): VerifyReport {
    return verifyStore(this.db, this.dataDir, this.verifyOptions(opts));
  }

  /**
   * The same verification on a worker thread with its own read-only connection (GET
   * /api/audit/chain): hashing 90k entries and the state cross-check never hold the event loop, so
   * /healthz and every other request keep being answered. Concurrent callers share one run. An
   * in-memory database (tests) cannot be opened twice: it is verified in slices that yield instead,
   * as is a store whose worker failed (logged; the answer stays a real verification).
   */
  verifyInBackground(): Promise<VerifyReport> {
    this.running ??= this.verifyOffLoop().finally(() => (this.running = undefined));
    return this.running;
  }

  private async verifyOffLoop(): Promise<VerifyReport> {
    const sliced = () => verifyChainAsync(storeVerifyInput(this.db, this.dataDir, this.verifyOptions({})));
    if (this.db.memory) return sliced();
    try {
      return await verifyInWorker(
        { dbPath: this.db.name, dataDir: this.dataDir, options: this.verifyOptions({}) },
        this.stopping.signal,
      );
    } catch (err) {
      if (this.stopping.signal.aborted) throw err;
      this.logger.error({ err }, 'audit verify worker failed; verifying in slices 审计核验线程失败');
      return sliced();
    }
  }

  private verifyOptions(opts: RangeOptions) {
    return { ...opts, checkpointEveryMinutes: this.config.checkpointEveryMinutes, now: this.clock.now() };
  }

  export(outDir: string, opts: RangeOptions & { enterpriseId?: string } = {}): BundleManifest {
    this.checkpoint(); // the bundle ends on a signed head
    return exportBundle(this.db, this.dataDir, outDir, { ...opts, now: iso(this.clock.now()) });
  }

  stop(): void {
    this.stopping.abort();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    try {
      this.checkpoint();
    } catch (e) {
      this.logger.error({ err: e }, 'final audit checkpoint failed');
    }
  }
}
