import type { RoutePlugin } from '../app-services.ts';
import { uiRoutes as pagesRoutes } from './ui.routes.ts';
import { auditExportRoutes } from './audit-export.routes.ts';
import { workCardRoutes } from './work-card.routes.ts';
import { permitQrRoutes } from './permit-qr.routes.ts';

/** The edge's routes: the pages, the audit export download, the phone's work card, the permit QR. */
export const uiRoutes: RoutePlugin[] = [pagesRoutes, auditExportRoutes, workCardRoutes, permitQrRoutes];
