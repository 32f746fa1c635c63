import { iso, type Clock } from '../../platform/shared/clock.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import type { AdaptConfig } from './config.schema.ts';
import { adaptHardhat, type Photo, type ReviewedCrop } from './engine.ts';
import { DEFAULT_FIT } from './fit.ts';
import { AdaptErrors } from './errors.ts';
import type { ApOf } from './judge.ts';
import type { SiteCrops } from './site-crops.ts';
import type { SiteModelRef, SiteModelStore, SiteModelVersion } from './site-models.ts';
import { holdBackIndex } from './split.ts';

/** The shipped model the site versions are made from (read and verified against the manifest). */
export interface BaseModel {
  bytes: Uint8Array;
  sha256: string;
  /** the operating threshold of `head` */
  headThreshold: number;
}

export interface AdaptDeps {
  crops: SiteCrops;
  store: SiteModelStore;
  base: () => BaseModel;
  shipped: (limits: { train: number; val: number }) => Promise<{ train: Photo[]; val: Photo[] }>;
  ap: ApOf;
  /** tells the detection workers to load `ref` (null: the shipped file); null when detection is off */
  reload: ((ref: SiteModelRef | null) => Promise<void>) | null;
  config: AdaptConfig;
  clock: Clock;
  logger: Logger;
}

export interface AdaptStatus {
  running: boolean;
  /** why the last run failed (null: it did not) */
  lastError: string | null;
  /** the site version in use (null: the shipped model) */
  inUse: number | null;
  crops: { pending: number; confirmed: number; dismissed: number };
  minCrops: number;
  versions: SiteModelVersion[];
}

/**
 * Site adaptation of the hard-hat model: the site's reviewed crops + the shipped photos → a new version
 * of the model's last layer (engine.ts), adopted only if it agrees better with the officers on held-back
 * crops and keeps the shipped figure (judge.ts); the workers reload it. One run at a time.
 */
export class SiteAdaptation {
  private running = false;
  private lastError: string | null = null;
  /** sha256 of the site version the workers run (null: the shipped file), as loaded at start */
  private loaded: string | null;

  constructor(private readonly d: AdaptDeps) {
    try {
      this.loaded = this.inUse()?.sha256 ?? null;
    } catch {
      this.loaded = null; // no shipped model here: nothing to adapt, nothing loaded
    }
  }

  /**
   * Another process (`jianhu adapt` on the same data folder) adopted or rolled back a version: load what
   * the version list now says is in use, if the workers run something else.
   */
  async follow(): Promise<void> {
    if (this.running || (this.inUse()?.sha256 ?? null) === this.loaded) return;
    await this.load();
  }

  /** The version the workers should load now (at start, after an adoption or a rollback). */
  inUse(): SiteModelRef | null {
    return this.d.store.current(this.d.base().sha256);
  }

  status(): AdaptStatus {
    const c = this.d.crops.counts();
    return {
      running: this.running,
      lastError: this.lastError,
      inUse: this.inUse()?.version ?? null,
      crops: { pending: c.pending, confirmed: c.bare_head, dismissed: c.not_bare_head },
      minCrops: this.d.config.minCrops,
      versions: this.d.store.read().versions,
    };
  }

  /**
   * Checks at once that a run can start (coded errors: running, no crops, too few), then runs it:
   * the HTTP route answers 202 and the screen polls status(); the CLI awaits the promise.
   */
  start(log: (msg: string) => void = () => {}): Promise<SiteModelVersion> {
    if (this.running) throw AdaptErrors.running();
    const labelled = this.d.crops.labelled();
    if (labelled.length === 0) throw AdaptErrors.noCrops();
    const cfg = this.d.config;
    const held = holdBackIndex(labelled.length, cfg.holdBack);
    if (labelled.length < cfg.minCrops || held.size === 0)
      throw AdaptErrors.tooFew({ crops: labelled.length, needed: cfg.minCrops });
    this.running = true;
    this.lastError = null;
    const job = this.run(labelled, held, log);
    job.catch((e: unknown) => {
      this.lastError = e instanceof Error ? e.message : String(e);
      this.d.logger.error({ err: e }, 'site adaptation failed 现场学习失败');
    });
    return job;
  }

  private async run(
    labelled: ReturnType<SiteCrops['labelled']>,
    held: Set<number>,
    log: (msg: string) => void,
  ): Promise<SiteModelVersion> {
    const cfg = this.d.config;
    try {
      const base = this.d.base();
      const shipped = await this.d.shipped({ train: cfg.shippedTrainPhotos, val: cfg.shippedValPhotos });
      const crops: ReviewedCrop[] = labelled.map((c) => ({
        jpeg: c.jpeg,
        headBox: c.headBox,
        modelScale: c.modelScale,
        bare: c.label === 'bare_head',
      }));
      const siteTrain = crops.filter((_, i) => !held.has(i));
      const siteHeld = crops.filter((_, i) => held.has(i));
      log(
        `site crops: ${siteTrain.length} to learn from, ${siteHeld.length} held back; shipped photos ${shipped.train.length} + ${shipped.val.length}`,
      );
      const r = await adaptHardhat({
        modelBytes: base.bytes,
        headThreshold: base.headThreshold,
        siteTrain,
        siteHeld,
        shippedTrain: shipped.train,
        shippedVal: shipped.val,
        ap: this.d.ap,
        options: { margin: cfg.margin, fit: { ...DEFAULT_FIT, steps: cfg.steps } },
        log,
      });
      const version = this.d.store.add(
        {
          createdAt: iso(this.d.clock.now()),
          baseSha256: base.sha256,
          data: {
            siteTrain: siteTrain.length,
            siteHeld: siteHeld.length,
            confirmed: crops.filter((c) => c.bare).length,
            dismissed: crops.filter((c) => !c.bare).length,
            shippedTrain: shipped.train.length,
            shippedVal: shipped.val.length,
          },
          before: r.before,
          after: r.after,
          margin: cfg.margin,
          adopted: r.adopt,
          reason: r.reason,
          cpuSeconds: r.cpuSeconds,
        },
        r.bytes,
      );
      this.d.logger.info(
        { version: version.version, adopted: version.adopted, reason: version.reason },
        version.adopted ? 'site model adopted 现场模型已采用' : 'site model not adopted 现场模型未采用',
      );
      if (version.adopted) await this.load();
      return version;
    } finally {
      this.running = false;
    }
  }

  /** Back to the version in use before the current one (the shipped model when there was none). */
  async rollback(): Promise<{ from: number; to: number | null }> {
    if (this.running) throw AdaptErrors.running();
    const r = this.d.store.rollback(iso(this.d.clock.now()));
    this.d.logger.info(r, 'site model rolled back 现场模型已回退');
    await this.load();
    return r;
  }

  private async load(): Promise<void> {
    const ref = this.inUse();
    if (ref) this.d.store.verify(ref);
    await this.d.reload?.(ref);
    this.loaded = ref?.sha256 ?? null;
    this.d.logger.info({ version: ref?.version ?? 'shipped' }, 'hard-hat model loaded 安全帽模型已加载');
  }
}
