/**
 * 隐患类型: the codes a screen offers, each with its zh/en name. `hazardType` stays free text in the
 * store and the API (older hazards and third-party clients wrote words such as 违章作业), so a value that
 * is not a code is shown as written. The wall's 派单整改 sends the violation's 三违 category
 * (unsafe_work, discipline, emergency), which are codes here too.
 */
export const HAZARD_TYPES = {
  ppe: { zh: '个体防护', en: 'Personal protection' },
  hot_work: { zh: '动火作业', en: 'Hot work' },
  confined_space: { zh: '有限空间', en: 'Confined space' },
  electrical: { zh: '用电', en: 'Electrical' },
  fire_escape: { zh: '消防通道', en: 'Fire escape' },
  gas: { zh: '煤气', en: 'Gas' },
  unsafe_work: { zh: '违章作业', en: 'Unsafe work' },
  discipline: { zh: '违反劳动纪律', en: 'Breach of discipline' },
  emergency: { zh: '突发险情', en: 'Emergency' },
  other: { zh: '其他', en: 'Other' },
} as const satisfies Record<string, { zh: string; en: string }>;
export type HazardTypeCode = keyof typeof HAZARD_TYPES;

/** The name to show for a stored value: a code's name, or the free text itself. */
export function hazardTypeName(value: string): { zh: string; en: string } {
  return (HAZARD_TYPES as Record<string, { zh: string; en: string }>)[value] ?? { zh: value, en: value };
}

/** The type a hazard raised from an AI violation gets, by the violation's type (its 三违 category else). */
const OF_VIOLATION: Record<string, HazardTypeCode> = {
  no_helmet: 'ppe',
  no_vest: 'ppe',
  hot_work_unpermitted: 'hot_work',
  danger_zone_entry: 'unsafe_work',
  phone_use: 'discipline',
  smoking: 'discipline',
  guardian_absent: 'discipline',
  crowding: 'discipline',
  person_down: 'emergency',
};
export const hazardTypeOfViolation = (type: string | undefined): HazardTypeCode =>
  (type && OF_VIOLATION[type]) || 'unsafe_work';
