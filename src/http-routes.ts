import type { FastifyPluginAsync } from 'fastify';
import type { AppServices } from './app-services.ts';
import { authRoutes } from './platform/http/routes/auth.routes.ts';
import { systemRoutes } from './platform/http/routes/system.routes.ts';
import { enterpriseRoutes } from './platform/http/routes/enterprises.routes.ts';
import { usersRoutes } from './platform/http/routes/users.routes.ts';
import { uiRoutes } from './ui/ui.routes.ts';
import { zonesRoutes } from './supervision/zones/zones.routes.ts';
import { violationsRoutes } from './supervision/violations/violations.routes.ts';
import { rulesRoutes } from './supervision/violations/rules.routes.ts';
import { liveRoutes } from './video/live/live.routes.ts';
import { auditExportRoutes } from './ui/audit-export.routes.ts';
import { workCardRoutes } from './ui/work-card.routes.ts';
import { permitsRoutes } from './work/permits/permits.routes.ts';
import { permitKindsRoutes } from './work/kinds/permit-kinds.routes.ts';
import { certificatesRoutes } from './work/certificates/certificates.routes.ts';
import { machinesRoutes } from './work/machines/machines.routes.ts';
import { locksRoutes } from './work/locks/locks.routes.ts';
import { deviceCredentialsRoutes } from './work/machines/device-credentials.routes.ts';
import { hazardsRoutes } from './oversight/hazards/hazards.routes.ts';
import { auditRoutes } from './oversight/audit/audit.routes.ts';
import { reportsRoutes } from './oversight/reports/reports.routes.ts';
import { cameraRoutes } from './video/ingest/cameras.routes.ts';

/**
 * Every HTTP route of the service, registered in this visible order (no directory autoload).
 * Module route plugins (cameras, permits, violations, …) are added here as they are built.
 */
export const routePlugins: FastifyPluginAsync<{ services: AppServices }>[] = [
  systemRoutes,
  authRoutes,
  enterpriseRoutes,
  usersRoutes,
  uiRoutes,
  zonesRoutes,
  violationsRoutes,
  rulesRoutes,
  liveRoutes,
  auditExportRoutes,
  workCardRoutes,
  permitsRoutes,
  permitKindsRoutes,
  certificatesRoutes,
  machinesRoutes,
  locksRoutes,
  deviceCredentialsRoutes,
  hazardsRoutes,
  auditRoutes,
  reportsRoutes,
  cameraRoutes,
];
