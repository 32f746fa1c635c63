import type { RoutePlugin } from './app-services.ts';
import { oversightRoutes } from './oversight/routes.ts';
import { platformRoutes } from './platform/http/routes/index.ts';
import { supervisionRoutes } from './supervision/routes.ts';
import { uiRoutes } from './ui/routes.ts';
import { videoRoutes } from './video/routes.ts';
import { visionRoutes } from './vision/routes.ts';
import { workRoutes } from './work/routes.ts';

/**
 * Every HTTP route of the service: each context offers its own list (its routes.ts), joined here in
 * one visible order (no directory autoload).
 */
export const routePlugins: RoutePlugin[] = [
  ...platformRoutes,
  ...uiRoutes,
  ...videoRoutes,
  ...visionRoutes,
  ...supervisionRoutes,
  ...workRoutes,
  ...oversightRoutes,
];
