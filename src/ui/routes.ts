import type { RoutePlugin } from '../app-services.ts';
import { uiRoutes as pagesRoutes } from './ui.routes.ts';
import { auditExportRoutes } from './audit-export.routes.ts';
import { workCardRoutes } from './work-card.routes.ts';

/** The edge's routes: the pages, the audit export download, the printable work card. */
export const uiRoutes: RoutePlugin[] = [pagesRoutes, auditExportRoutes, workCardRoutes];
