import { inspectionsEnforcement, type InspectionSource } from '../../oversight/inspections/enforcement.ts';
import type { AnnexForm } from '../../oversight/reports/annex-form.ts';
import {
  ANNEX_FORMS,
  hazardColumnsEnforcement,
  memoryHazardSource,
  type AnnexFormName,
} from '../../oversight/reports/forms/index.ts';
import type { HubConfig } from '../config.ts';
import type { HubInspectionRow, ReadRepo } from '../store/read.repo.ts';
import type { Region } from './desk.ts';

/** The annex forms count days in Asia/Shanghai, as the boxes do (permits.night.utcOffsetMinutes). */
export const HUB_FORM_UTC_OFFSET_MINUTES = 480;

/**
 * One annex form over a region's enterprises, whichever box they are on. PostgreSQL is async and
 * the forms' builders are synchronous, so the region's hazards found before the range's end are
 * loaded first, then the box's own builders run over them in memory (`memoryHazardSource`): one
 * definition of each form, on the box and at the hub. 挂牌督办 and 行政处罚 come, as on the box, from
 * the 执法检查 record that found a hazard, else the hazard's own columns (shipped in
 * hazard.registered); photos stay on the box (照片见企业端).
 */
export async function hubAnnexForm(
  read: ReadRepo,
  config: HubConfig,
  region: Region,
  name: AnnexFormName,
  range: { from: number; to: number },
  now: number,
): Promise<AnnexForm> {
  const [rows, inspections] = await Promise.all([
    read.formHazards(region.enterpriseIds, new Date(range.to).toISOString()),
    read.formInspections(region.enterpriseIds),
  ]);
  const hazards = memoryHazardSource(rows);
  const localId = new Map(rows.map((r) => [`${r.boxId}/${r.boxHazardId}`, r.hazard.id]));
  const unit = config.regions.find((r) => r.id === region.regionId)?.name ?? region.regionId;
  return ANNEX_FORMS[name].build(
    {
      hazards,
      enforcement: inspectionsEnforcement(
        memoryInspections(inspections, localId),
        hazardColumnsEnforcement(hazards),
      ),
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

/** The region's projected 执法检查 records as the box's `inspectionsEnforcement` reads them. */
function memoryInspections(rows: HubInspectionRow[], localId: Map<string, number>): InspectionSource {
  const byHazard = new Map<number, HubInspectionRow>();
  for (const r of rows)
    for (const h of r.hazardIds) {
      const id = localId.get(`${r.boxId}/${h}`);
      if (id !== undefined) byHazard.set(id, r);
    }
  return {
    byHazard: (id) => byHazard.get(id),
    withPenaltyBetween: (ids, from, to) =>
      rows.filter(
        (r) =>
          ids.includes(r.enterpriseId) && r.penaltyYuan > 0 && r.inspectedAt >= from && r.inspectedAt < to,
      ),
  };
}
