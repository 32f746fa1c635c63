import type { RoutePlugin } from '../app-services.ts';
import { liveRoutes } from './live/live.routes.ts';
import { cameraRoutes } from './ingest/cameras.routes.ts';
import { camerasAdminRoutes } from './cameras/cameras-admin.routes.ts';

/** The video context's routes: the live view and probe, camera health, cameras managed at run time. */
export const videoRoutes: RoutePlugin[] = [liveRoutes, cameraRoutes, camerasAdminRoutes];
