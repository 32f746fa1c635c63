import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { FastifyServerFactory } from 'fastify';

/**
 * One fastify app on two servers: fastify listens with the plain HTTP server it gets from
 * `serverFactory`, and the same request handler also answers on an HTTPS server beside it. So both
 * protocols share every route, hook, rate limit and the CSRF origin guard (which compares the Origin
 * with the request's own Host, port included: the HTTP and the HTTPS page are distinct origins).
 * socket.io and the live relay attach to both servers' upgrades (src/main.ts).
 */
export function httpsTwin(credentials: { cert: string; key: string } | null): {
  serverFactory: FastifyServerFactory;
  /** the HTTPS server, once fastify has called the factory; null when HTTPS is off */
  https(): HttpsServer | null;
} {
  let https: HttpsServer | null = null;
  const serverFactory: FastifyServerFactory = (handler) => {
    const http: HttpServer = createHttpServer(handler);
    if (credentials) https = createHttpsServer({ ...credentials, minVersion: 'TLSv1.2' }, handler);
    return http;
  };
  return { serverFactory, https: () => https };
}

/** Listens and resolves with the bound port (a configured 0 picks a free one). */
export function listenOn(server: HttpsServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    });
  });
}

/** Stops accepting, drops idle keep-alive connections (as fastify does for HTTP), waits for the rest. */
export function closeServer(server: HttpsServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
