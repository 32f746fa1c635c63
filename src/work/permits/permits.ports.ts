import type { Principal } from '../../platform/auth/principal.ts';
import type { EnterpriseScope } from '../../platform/tenancy/scope.ts';
import type { Certificate } from '../certificates/certificate-standing.ts';
import type { Permit } from './domain/types.ts';

export interface Caller {
  principal: Principal;
  scope: EnterpriseScope;
}

export type PermitAction =
  | 'submitted'
  | 'approved'
  | 'rejected'
  | 'started'
  | 'suspended'
  | 'resumed'
  | 'completed'
  | 'revoked'
  | 'expired';

/**
 * What the permits service asks of its neighbours (locks, machines, certificates, camera liveness),
 * given once at construction by the work context (src/work/module.ts).
 */
export interface PermitPorts {
  /** people inside a confined space under this permit (the locks' entry/exit ledger) */
  peopleInside(permitId: string): number;
  /** which enterprise owns a machine or lock; undefined when unknown */
  ownerOf(kind: 'machine' | 'lock', id: string): string | undefined;
  /** metres from a registered machine to a point; undefined when the machine is unknown */
  machineDistanceM(id: string, p: { lat: number; lon: number }): number | undefined;
  /** bound cameras not live right now (the monitoring gate's reading) */
  camerasDown(p: Pick<Permit, 'cameraIds'>): string[];
  /**
   * Where a camera is now (the video context's camera catalog: cameras added at run time too);
   * the config's cameras when not given
   */
  cameraPlacement?(cameraId: string): { siteId: string; enterpriseId: string } | undefined;
  /** the holder's valid certificate numbers in these categories (the kind's), or null */
  certificateNo(userId: number, categories: readonly string[], now: number): string | null;
  /** the cards of these workers in these categories (the certificates' records) */
  certificatesOf(userIds: readonly number[], categories: readonly string[]): Certificate[];
}
