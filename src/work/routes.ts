import type { RoutePlugin } from '../app-services.ts';
import { permitsRoutes } from './permits/permits.routes.ts';
import { permitFieldRoutes } from './permits/field.routes.ts';
import { permitKindsRoutes } from './kinds/permit-kinds.routes.ts';
import { certificatesRoutes } from './certificates/certificates.routes.ts';
import { machinesRoutes } from './machines/machines.routes.ts';
import { locksRoutes } from './locks/locks.routes.ts';
import { deviceCredentialsRoutes } from './machines/device-credentials.routes.ts';

/** The work context's routes: permits and their kinds, certificates, machines and the scan, locks, device credentials. */
export const workRoutes: RoutePlugin[] = [
  permitsRoutes,
  permitFieldRoutes,
  permitKindsRoutes,
  certificatesRoutes,
  machinesRoutes,
  locksRoutes,
  deviceCredentialsRoutes,
];
