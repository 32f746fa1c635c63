import { defineError } from '../../platform/shared/errors.ts';

/**
 * The 隐患 closed loop as a pure state machine: 登记 registered → 评估 assessed → 派单 dispatched →
 * 整改 rectified → 复核 verified → 销号 closed (a failed review sends it back to dispatched).
 * No I/O and no clock of its own: the caller passes `now`.
 */
export const HAZARD_STATES = [
  'registered',
  'assessed',
  'dispatched',
  'rectified',
  'verified',
  'closed',
] as const;
export type HazardState = (typeof HAZARD_STATES)[number];
export type HazardLevel = 'general' | 'major';
/**
 * 检查环节, the annex forms' column: the enterprise's own check, a county's (市县检查), a cross-check
 * between counties (交叉检查), the province's (省级督查), and a report from the public or staff
 * (群众举报). Stored as these codes; the names below are what every screen and form shows.
 */
export const STAGES = [
  'self_check',
  'county_check',
  'cross_check',
  'province_check',
  'public_report',
] as const;
export type Stage = (typeof STAGES)[number];
export const STAGE_NAMES: Record<Stage, { zh: string; en: string }> = {
  self_check: { zh: '企业自查', en: 'Enterprise self-check' },
  county_check: { zh: '市县检查', en: 'City/county inspection' },
  cross_check: { zh: '交叉检查', en: 'Cross-inspection' },
  province_check: { zh: '省级督查', en: 'Provincial inspection' },
  public_report: { zh: '群众举报', en: 'Public report' },
};

/** 五到位 for a major hazard: 措施、责任、资金、时限、预案. */
export interface FiveInPlace {
  measures: string;
  responsiblePerson: string;
  funds: number;
  deadline: string;
  contingencyPlan: string;
}

export interface HazardSnapshot {
  state: HazardState;
  level: HazardLevel | null;
  responsibleUserId: number | null;
  deadline: number | null;
  five: Partial<FiveInPlace> | null;
  registeredBy: number;
  rectifiedBy: number | null;
}

export interface Actor {
  userId: number;
  /** holds hazard:write (safety officer, enterprise admin) */
  canManage: boolean;
}

export type HazardAction =
  | { kind: 'assess'; level: HazardLevel; five?: Partial<FiveInPlace> }
  | { kind: 'dispatch'; responsibleUserId: number; deadline?: number; five?: Partial<FiveInPlace> }
  | { kind: 'rectify'; afterPhotos: number }
  | { kind: 'verify'; passed: boolean }
  | { kind: 'close' };

export const HazardErrors = {
  badTransition: defineError(
    'JH_ERR_HAZARD_BAD_TRANSITION',
    409,
    '隐患当前状态不允许该操作。',
    'This step is not allowed in the hazard’s current state.',
  ),
  fiveMissing: defineError(
    'JH_ERR_HAZARD_FIVE_MISSING',
    400,
    '重大隐患派单前须落实“五到位”（措施、责任、资金、时限、预案）。',
    'A major hazard needs measures, responsible person, funds, deadline and contingency plan before dispatch.',
  ),
  deadlinePast: defineError(
    'JH_ERR_HAZARD_DEADLINE_PAST',
    400,
    '整改期限必须晚于当前时间。',
    'The rectification deadline must be in the future.',
  ),
  deadlineMissing: defineError(
    'JH_ERR_HAZARD_DEADLINE_MISSING',
    400,
    '派单须指定整改期限。',
    'Dispatch needs a deadline.',
  ),
  photoRequired: defineError(
    'JH_ERR_HAZARD_PHOTO_REQUIRED',
    400,
    '整改须上传整改后照片。',
    'Rectification needs at least one after-photo.',
  ),
  notResponsible: defineError(
    'JH_ERR_HAZARD_NOT_RESPONSIBLE',
    403,
    '只有整改责任人或安全管理人员可以提交整改。',
    'Only the responsible person or a safety manager may submit the rectification.',
  ),
  sameVerifier: defineError(
    'JH_ERR_HAZARD_SAME_VERIFIER',
    403,
    '复核须由整改人和责任人以外的人员进行。',
    'The review must be done by someone other than the rectifier and the responsible person.',
  ),
  forbidden: defineError(
    'JH_ERR_HAZARD_FORBIDDEN',
    403,
    '无权执行该操作。',
    'You may not perform this step.',
  ),
};

const FIVE_KEYS: (keyof FiveInPlace)[] = [
  'measures',
  'responsiblePerson',
  'funds',
  'deadline',
  'contingencyPlan',
];

export function missingFive(five: Partial<FiveInPlace> | null | undefined): (keyof FiveInPlace)[] {
  return FIVE_KEYS.filter((k) => {
    const v = five?.[k];
    if (k === 'funds') return typeof v !== 'number' || !(v >= 0);
    return typeof v !== 'string' || v.trim() === '';
  });
}

const FROM: Record<HazardAction['kind'], HazardState[]> = {
  assess: ['registered', 'assessed'],
  dispatch: ['assessed'],
  rectify: ['dispatched'],
  verify: ['rectified'],
  close: ['verified'],
};

/** Checks the step and returns the changes it makes; throws a coded error when it is not allowed. */
export function applyAction(
  h: HazardSnapshot,
  a: HazardAction,
  actor: Actor,
  now: number,
): Partial<HazardSnapshot> & { state: HazardState } {
  if (!FROM[a.kind].includes(h.state)) throw HazardErrors.badTransition({ state: h.state, action: a.kind });
  if (a.kind !== 'rectify' && !actor.canManage) throw HazardErrors.forbidden({ action: a.kind });
  switch (a.kind) {
    case 'assess':
      return { state: 'assessed', level: a.level, five: a.five ? { ...h.five, ...a.five } : h.five };
    case 'dispatch': {
      const five = a.five ? { ...h.five, ...a.five } : h.five;
      let deadline = a.deadline ?? null;
      if (h.level === 'major') {
        const missing = missingFive(five);
        if (missing.length > 0) throw HazardErrors.fiveMissing({ missing });
        deadline ??= Date.parse(five!.deadline!);
      }
      if (deadline === null || Number.isNaN(deadline)) throw HazardErrors.deadlineMissing();
      if (deadline <= now) throw HazardErrors.deadlinePast({ deadline: new Date(deadline).toISOString() });
      return { state: 'dispatched', responsibleUserId: a.responsibleUserId, deadline, five };
    }
    case 'rectify':
      if (actor.userId !== h.responsibleUserId && !actor.canManage) throw HazardErrors.notResponsible();
      if (a.afterPhotos < 1) throw HazardErrors.photoRequired();
      return { state: 'rectified', rectifiedBy: actor.userId };
    case 'verify':
      if (actor.userId === h.rectifiedBy || actor.userId === h.responsibleUserId)
        throw HazardErrors.sameVerifier();
      return a.passed ? { state: 'verified' } : { state: 'dispatched', rectifiedBy: null };
    case 'close':
      return { state: 'closed' };
  }
}

const DAY = 86_400_000;

/**
 * Escalation level of a dispatched hazard: 0 on time; 1 once past its deadline, +1 for every further
 * full day overdue (1: the responsible person and safety officer, 2: enterprise leadership, 3+: regulator).
 */
export function overdueLevel(h: Pick<HazardSnapshot, 'state' | 'deadline'>, now: number): number {
  if (h.state !== 'dispatched' || h.deadline === null || now <= h.deadline) return 0;
  return 1 + Math.floor((now - h.deadline) / DAY);
}

export const isOpen = (s: HazardState): boolean => s !== 'closed' && s !== 'verified';
