import type { SuspendCause } from './suspend-cause.ts';
/**
 * 作业票 work permits: the pure data the state machine decides on. Times are epoch ms from a Clock.
 * Field names follow the domain brief (GB 30871-2022 fields; 应急管理部令第13号 for confined spaces).
 */
import type { Authority, EscalationReason } from '../../kinds/work-kind.ts';

export { AUTHORITIES, type Authority, type EscalationReason } from '../../kinds/work-kind.ts';

/** A registered kind's id ('hot_work', 'confined_space', …): what it means lives in src/work/kinds. */
export type PermitKind = string;
/** One of the kind's level ids ('special', 'level1', …); null for a kind without levels. */
export type PermitLevel = string;

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
  /** a kind with levels: the level asked for; the effective level may be one higher (escalation). */
  requestedLevel: PermitLevel | null;
  level: PermitLevel | null;
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
  /** H2S/CO/CO2 risk: raises the approval to the kind's toxicRiskAuthority (confined space: the leader). */
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
