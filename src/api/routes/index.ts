import type { FastifyPluginAsync } from 'fastify';
import type { AppServices } from '../../app-services.ts';
import { authRoutes } from './auth.routes.ts';
import { systemRoutes } from './system.routes.ts';
import { enterpriseRoutes } from './enterprises.routes.ts';
import { usersRoutes } from './users.routes.ts';
import { uiRoutes } from '../../ui/ui.routes.ts';
import { zonesRoutes } from '../../zones/zones.routes.ts';
import { violationsRoutes } from '../../violations/violations.routes.ts';
import { rulesRoutes } from '../../violations/rules.routes.ts';
import { liveRoutes } from '../../live/live.routes.ts';
import { auditExportRoutes } from '../../ui/audit-export.routes.ts';
import { workCardRoutes } from '../../ui/work-card.routes.ts';
import { permitsRoutes } from '../../permits/permits.routes.ts';
import { certificatesRoutes } from '../../certificates/certificates.routes.ts';
import { machinesRoutes } from '../../machines/machines.routes.ts';
import { locksRoutes } from '../../locks/locks.routes.ts';
import { hazardsRoutes } from '../../hazards/hazards.routes.ts';
import { auditRoutes } from '../../audit/audit.routes.ts';
import { reportsRoutes } from '../../reports/reports.routes.ts';
import { cameraRoutes } from '../../ingest/cameras.routes.ts';

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
  certificatesRoutes,
  machinesRoutes,
  locksRoutes,
  hazardsRoutes,
  auditRoutes,
  reportsRoutes,
  cameraRoutes,
];
