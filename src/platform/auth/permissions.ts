import type { Role } from '../../config/schema.ts';

/**
 * Every route declares one of these (route option `config.permission`). Roles grant permissions;
 * tenancy (which enterprises a user may see) is applied separately by `scope.ts`.
 */
export const PERMISSIONS = [
  'self:read',
  'camera:read',
  'camera:write',
  'violation:read',
  'violation:handle',
  'permit:read',
  'permit:create',
  'permit:approve',
  'permit:operate',
  'gas:record',
  'scan:submit',
  'machine:read',
  'machine:write',
  'lock:operate',
  'hazard:read',
  'hazard:write',
  'audit:read',
  'report:export',
  'user:read',
  'user:write',
  'enterprise:read',
  /** 执法检查 records: the enterprise reads its own, the regulator its region's */
  'inspection:read',
  /** recording 执法检查 (regulators only; tenancy limits them to their region) */
  'inspection:write',
  /** the regulator's desk: the region's enterprises ranked side by side */
  'region:overview',
  /** the enterprise's own record (一企一档): its enterprise admin */
  'enterprise:write',
  /** the 监管等级 (A/B/C/D) override: regulators */
  'grade:override',
  /** site learning of the detectors (jianhu adapt, rollback): the enterprise admin */
  'model:adapt',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const READ_ENTERPRISE: Permission[] = [
  'self:read',
  'camera:read',
  'violation:read',
  'permit:read',
  'machine:read',
  'hazard:read',
  'enterprise:read',
  'inspection:read',
];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  welder: ['self:read', 'permit:read', 'scan:submit', 'machine:read', 'inspection:read'],
  guardian: [...READ_ENTERPRISE, 'permit:operate', 'gas:record', 'lock:operate'],
  safety_officer: [
    ...READ_ENTERPRISE,
    'violation:handle',
    'permit:create',
    'permit:operate',
    'gas:record',
    'hazard:write',
    'audit:read',
    'report:export',
  ],
  approver: [...READ_ENTERPRISE, 'permit:approve', 'audit:read'],
  enterprise_admin: [
    ...READ_ENTERPRISE,
    'camera:write',
    'violation:handle',
    'permit:create',
    'machine:write',
    'hazard:write',
    'audit:read',
    'report:export',
    'user:read',
    'user:write',
    'enterprise:write',
    'model:adapt',
  ],
  regulator: [
    ...READ_ENTERPRISE,
    'audit:read',
    'report:export',
    'inspection:write',
    'region:overview',
    'grade:override',
  ],
};

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
