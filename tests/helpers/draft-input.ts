import type { DraftInput } from '../../src/work/permits/domain/create.ts';

/** What a draft's test names itself: the kind and level it is about, its number, place and window. */
type DraftBasics = Pick<DraftInput, 'number' | 'kind' | 'level' | 'location' | 'validFrom' | 'validTo'>;

/**
 * A permit draft for the pure domain tests (`draftPermit`): enterprise A's site, one worker without a
 * certificate, guardian user 2, camera c1, nothing else bound, no toxic risk, no holiday and no special
 * circumstance. Every field may be overridden.
 */
export const draftInput = (d: DraftBasics & Partial<DraftInput>): DraftInput => ({
  id: 'p1',
  enterpriseId: 'ent-a',
  siteId: 'site-a',
  description: '',
  workers: [{ userId: 1, username: 'w', certificateNo: null }],
  guardianUserId: 2,
  cameraIds: ['c1'],
  machineIds: [],
  lockIds: [],
  measures: [],
  linkedPermitIds: [],
  toxicRisk: false,
  lelPct: null,
  holiday: false,
  specialCircumstance: false,
  ...d,
});
