import type { RoutePlugin } from '../app-services.ts';
import { adaptRoutes } from './adapt/adapt.routes.ts';

/** The vision context's routes: site learning of the hard-hat model. */
export const visionRoutes: RoutePlugin[] = [adaptRoutes];
