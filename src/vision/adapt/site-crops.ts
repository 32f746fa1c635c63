import type { EventBus } from '../../platform/events/event-bus.ts';
import { iso, type Clock } from '../../platform/shared/clock.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import type { Box, RgbImage } from '../detect/types.ts';
import { cropAroundHead } from './crop.ts';
import type { CropLabel, SiteCropsRepo } from './site-crops.repo.ts';

/** The model whose detections become site crops (the one `jianhu adapt` retrains). */
export const ADAPTED_MODEL = 'ppe-hardhat';

/** A no-hard-hat violation as it starts: its frame (nothing drawn on it) and the detected bare head. */
export interface NoHelmetSighting {
  violationId: number;
  enterpriseId: string;
  siteId: string;
  cameraId: string;
  frame: RgbImage;
  head: Box;
  score: number;
}

/**
 * Site learning's crops: `hold` keeps the head crop of a no-hard-hat violation when it starts (the
 * supervision pipeline calls it through a port); the officer's review (`violation.reviewed`, heard on the
 * bus) labels it. Pending crops older than `pendingDays` are pruned as new ones arrive.
 */
export class SiteCrops {
  constructor(
    private readonly repo: SiteCropsRepo,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly pendingDays = 30,
  ) {}

  async hold(s: NoHelmetSighting): Promise<boolean> {
    const crop = await cropAroundHead(s.frame, s.head);
    const now = this.clock.now();
    this.repo.prunePending(iso(now - this.pendingDays * 86_400_000));
    return this.repo.insert({
      violationId: s.violationId,
      enterpriseId: s.enterpriseId,
      siteId: s.siteId,
      cameraId: s.cameraId,
      model: ADAPTED_MODEL,
      jpeg: crop.jpeg,
      width: crop.width,
      height: crop.height,
      headBox: crop.headBox,
      score: s.score,
      modelScale: crop.modelScale,
      createdAt: iso(now),
    });
  }

  /** Labels crops from reviews of no-hard-hat violations; returns the unsubscribe function. */
  listen(bus: EventBus): () => void {
    return bus.on('violation.reviewed', (e) => {
      const p = e.payload;
      if (p.type !== 'no_helmet' || p.review === 'pending') return;
      const label = p.review === 'confirmed' ? 'bare_head' : 'not_bare_head';
      if (this.repo.label(p.violationId, label, iso(this.clock.now())))
        this.logger.info({ violation: p.violationId, label }, 'site crop labelled 现场样本已标注');
    });
  }

  counts(): Record<CropLabel, number> {
    return this.repo.counts(ADAPTED_MODEL);
  }

  enterpriseIds(): string[] {
    return this.repo.enterpriseIds(ADAPTED_MODEL);
  }

  labelled() {
    return this.repo.labelled(ADAPTED_MODEL);
  }
}
