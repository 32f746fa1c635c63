import type { RoutePlugin } from '../app-services.ts';
import { alertsRoutes } from './alerts/alerts.routes.ts';
import { hazardsRoutes } from './hazards/hazards.routes.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import { reportsRoutes } from './reports/reports.routes.ts';
import { certificateLedgerRoutes } from './reports/certificate-ledger.routes.ts';
import { enterpriseRecordRoutes } from './enterprises/enterprises.routes.ts';

/** The oversight context's routes: hazards, the permit audit and chain, the regulator's reports, the 特种作业人员台账, site alerts. */
export const oversightRoutes: RoutePlugin[] = [
  hazardsRoutes,
  auditRoutes,
  reportsRoutes,
  certificateLedgerRoutes,
  alertsRoutes,
  enterpriseRecordRoutes,
];
