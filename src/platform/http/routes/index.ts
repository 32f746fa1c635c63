import type { RoutePlugin } from '../../../app-services.ts';
import { systemRoutes } from './system.routes.ts';
import { authRoutes } from './auth.routes.ts';
import { enterpriseRoutes } from './enterprises.routes.ts';
import { usersRoutes } from './users.routes.ts';
import { tlsRoutes } from './tls.routes.ts';

/** The platform's own routes: health and metrics, sign-in, enterprises, user accounts, HTTPS certificate. */
export const platformRoutes: RoutePlugin[] = [
  systemRoutes,
  authRoutes,
  enterpriseRoutes,
  usersRoutes,
  tlsRoutes,
];
