/** The roles a user can hold; permissions per role live in permissions.ts. */
export const ROLES = [
  'welder',
  'guardian',
  'safety_officer',
  'approver',
  'enterprise_admin',
  'regulator',
] as const;

export type Role = (typeof ROLES)[number];
