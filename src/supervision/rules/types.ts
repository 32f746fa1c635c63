import type { Box, Detection, Label } from '../../vision/detect/types.ts';
import type { TrackedPerson } from '../../vision/track/ppe.ts';
import type { Point } from '../zones/geometry.ts';

export const VIOLATION_TYPES = [
  'no_helmet',
  'no_vest',
  'phone_use',
  'smoking',
  'danger_zone_entry',
  'person_down',
  'guardian_absent',
  'crowding',
  'hot_work_unpermitted',
] as const;
export type ViolationType = (typeof VIOLATION_TYPES)[number];
export type Severity = 'low' | 'medium' | 'high';

/** 三违 category: 违章作业 unsafe work, 违反劳动纪律 breach of discipline; person_down is an emergency. */
export type Category = 'unsafe_work' | 'discipline' | 'emergency';

export const VIOLATION_INFO: Record<ViolationType, { zh: string; en: string; category: Category }> = {
  no_helmet: { zh: '未戴安全帽', en: 'No hard hat', category: 'unsafe_work' },
  no_vest: { zh: '未穿反光衣/工装', en: 'No hi-vis vest / workwear', category: 'unsafe_work' },
  phone_use: { zh: '打电话/玩手机', en: 'Phone use', category: 'discipline' },
  smoking: { zh: '吸烟', en: 'Smoking', category: 'discipline' },
  danger_zone_entry: { zh: '闯入危险区', en: 'Danger zone entry', category: 'unsafe_work' },
  person_down: { zh: '人员倒地', en: 'Person down', category: 'emergency' },
  guardian_absent: { zh: '监护人离岗', en: 'Guardian absent', category: 'discipline' },
  crowding: { zh: '人员聚集', en: 'Crowding', category: 'discipline' },
  hot_work_unpermitted: { zh: '疑似无票动火', en: 'Hot work without permit', category: 'unsafe_work' },
};

export interface RuleZone {
  id: string;
  kind: 'work_area' | 'danger_zone' | 'confined_entrance' | 'guardian_post';
  points: readonly Point[];
}

/**
 * What the active permits on a camera allow and demand, as the rules need it. The facts come from
 * each permit's kind of work (the work context's kind files), passed in as plain data by the adapter.
 */
export interface CameraPermits {
  /** an active permit here needs its guardian at the post (guardian_absent watches) */
  guardianRequired: boolean;
  /** an active permit here allows open flame (fire is then permitted work, not 疑似无票动火) */
  openFlameAllowed: boolean;
  /** the kind ids of the active permits, recorded with a violation */
  kinds: readonly string[];
}

export const NO_ACTIVE_PERMITS: CameraPermits = Object.freeze({
  guardianRequired: false,
  openFlameAllowed: false,
  kinds: [],
});

export interface ActivePermitsProvider {
  activeOn(cameraId: string, ts: number): CameraPermits;
}

/** Everything the rules see of one frame. */
export interface RuleFrame {
  cameraId: string;
  ts: number;
  width: number;
  height: number;
  people: readonly TrackedPerson[];
  detections: readonly Detection[];
  zones: readonly RuleZone[];
  permits: CameraPermits;
  /** labels the running detectors can produce; a rule whose inputs are missing stays silent */
  labels: ReadonlySet<Label>;
}

/** One rule's reading of one subject (a person, a zone, the camera) in one frame. */
export interface Observation {
  subject: string;
  value: boolean;
  trackId: number | null;
  zoneId: string | null;
  box: Box | null;
  detail?: Record<string, number | string>;
}

export interface RuleViolation {
  key: string;
  type: ViolationType;
  severity: Severity;
  cameraId: string;
  trackId: number | null;
  zoneId: string | null;
  startTs: number;
  lastTs: number;
  endTs: number | null;
  box: Box | null;
  detail: Record<string, number | string>;
}

export interface RuleEvent {
  kind: 'started' | 'updated' | 'ended';
  violation: RuleViolation;
}
