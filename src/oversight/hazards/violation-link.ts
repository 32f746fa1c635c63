import { join, relative } from 'node:path';
import type { Principal } from '../../platform/auth/principal.ts';
import type { UsersRepo } from '../../platform/auth/users.repo.ts';
import { defineError } from '../../platform/shared/errors.ts';
import { roleHas } from '../../platform/auth/permissions.ts';
import { hazardTypeOfViolation } from './hazard-types.ts';
import { scopeFor, type EnterpriseScope } from '../../platform/tenancy/scope.ts';
import type { HazardDetail, HazardsService } from './hazards.service.ts';

/**
 * A violation becomes a 隐患: the hazard records the violation id and takes the violation's evidence
 * files (snapshot, clip) as its on-site evidence, with their sha256 — so the hazard.registered event
 * commits the audit chain to those files too. The violations and evidence services are read through
 * getters because they start after this module.
 */
export interface ViolationLookup {
  get(
    scope: EnterpriseScope,
    id: number,
  ): { id: number; enterpriseId: string; siteId: string; cameraId: string };
}
export interface EvidenceLookup {
  readonly root: string;
  forViolation(id: number): { kind: string; path: string; sha256: string; bytes: number; mime: string }[];
}
export interface ViolationLinks {
  violations: ViolationLookup;
  evidence: EvidenceLookup;
}

export const LinkErrors = {
  mismatch: defineError(
    'JH_ERR_HAZARD_VIOLATION_MISMATCH',
    400,
    '违章记录不属于该企业。',
    'The violation belongs to another enterprise.',
  ),
  badId: defineError('JH_ERR_HAZARD_VIOLATION_ID', 400, '违章编号无效。', 'Not a valid violation id.'),
};

export interface LinkedEvidence {
  path: string;
  sha256: string;
  bytes: number;
  mime: string;
}

/** Checks that the violation exists, is the caller's to see and belongs to `enterpriseId`; its id. */
export function checkViolation(
  links: ViolationLinks,
  scope: EnterpriseScope,
  enterpriseId: string,
  violationId: string,
): number {
  if (!/^\d+$/.test(violationId)) throw LinkErrors.badId({ violationId });
  const v = links.violations.get(scope, Number(violationId));
  if (v.enterpriseId !== enterpriseId) throw LinkErrors.mismatch({ violationId });
  return v.id;
}

/** Checks the violation (tenancy included) and returns its evidence as paths relative to dataDir. */
export function violationEvidence(
  links: ViolationLinks,
  scope: EnterpriseScope,
  enterpriseId: string,
  violationId: string,
  dataDir: string,
): LinkedEvidence[] {
  const id = checkViolation(links, scope, enterpriseId, violationId);
  const ev = links.evidence;
  return ev.forViolation(id).map((e) => ({
    path: relative(dataDir, join(ev.root, e.path)),
    sha256: e.sha256,
    bytes: e.bytes,
    mime: e.mime,
  }));
}

/** The reviewer who confirmed a violation, as the principal that registers the hazard. */
export function reviewerOf(
  users: UsersRepo,
  username: string | null,
): { principal: Principal; scope: EnterpriseScope } | undefined {
  const p = username ? users.byUsername(username) : undefined;
  if (!p || !p.enterpriseId) return undefined;
  return { principal: p, scope: scopeFor(p, () => []) };
}

export interface ConfirmedViolation {
  violationId: number;
  review: string;
  cameraId: string;
  siteId: string;
  /** the violation's type (no_helmet …): the hazard's 隐患类型 follows from it */
  type?: string;
  typeZh: string;
  startedAt: string;
  reviewedBy: string | null;
  enterpriseId: string;
}

/**
 * A violation confirmed by a safety officer becomes a hazard automatically (AI inspection closed
 * loop: 识别 → 确认 → 登记), registered in the reviewer's name; once per violation.
 */
export function hazardFromConfirmedViolation(
  hazards: HazardsService,
  users: UsersRepo,
  v: ConfirmedViolation,
): HazardDetail | undefined {
  if (v.review !== 'confirmed' || hazards.repo.byViolation(String(v.violationId))) return undefined;
  const who = reviewerOf(users, v.reviewedBy);
  if (!who || !roleHas(who.principal.role, 'hazard:write')) return undefined;
  return hazards.register(who.principal, who.scope, {
    enterpriseId: v.enterpriseId,
    siteId: v.siteId,
    source: 'violation',
    violationId: String(v.violationId),
    stage: 'self_check',
    checker: `AI 识别，${who.principal.displayName} 确认`,
    description: `${v.typeZh}（摄像头 ${v.cameraId}，${beijing(v.startedAt)}）`,
    hazardType: hazardTypeOfViolation(v.type),
    foundAt: v.startedAt,
    reason: 'AI 违章经人工确认，自动登记隐患 confirmed violation registered as a hazard',
  });
}

/** The plant's clock (Asia/Shanghai) for a time written into a hazard's text, e.g. 2026/12/7 09:58:00. */
function beijing(isoTime: string): string {
  const d = new Date(isoTime);
  return Number.isNaN(d.getTime())
    ? isoTime
    : d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}
