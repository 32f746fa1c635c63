import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hazard, HazardFilter, HazardPhoto, HazardTransition } from '../../hazards/hazards.repo.ts';
import type { HazardState, Stage } from '../../hazards/hazard.machine.ts';
import type { EnterpriseRow } from '../../../platform/tenancy/tenancy.repo.ts';
import { Day, type PhotoCell } from '../annex-form.ts';

/** 挂牌督办单位 and 行政处罚 of one hazard, as the ledger (附件2) prints them. */
export interface LedgerExtras {
  supervisingUnit: string | null;
  /** 0: no penalty recorded */
  penaltyYuan: number;
  penaltyNote: string | null;
}

/** One administrative penalty, for the weekly table's 行政处罚 columns. */
export interface PenaltyRecord {
  enterpriseId: string;
  /** the 检查环节 it came from, null when not known */
  stage: Stage | null;
  at: string;
  yuan: number;
}

/**
 * Where 挂牌督办 and 行政处罚 come from. Today: the hazards table's own columns (supervising_unit,
 * penalty_yuan, penalty_note, set when a hazard is registered). The regulator's 执法检查 records
 * can plug in here with another implementation; the forms do not change.
 */
export interface EnforcementPort {
  forHazard(h: Hazard): LedgerExtras;
  /** penalties imposed in [from, to) on these enterprises */
  penalties(enterpriseIds: readonly string[], from: string, to: string): PenaltyRecord[];
}

/**
 * The reads the form builders make, and nothing else: the box's SQLite `HazardsRepo` satisfies it
 * unchanged; the county hub loads a region's rows from PostgreSQL first and serves them from memory
 * (`memoryHazardSource`), so the same synchronous builders run on both.
 */
export interface HazardSource {
  /** ordered by foundAt, then id */
  list(f: HazardFilter): Hazard[];
  get(id: number): Hazard | undefined;
  photos(hazardId: number): HazardPhoto[];
  transitionsInWindow(
    enterpriseIds: string[],
    toState: HazardState,
    from: string,
    to: string,
  ): Pick<HazardTransition, 'hazardId' | 'at'>[];
}

export function hazardColumnsEnforcement(repo: HazardSource): EnforcementPort {
  return {
    forHazard: (h) => ({
      supervisingUnit: h.supervisingUnit,
      penaltyYuan: h.penaltyYuan,
      penaltyNote: h.penaltyNote,
    }),
    penalties: (ids, from, to) =>
      repo
        .list({ enterpriseIds: [...ids], from, to })
        .filter((h) => h.penaltyYuan > 0)
        .map((h) => ({ enterpriseId: h.enterpriseId, stage: h.stage, at: h.foundAt, yuan: h.penaltyYuan })),
  };
}

/** What every form is built from: the store, who files it, when, and in which time zone. */
export interface FormContext {
  hazards: HazardSource;
  enforcement: EnforcementPort;
  enterprises: readonly EnterpriseRow[];
  regions: readonly { id: string; name: string }[];
  /**
   * the data folder photos are stored under (hazard_photos.path is relative to it); null where the
   * files are elsewhere (the county hub: the photo stays on the enterprise's box, the cell says so)
   */
  dataDir: string | null;
  /** without a data folder: photo bytes fetched beforehand (the hub asks the box), by hazard id */
  photoData?: (hazardId: number) => { data: Buffer; mime: 'image/jpeg' | 'image/png' } | undefined;
  /** Asia/Shanghai: 480 */
  utcOffsetMinutes: number;
  now: number;
}

/** Which enterprises, over which range, filed by whom. */
export interface FormRequest {
  enterpriseIds: readonly string[];
  /** [from, to) as epoch ms */
  from: number;
  to: number;
  /** 填报单位 as printed */
  unit: string;
}

/** 现场证据 at the county hub: the photo is on the enterprise's box, not copied to the hub */
export const PHOTO_ON_BOX = '照片见企业端';

export const isoOf = (ms: number) => new Date(ms).toISOString();

export function helpers(ctx: FormContext) {
  const regions = new Map(ctx.regions.map((r) => [r.id, r.name]));
  const byId = new Map(ctx.enterprises.map((e) => [e.id, e]));
  const day = (at: string | number) =>
    Day.of(typeof at === 'number' ? at : Date.parse(at), ctx.utcOffsetMinutes);
  return {
    day,
    enterprise: (id: string) => byId.get(id)?.name ?? id,
    county: (id: string) => {
      const r = byId.get(id)?.regionId;
      return r ? (regions.get(r) ?? r) : '';
    },
    industry: (id: string) => byId.get(id)?.industry ?? '',
    /** 填报时间 line fields */
    filed: (req: FormRequest) => [`填报单位：${req.unit}`, `填报时间：${day(ctx.now).zh}`],
    /** the range as the forms print it: the last day is the one before the exclusive end */
    period: (req: FormRequest) => `统计时段：${day(req.from).zh}至${day(req.to - 1).zh}`,
    stem: (name: string, req: FormRequest) => `${name}-${day(req.from).iso}-${day(req.to - 1).iso}`,
    /**
     * The first on-site photo of a hazard; null when none or its file is missing. The bytes are read
     * only when a renderer embeds them (XLSX, PDF): a JSON page or a CSV of a long campaign reads none.
     * Without a data folder (the hub) a photo fetched beforehand is embedded, else named: 照片见企业端.
     */
    photo(h: Hazard, photos: HazardPhoto[]): PhotoCell | string | null {
      const p = photos.find((x) => x.kind === 'before');
      if (!p) return null;
      if (ctx.dataDir === null) {
        const got = ctx.photoData?.(h.id);
        return got ? { photo: { data: got.data, mime: got.mime, href: PHOTO_ON_BOX } } : PHOTO_ON_BOX;
      }
      const file = join(ctx.dataDir, p.path);
      if (!existsSync(file)) return null;
      let data: Buffer | undefined;
      return {
        photo: {
          get data() {
            return (data ??= readFileSync(file));
          },
          mime: p.mime as 'image/jpeg' | 'image/png',
          href: `/api/hazards/${h.id}/photos/${p.id}`,
        },
      };
    },
  };
}
