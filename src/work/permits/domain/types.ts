import type { SuspendCause } from './suspend-cause.ts';
/**
 * 作业票 work permits: the pure data the state machine decides on. Times are epoch ms from a Clock.
 * Field names follow the domain brief (GB 30871-2022 fields; 应急管理部令第13号 for confined spaces).
 */
export const PERMIT_KINDS = ['hot_work', 'confined_space'] as const;
export type PermitKind = (typeof PERMIT_KINDS)[number];

/** 特级 special / 一级 level1 / 二级 level2 hot work. */
export const HOT_LEVELS = ['special', 'level1', 'level2'] as const;
export type HotLevel = (typeof HOT_LEVELS)[number];

export const PERMIT_STATES = [
  'draft',
  'awaiting_approval',
  'approved',
  'active',
  'suspended',
  'completed',
  'revoked',
  'expired',
] as const;
export type PermitState = (typeof PERMIT_STATES)[number];

export const TERMINAL_STATES: readonly PermitState[] = ['completed', 'revoked', 'expired'];

export const STATE_NAMES_ZH: Record<PermitState, string> = {
  draft: '草稿',
  awaiting_approval: '待审批',
  approved: '已批准',
  active: '作业中',
  suspended: '暂停',
  completed: '已完工',
  revoked: '已撤销',
  expired: '已过期',
};

/** Approval authority of an approver (主管领导 > 安全管理部门 > 作业所在单位). */
export const AUTHORITIES = ['unit', 'safety_dept', 'leader'] as const;
export type Authority = (typeof AUTHORITIES)[number];

export type EscalationReason = 'holiday' | 'night' | 'special_circumstance';

export interface PermitWorker {
  userId: number;
  username: string;
  certificateNo: string | null;
}

export interface SafetyMeasure {
  text: string;
  confirmedBy: string | null;
  confirmedAt: number | null;
}

export interface Signature {
  role: 'applicant' | 'approver' | 'starter' | 'completion';
  userId: number;
  username: string;
  authority?: Authority;
  at: number;
}

export interface Permit {
  id: string;
  number: string;
  enterpriseId: string;
  siteId: string;
  kind: PermitKind;
  /** hot work: the level asked for; the effective level may be one higher. */
  requestedLevel: HotLevel | null;
  level: HotLevel | null;
  escalatedBecause: EscalationReason[];
  location: string;
  description: string;
  validFrom: number;
  validTo: number;
  workers: PermitWorker[];
  guardianUserId: number | null;
  cameraIds: string[];
  machineIds: string[];
  lockIds: string[];
  measures: SafetyMeasure[];
  linkedPermitIds: string[];
  /** confined space with H2S/CO/CO2 risk needs the principal's (leader's) approval. */
  toxicRisk: boolean;
  /** lower explosive limit (%) of the combustible gas present: decides the 0.5% / 0.2% limit. */
  lelPct: number | null;
  /** the hot-work point; bound machines must stand within 10 m of it */
  workPoint?: { lat: number; lon: number } | null;
  state: PermitState;
  signatures: Signature[];
  startedAt: number | null;
  suspendedAt: number | null;
  /** the sentence shown for the suspension (or the rejection / revocation reason) */
  suspendReason: string | null;
  /** why it is suspended, typed (null unless suspended; absent on documents older than migration 034) */
  suspendCause?: SuspendCause | null;
  endedAt: number | null;
  createdAt: number;
}

export interface GasTest {
  id: number;
  permitId: string;
  takenAt: number;
  analyst: string;
  o2Pct: number | null;
  combustiblePct: number;
  h2sPpm: number | null;
  coPpm: number | null;
  passed: boolean;
  failures: string[];
}

export interface Actor {
  userId: number;
  username: string;
  authority?: Authority | null;
}
