import { rm } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Config } from '../../config/schema.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import { iso, type Clock } from '../../platform/shared/clock.ts';
import { defineError } from '../../platform/shared/errors.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import type { EnterpriseScope } from '../../platform/tenancy/scope.ts';
import type { Box } from '../../vision/detect/types.ts';
import type { CatalogCamera } from '../cameras/camera.types.ts';
import { configCatalog } from '../cameras/config-catalog.ts';
import type { EvidenceRecord, EvidenceRepo } from './evidence.repo.ts';
import { EvidenceRings } from './evidence-rings.ts';
import type { EvidenceUnavailableRecord, EvidenceUnavailableRepo } from './evidence-unavailable.repo.ts';
import { ClipJobs } from './clip-jobs.ts';
import { evidencePath, safeResolve, sha256, sha256File, writeFileAtomic } from './files.ts';
import { RecentFrames } from './recent-frames.ts';
import type { SegmentRing } from './ring.ts';
import { renderSnapshot, type SnapshotInput } from './snapshot.ts';
import {
  ViolationSnapshots,
  type ViolationSnapshotRequest,
  type ViolationSnapshotOutcome,
} from './violation-snapshot.ts';
import { EvidenceWriteWatch } from './write-watch.ts';

export const EvidenceErrors = {
  notFound: defineError('JH_ERR_EVIDENCE_NOT_FOUND', 404, '证据文件不存在。', 'No such evidence file.'),
  tampered: defineError(
    'JH_ERR_EVIDENCE_TAMPERED',
    409,
    '证据文件与存储时的哈希不符（已被修改），不予下载；已告警。',
    'The evidence file no longer matches the sha256 recorded when it was stored (changed); not served, alarm raised.',
  ),
};

/** Chained paths are relative to the data folder (as verify reads them); rows are relative to evidence/. */
const chainedPath = (rel: string): string => `evidence/${rel.split(sep).join('/')}`;

export interface EvidenceOwner {
  violationId: number | null;
  enterpriseId: string;
  cameraId: string;
}

/**
 * Evidence files under <dataDir>/evidence, each with its sha256 in SQLite and an `evidence.stored`
 * event. A row is inserted only after its file is complete and renamed into place, so no row ever
 * points at half a file. Clips are cut in the background, bounded (clip-jobs.ts).
 */
export class EvidenceService {
  readonly root: string;
  /** the last seconds of decoded frames per camera (fed from ingest by the video module) */
  readonly frames: RecentFrames;
  private readonly violationSnapshots: ViolationSnapshots;
  private readonly rings: EvidenceRings;
  private readonly writes: EvidenceWriteWatch;
  private readonly clips: ClipJobs;
  readonly stats = { snapshots: 0, clips: 0, clipsSkipped: 0, clipsFailed: 0, retentionDeleted: 0 };

  constructor(
    private readonly config: Config,
    private readonly repo: EvidenceRepo,
    private readonly unavailable: EvidenceUnavailableRepo,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** the platform's disk alarm (the wall hears of a failed write once per episode) */
    onWriteFault?: (err: unknown) => void,
  ) {
    this.root = join(config.store.dataDir, 'evidence');
    this.rings = new EvidenceRings(config, logger);
    this.writes = new EvidenceWriteWatch(this.root, clock, logger, onWriteFault);
    this.clips = new ClipJobs({
      config,
      root: this.root,
      logger,
      writes: this.writes,
      stats: this.stats,
      record: (owner, c) => this.record(owner, 'clip', c.rel, c.sha256, c.bytes, 'video/mp4', c.from, c.to),
    });
    const keepMs = config.evidence.recentFrameSeconds * 1000;
    // enough for the keep window at the highest sample rate ingest allows (30 fps), never unbounded
    this.frames = new RecentFrames(keepMs, Math.ceil(config.evidence.recentFrameSeconds * 30));
    this.violationSnapshots = new ViolationSnapshots({
      config,
      frames: this.frames,
      unavailable,
      bus,
      clock,
      logger,
      store: (owner, input, frameBox) => this.storeSnapshot(owner, input, frameBox),
    });
  }

  /** Starts one recording ring per enabled camera (clips on): the catalog's cameras, else the config's. */
  startRings(cameras: readonly CatalogCamera[] = configCatalog(this.config).list()): Promise<void> {
    return this.rings.startAll(cameras);
  }

  /**
   * A camera added, edited or removed at run time (src/video/cameras): its ring stops, and starts again
   * with the camera's new stream when it is (still) enabled. `camera` null: removed.
   */
  restartRing(cameraId: string, camera: CatalogCamera | null): Promise<void> {
    return this.rings.restart(cameraId, camera);
  }

  ring(cameraId: string): SegmentRing | undefined {
    return this.rings.get(cameraId);
  }

  /** Rings (a recorder down while its camera is online) first, then a failing evidence disk. */
  health(cameraOnline: (cameraId: string) => boolean = () => false): { ok: boolean; detail?: string } {
    const rings = this.rings.health(cameraOnline);
    if (!rings.ok) return rings;
    const failure = this.writes.failure();
    return failure ? { ok: false, detail: `${failure}; ${rings.detail}` } : rings;
  }

  /** Rings stop first, so clips in progress are cut from what was recorded instead of waiting. */
  async stop(): Promise<void> {
    await this.rings.stopAll();
    await this.clips.settled();
  }

