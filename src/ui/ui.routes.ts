import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppServices } from '../app-services.ts';
import { Errors } from '../platform/shared/errors.ts';

const here = dirname(fileURLToPath(import.meta.url));
const publicDir = join(here, 'public');
const nodeModules = join(here, '..', '..', 'node_modules');

/**
 * Browser libraries are served straight from node_modules (no committed copies, no build step).
 * The map is closed: only these names are reachable under /ui/vendor/.
 */
export const VENDOR_FILES: Record<string, string> = {
  'socket.io.esm.min.js': 'socket.io-client/dist/socket.io.esm.min.js',
  'jsmpeg.esm.js': '@cycjimmy/jsmpeg-player/dist/jsmpeg-player.esm.js',
  'jsQR.js': 'jsqr/dist/jsQR.js',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};

// jsmpeg instantiates its inlined WASM decoder ('wasm-unsafe-eval'); video arrives over ws: on this origin.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  body: Buffer;
  type: string;
}

/** The page files, read once at start; a name not in this folder is a 404 (no path traversal possible). */
function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(publicDir)) {
    const type = TYPES[extname(name)];
    if (type) assets.set(name, { body: readFileSync(join(publicDir, name)), type });
  }
  for (const [name, rel] of Object.entries(VENDOR_FILES)) {
    assets.set(`vendor/${name}`, { body: readFileSync(join(nodeModules, rel)), type: TYPES['.js']! });
  }
  return assets;
}

const FileParams = Type.Object({ file: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$' }) });

/**
 * The three users' screens (安全员 wall, 焊工 phone, 监管 audit) plus admin, as plain ES-module pages
 * served by the service itself. Static assets are public; every data call the pages make goes to the
 * authenticated API, so a page without a session shows only the sign-in form.
 */
export const uiRoutes: FastifyPluginAsyncTypebox<{ services: AppServices }> = async (app) => {
  const assets = loadAssets();
  const send = (name: string) => {
    const asset = assets.get(name);
    if (!asset) throw Errors.notFound({ file: name });
    return asset;
  };
  const common = { config: { permission: 'public' as const }, schema: { hide: true } };

  app.get('/', common, async (_req, reply) => reply.redirect('/ui/'));
  app.get('/ui', common, async (_req, reply) => reply.redirect('/ui/'));
  app.get('/ui/', common, async (_req, reply) => {
    const a = send('index.html');
    return reply
      .type(a.type)
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .send(a.body);
  });
  app.get('/ui/:file', { ...common, schema: { hide: true, params: FileParams } }, async (req, reply) => {
    const a = send(req.params.file);
    return reply
      .type(a.type)
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .send(a.body);
  });
  app.get(
    '/ui/vendor/:file',
    { ...common, schema: { hide: true, params: FileParams } },
    async (req, reply) => {
      const a = send(`vendor/${req.params.file}`);
      return reply.type(a.type).header('cache-control', 'public, max-age=3600').send(a.body);
    },
  );
};
