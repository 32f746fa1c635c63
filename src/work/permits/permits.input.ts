import type { Config } from '../../config/schema.ts';
import type { UsersRepo } from '../../platform/auth/users.repo.ts';
import { defineError } from '../../platform/shared/errors.ts';
import { KINDS } from '../kinds/index.ts';
import { PermitErrors } from './domain/errors.ts';
import type { PermitWorker } from './domain/types.ts';

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

/** What checking a new permit's names needs: the config's sites and cameras, the users, the owners of machines and locks. */
export interface DraftInputDeps {
  config: Config;
  cameras: Pick<ReadonlyMap<string, { siteId: string; enterpriseId: string }>, 'get'>;
  users: UsersRepo;
  ownerOf(kind: 'machine' | 'lock', id: string): string | undefined;
  machineDistanceM(id: string, p: { lat: number; lon: number }): number | undefined;
  certificateNo(userId: number, categories: readonly string[], now: number): string | null;
}

/**
 * Everything a draft names must be the enterprise's own: its site, cameras, machines and locks; bound
 * machines stand within 10 m of the hot-work point.
 */
export function checkDraftBindings(
  d: DraftInputDeps,
  enterpriseId: string,
  body: {
    siteId: string;
    cameraIds: readonly string[];
    machineIds: readonly string[];
    lockIds: readonly string[];
    workPoint?: { lat: number; lon: number } | null;
  },
): void {
  const site = d.config.sites.find((s) => s.id === body.siteId && s.enterpriseId === enterpriseId);
  if (!site) throw PermitInputErrors.badSite({ siteId: body.siteId });
  for (const id of body.cameraIds)
    if (d.cameras.get(id)?.enterpriseId !== enterpriseId) throw PermitErrors.unknownCamera({ cameraId: id });
  for (const [kind, ids] of [
    ['machine', body.machineIds],
    ['lock', body.lockIds],
  ] as const)
    for (const id of ids)
      if (d.ownerOf(kind, id) !== enterpriseId) throw PermitInputErrors.badBinding({ kind, id });
  if (body.workPoint)
    for (const id of body.machineIds) {
      const dist = d.machineDistanceM(id, body.workPoint);
      if (dist !== undefined && dist > MACHINE_TO_WORK_POINT_M)
        throw PermitInputErrors.machineTooFar({
          machineId: id,
          distanceM: Math.round(dist),
          maxM: MACHINE_TO_WORK_POINT_M,
        });
    }
}

/** The named workers, each with the certificate numbers they hold for the kind's categories now. */
export function resolveWorkers(
  d: DraftInputDeps,
  enterpriseId: string,
  kind: string,
  usernames: readonly string[],
  now: number,
): PermitWorker[] {
  const categories = KINDS.kindOf(kind).certificates;
  return usernames.map((username) => {
    const u = d.users.byUsername(username);
    if (!u || u.enterpriseId !== enterpriseId) throw PermitInputErrors.badWorker({ username });
    return { userId: u.userId, username, certificateNo: d.certificateNo(u.userId, categories, now) };
  });
}

/** A guardian named on a permit: a user of the enterprise with the guardian role. */
export function guardianIdOf(users: UsersRepo, username: string, enterpriseId: string): number {
  const g = users.byUsername(username);
  if (!g || g.enterpriseId !== enterpriseId || g.role !== 'guardian')
    throw PermitInputErrors.badGuardian({ username });
  return g.userId;
}