  /**
   * A violation's snapshot: the detection's own frame (by timestamp), or a good one near it when that
   * is black; when there is none, a typed `evidence.unavailable` instead (violation-snapshot.ts).
   */
  storeViolationSnapshot(
    owner: EvidenceOwner & { violationId: number },
    req: ViolationSnapshotRequest,
  ): Promise<ViolationSnapshotOutcome> {
    return this.violationSnapshots.take(owner, req);
  }

  /** Why a violation has no snapshot, when it has none for a reason (black frames, frames gone). */
  unavailableFor(violationId: number): EvidenceUnavailableRecord[] {
    return this.violationSnapshots.unavailableFor(violationId);
  }

  /** `frameBox`: the violation's box in this frame's pixels, kept with the row for screens to outline. */
  async storeSnapshot(
    owner: EvidenceOwner,
    input: SnapshotInput,
    frameBox: Box | null = null,
  ): Promise<EvidenceRecord> {
    const jpeg = await renderSnapshot(input, {
      utcOffsetMinutes: this.config.permits.night.utcOffsetMinutes,
    });
    const rel = evidencePath(
      'snapshot',
      owner.cameraId,
      input.ts,
      `${owner.violationId ?? 'x'}-${input.ts}.jpg`,
    );
    await this.writes.watched(writeFileAtomic(join(this.root, rel), jpeg));
    this.stats.snapshots++;
    const hash = sha256(jpeg);
    return this.record(owner, 'snapshot', rel, hash, jpeg.length, 'image/jpeg', input.ts, input.ts, frameBox);
  }

  /**
   * Schedules the clip [from, to] for a violation (runs in the background; `to` is in the future).
   * Returns the job, or null when skipped (no ring for the camera, or too many clips pending).
   */
  scheduleClip(owner: EvidenceOwner, from: number, to: number): Promise<EvidenceRecord | null> | null {
    const ring = this.rings.get(owner.cameraId);
    return ring ? this.clips.schedule(ring, owner, from, to) : null;
  }

  private record(
    owner: EvidenceOwner,
    kind: 'snapshot' | 'clip',
    rel: string,
    hash: string,
    bytes: number,
    mime: string,
    from: number,
    to: number,
    frameBox: Box | null = null,
  ): EvidenceRecord {
    return this.bus.transaction(() => {
      const id = this.repo.insert({
        violationId: owner.violationId,
        permitId: null,
        enterpriseId: owner.enterpriseId,
        cameraId: owner.cameraId,
        kind,
        path: rel,
        sha256: hash,
        bytes,
        mime,
        coversFrom: iso(from),
        coversTo: iso(to),
        createdAt: iso(this.clock.now()),
        frameBox,
      });
      this.bus.publish('evidence.stored', owner.enterpriseId, {
        evidenceId: id,
        violationId: owner.violationId,
        cameraId: owner.cameraId,
        kind,
        path: chainedPath(rel),
        sha256: hash,
        bytes,
      });
      return this.repo.get(id)!;
    });
  }

  forViolation(violationId: number): EvidenceRecord[] {
    return this.repo.forViolation(violationId);
  }

  /** For the permits module: evidence kept with a permit is never deleted by retention. */
  attachToPermit(evidenceId: number, permitId: string): boolean {
    return this.repo.attachToPermit(evidenceId, permitId);
  }

  /** Evidence a caller may download: tenancy-checked, path confined to the evidence folder. */
  async download(scope: EnterpriseScope, id: number): Promise<{ record: EvidenceRecord; file: string }> {
    const record = this.repo.get(id);
    if (!record || !scope.can(record.enterpriseId)) throw EvidenceErrors.notFound({ id });
    const file = await safeResolve(this.root, record.path);
    if (!file) throw EvidenceErrors.notFound({ id });
    // Re-hashed on every download (#23): the header asserts what the bytes are, not what the row says.
    const actual = await sha256File(file);
    if (actual !== record.sha256) {
      this.bus.publish('evidence.tampered', record.enterpriseId, {
        evidenceId: id,
        cameraId: record.cameraId,
        kind: record.kind,
        expectedSha256: record.sha256,
        actualSha256: actual,
      });
      this.logger.error({ evidenceId: id }, 'evidence file changed since it was stored 证据文件被篡改');
      throw EvidenceErrors.tampered({ id });
    }
    return { record, file };
  }

  /** Deletes unattached evidence older than retention.evidenceDays; attached evidence is never touched. */
  async retentionSweep(now = this.clock.now()): Promise<number> {
    const before = iso(now - this.config.retention.evidenceDays * 86_400_000);
    let n = 0;
    for (const e of this.repo.expired(before)) {
      // the row goes with a chained evidence.deleted, so verify knows the file is gone legitimately
      const deleted = this.bus.transaction(() => {
        if (!this.repo.deleteUnattached(e.id)) return false;
        this.bus.publish('evidence.deleted', e.enterpriseId, {
          evidenceId: e.id,
          cameraId: e.cameraId,
          kind: e.kind,
          deletedPath: chainedPath(e.path),
          deletedSha256: e.sha256,
          reason: 'retention',
        });
        return true;
      });
      if (!deleted) continue;
      const file = await safeResolve(this.root, e.path);
      if (file) await rm(file, { force: true });
      n++;
    }
    this.stats.retentionDeleted += n;
    return n;
  }
}
