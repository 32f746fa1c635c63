import type { AnnexForm } from '../../oversight/reports/annex-form.ts';
import {
  ANNEX_FORMS,
  hazardColumnsEnforcement,
  memoryHazardSource,
  type AnnexFormName,
} from '../../oversight/reports/forms/index.ts';
import type { HubConfig } from '../config.ts';
import type { ReadRepo } from '../store/read.repo.ts';
import type { Region } from './desk.ts';

/** The annex forms count days in Asia/Shanghai, as the boxes do (permits.night.utcOffsetMinutes). */
export const HUB_FORM_UTC_OFFSET_MINUTES = 480;

/**
 * One annex form over a region's enterprises, whichever box they are on. PostgreSQL is async and
 * the forms' builders are synchronous, so the region's hazards found before the range's end are
 * loaded first, then the box's own builders run over them in memory (`memoryHazardSource`): one
 * definition of each form, on the box and at the hub. 挂牌督办 and 行政处罚 come from the hazards'
 * own columns (what hazard.registered ships); photos stay on the box (照片见企业端).
 */
export async function hubAnnexForm(
  read: ReadRepo,
  config: HubConfig,
  region: Region,
  name: AnnexFormName,
  range: { from: number; to: number },
  now: number,
): Promise<AnnexForm> {
  const rows = await read.formHazards(region.enterpriseIds, new Date(range.to).toISOString());
  const hazards = memoryHazardSource(rows);
  const unit = config.regions.find((r) => r.id === region.regionId)?.name ?? region.regionId;
  return ANNEX_FORMS[name].build(
    {
      hazards,
      enforcement: hazardColumnsEnforcement(hazards),
      enterprises: config.enterprises
        .filter((e) => region.enterpriseIds.includes(e.id))
        .map((e) => ({ id: e.id, name: e.name, regionId: e.regionId, industry: e.industry ?? '' })),
      regions: config.regions,
      dataDir: null,
      utcOffsetMinutes: HUB_FORM_UTC_OFFSET_MINUTES,
      now,
    },
    { enterpriseIds: region.enterpriseIds, ...range, unit },
  );
}
