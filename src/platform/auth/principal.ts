import type { Role } from '../../config/schema.ts';

/** Who is calling, as every service sees it after authentication. */
export interface Principal {
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  enterpriseId: string | null;
  regionId: string | null;
}
