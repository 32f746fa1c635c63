import { inspectionsEnforcement, type InspectionSource } from '../../oversight/inspections/enforcement.ts';
import type { AnnexForm } from '../../oversight/reports/annex-form.ts';
import {
  ANNEX_FORMS,
  hazardColumnsEnforcement,
  memoryHazardSource,
  type AnnexFormName,
} from '../../oversight/reports/forms/index.ts';
import type { HubConfig } from '../config.ts';
import type { HubFormHazard, HubInspectionRow } from '../store/forms.repo.ts';
import type { ReadRepo } from '../store/read.repo.ts';
import type { Region } from './desk.ts';

/** The annex forms count days in Asia/Shanghai, as the boxes do (permits.night.utcOffsetMinutes). */
export const HUB_FORM_UTC_OFFSET_MINUTES = 480;

/**
 * One annex form over a region's enterprises, whichever box they are on. PostgreSQL is async and
 * the forms' builders are synchronous, so the region's hazards found before the range's end are
 * loaded first, then the box's own builders run over them in memory (`memoryHazardSource`): one
 * definition of each form, on the box and at the hub. 挂牌督办 and 行政处罚 come, as on the box, from
 * the 执法检查 record that found a hazard, else the hazard's own columns (shipped in
 * hazard.registered); 附件5's photos are asked of the boxes for XLSX / PDF.
 */
export async function hubAnnexForm(
  read: ReadRepo,
  config: HubConfig,
  region: Region,
  name: AnnexFormName,
  range: { from: number; to: number },
  now: number,
  /** for 附件5 in XLSX / PDF: ask the boxes for the photos (null: name them, 照片见企业端) */
  photos: PhotoFetch | null = null,
): Promise<AnnexForm> {
  const [rows, inspections] = await Promise.all([
    read.forms.formHazards(region.enterpriseIds, new Date(range.to).toISOString()),
    read.forms.formInspections(region.enterpriseIds),
  ]);
  const hazards = memoryHazardSource(rows);
  const localId = new Map(rows.map((r) => [`${r.boxId}/${r.boxHazardId}`, r.hazard.id]));
  const fetched = photos && name === 'hazard-list' ? await fetchPhotos(photos, rows, range) : new Map();
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
      photoData: (id) => fetched.get(id),
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

/** How the hub asks a box for a hazard's photo (desk/evidence.ts's fetchEvidence, kind hazard-photo). */
export type PhotoFetch = (
  boxId: string,
  hazardId: number,
  chainedSha256: string,
) => Promise<{ contentType: string; bytes: Buffer }>;

/** at most this many photos are asked for one form; the rest are named (照片见企业端) */
export const MAX_FORM_PHOTOS = 200;

/**
 * The on-site photos of the hazards found in the range, asked of their boxes in parallel and checked
 * against the sha256 the box's chain recorded (fetchEvidence refuses any other). A box that is offline
 * or answers wrong leaves its cells as 照片见企业端: the form is still made.
 */
async function fetchPhotos(
  fetch: PhotoFetch,
  rows: HubFormHazard[],
  range: { from: number; to: number },
): Promise<Map<number, { data: Buffer; mime: 'image/jpeg' | 'image/png' }>> {
  const from = new Date(range.from).toISOString();
  const wanted = rows
    .filter((r) => r.photoSha256 && r.photos.length > 0 && r.hazard.foundAt >= from)
    .slice(0, MAX_FORM_PHOTOS);
  const got = await Promise.all(
    wanted.map(async (r) => {
      try {
        const f = await fetch(r.boxId, r.boxHazardId, r.photoSha256!);
        const mime = f.contentType === 'image/png' ? 'image/png' : 'image/jpeg';
        return [r.hazard.id, { data: f.bytes, mime }] as const;
      } catch {
        return null;
      }
    }),
  );
  return new Map(got.filter((x) => x !== null));
}
