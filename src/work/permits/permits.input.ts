import type { Config } from '../../config/schema.ts';
import { defineError } from '../../platform/shared/errors.ts';

/** 焊机距动火点不超过 10 m (domain brief, geometry). */
export const MACHINE_TO_WORK_POINT_M = 10;

/** Refusals of permit input that names things outside the enterprise. */
export const PermitInputErrors = {
  badSite: defineError(
    'JH_ERR_PERMIT_UNKNOWN_SITE',
    400,
    '作业地点（厂区）不存在或不属于本企业。',
    'The site does not exist or belongs to another enterprise.',
  ),
  badWorker: defineError(
    'JH_ERR_PERMIT_UNKNOWN_WORKER',
    400,
    '作业人员不存在或不属于本企业。',
    'A worker does not exist or belongs to another enterprise.',
  ),
  badGuardian: defineError(
    'JH_ERR_PERMIT_BAD_GUARDIAN',
    400,
    '监护人不存在、不属于本企业或不是监护人角色。',
    'The guardian does not exist, belongs to another enterprise, or is not a guardian.',
  ),
  badApprover: defineError(
    'JH_ERR_PERMIT_BAD_APPROVER',
    400,
    '该用户不是本企业的审批人。',
    'That user is not an approver of this enterprise.',
  ),
  machineTooFar: defineError(
    'JH_ERR_PERMIT_MACHINE_TOO_FAR',
    400,
    '焊机距动火点超过 10 米，请移近焊机或更正动火点。',
    'The welding machine stands more than 10 m from the hot-work point; move it closer or correct the point.',
  ),
  badBinding: defineError(
    'JH_ERR_PERMIT_UNKNOWN_BINDING',
    400,
    '绑定的焊机或门锁不存在或不属于本企业，请先登记。',
    'A bound machine or lock does not exist or belongs to another enterprise; register it first.',
  ),
};

/** Where each configured camera lives: bound cameras must belong to the permit's enterprise. */
export function cameraIndex(config: Config): Map<string, { siteId: string; enterpriseId: string }> {
  const m = new Map<string, { siteId: string; enterpriseId: string }>();
  for (const s of config.sites)
    for (const c of s.cameras) m.set(c.id, { siteId: s.id, enterpriseId: s.enterpriseId });
  return m;
}
