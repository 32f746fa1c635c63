import type { RoutePlugin } from '../app-services.ts';
import { alertsRoutes } from './alerts/alerts.routes.ts';
import { hazardsRoutes } from './hazards/hazards.routes.ts';
import { publicReportsRoutes } from './public-reports/public-reports.routes.ts';
import { hazardCatalogueRoutes } from './hazards/hazard-catalogue.routes.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import { recordingRoutes } from './audit/recording.routes.ts';
import { recordingHoldsRoutes } from './audit/recording-holds.routes.ts';
import { reportsRoutes } from './reports/reports.routes.ts';
import { certificateLedgerRoutes } from './reports/certificate-ledger.routes.ts';
import { inspectionsRoutes } from './inspections/inspections.routes.ts';
import { overviewRoutes } from './regulator/overview.routes.ts';
import { enterpriseRecordRoutes } from './enterprises/enterprises.routes.ts';

/** The oversight context's routes: hazards, the public report channel, the permit audit and chain, the regulator's reports, the 特种作业人员台账, site alerts, 执法检查, the regulator's overview. */
export const oversightRoutes: RoutePlugin[] = [
  hazardsRoutes,
  publicReportsRoutes,
  hazardCatalogueRoutes,
  auditRoutes,
  recordingRoutes,
  recordingHoldsRoutes,
  reportsRoutes,
  certificateLedgerRoutes,
  alertsRoutes,
  inspectionsRoutes,
  overviewRoutes,
  enterpriseRecordRoutes,
];
