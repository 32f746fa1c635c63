import { mkdir, open, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Config } from '../../config/schema.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import { Slots } from '../../platform/shared/slots.ts';
import type { EvidenceRecord } from './evidence.repo.ts';
import type { EvidenceOwner } from './evidence.service.ts';
import { evidencePath, sha256File, syncDir } from './files.ts';
import type { SegmentRing } from './ring.ts';
import type { EvidenceWriteWatch } from './write-watch.ts';

/** A finished clip file, for the row and the `evidence.stored` event. */
export interface ClipFile {
  rel: string;
  sha256: string;
  bytes: number;
  /** the span the clip really covers (what the ring held of the asked window) */
  from: number;
  to: number;
}

/**
 * Violation clips cut in the background, bounded twice: clips not yet written (`maxClipsPending`: beyond
 * it a clip is skipped and counted), and cuts at once (`maxClipsInFlight` ffmpeg processes). A clip
 * waiting for the end of its window holds no cut — when 4 waiting clips held every slot, a fifth
 * violation within their ≈ 15 s lost its clip (seen at the demo's start: two of its first six
 * violations had none). A clip file is synced and renamed into place before its row is recorded.
 */
export class ClipJobs {
  private pending = 0;
  private readonly cuts: Slots;
  private readonly jobs = new Set<Promise<unknown>>();

  constructor(
    private readonly d: {
      config: Config;
      /** <dataDir>/evidence */
      root: string;
      logger: Logger;
      writes: EvidenceWriteWatch;
      /** the evidence service's counters, counted here for clips */
      stats: { clips: number; clipsSkipped: number; clipsFailed: number };
      /** the row and the chained `evidence.stored` for a finished clip */
      record(owner: EvidenceOwner, clip: ClipFile): EvidenceRecord;
    },
  ) {
    this.cuts = new Slots(d.config.evidence.maxClipsInFlight);
  }

  /** The clip [from, to] from `ring` (`to` is in the future): the job, or null when too many are pending. */
  schedule(
    ring: SegmentRing,
    owner: EvidenceOwner,
    from: number,
    to: number,
  ): Promise<EvidenceRecord | null> | null {
    const { config, logger, stats } = this.d;
    if (this.pending >= config.evidence.maxClipsPending) {
      stats.clipsSkipped++;
      logger.warn(
        { camera: owner.cameraId, violation: owner.violationId },
        'clip skipped: too many clips pending',
      );
      return null;
    }
    this.pending++;
    const job = this.d.writes
      .watched(this.cut(ring, owner, from, to))
      .catch((e: unknown) => {
        stats.clipsFailed++;
        logger.warn({ err: e, camera: owner.cameraId }, 'clip failed');
        return null;
      })
      .finally(() => {
        this.pending--;
        this.jobs.delete(job);
      });
    this.jobs.add(job);
    return job;
  }

  /** Resolves once every scheduled clip has been written, skipped or has failed. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.jobs]);
  }

  private async cut(ring: SegmentRing, owner: EvidenceOwner, from: number, to: number) {
    const rel = evidencePath('clip', owner.cameraId, from, `${owner.violationId ?? 'x'}-${from}.mp4`);
    const final = join(this.d.root, rel);
    const tmp = `${final}.tmp-clip`;
    await mkdir(dirname(final), { recursive: true });
    const deadline = to + this.d.config.evidence.segmentSeconds * 3000 + 10_000;
    const covered = await ring.clip(from, to, tmp, deadline, () => this.cuts.acquire());
    if (!covered) return null;
    const fh = await open(tmp, 'r+');
    await fh.sync();
    await fh.close();
    const [hash, st] = await Promise.all([sha256File(tmp), stat(tmp)]);
    await rename(tmp, final);
    await syncDir(dirname(final));
    this.d.stats.clips++;
    return this.d.record(owner, { rel, sha256: hash, bytes: st.size, from: covered.from, to: covered.to });
  }
}
