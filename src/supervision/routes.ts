import type { RoutePlugin } from '../app-services.ts';
import { zonesRoutes } from './zones/zones.routes.ts';
import { violationsRoutes } from './violations/violations.routes.ts';
import { rulesRoutes } from './violations/rules.routes.ts';

/** The supervision context's routes: zones, violations and their review, rule status. */
export const supervisionRoutes: RoutePlugin[] = [zonesRoutes, violationsRoutes, rulesRoutes];
