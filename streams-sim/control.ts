import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FAULT_KINDS, isFaultKind, type Sim } from './index.ts';

/**
 * HTTP control API of streams-sim (its own port, loopback only):
 *   GET  /cameras                      → { cameras: [{ id, url, fault }] }
 *   POST /cameras/:id/fault {"kind"}   → { id, fault }   (kind: drop|stall|freeze|black|cover|clock-jump|restore)
 * Errors are JSON { code, message } with 400/404, never a crash.
 */
export async function startControlServer(
  sim: Sim,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    handle(sim, req, res).catch((e: unknown) =>
      send(res, 500, { code: 'SIM_ERR_INTERNAL', message: String(e) }),
    );
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(port, '127.0.0.1', () => res());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((res) => {
        server.closeAllConnections();
        server.close(() => res());
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 4096) throw new Error('body too large');
  }
  return body;
}

async function handle(sim: Sim, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const faults = sim.faults();
  if (req.method === 'GET' && path === '/cameras') {
    return send(res, 200, {
      cameras: sim.cameras.map((id) => ({ id, url: sim.url(id), fault: faults[id] })),
    });
  }
  const m = /^\/cameras\/([^/]+)\/fault$/.exec(path);
  if (req.method === 'POST' && m) {
    const id = decodeURIComponent(m[1]!);
    if (!sim.cameras.includes(id))
      return send(res, 404, { code: 'SIM_ERR_NO_CAMERA', message: `no camera ${id}` });
    let kind: unknown;
    try {
      kind = (JSON.parse((await readBody(req)) || '{}') as { kind?: unknown }).kind;
    } catch {
      return send(res, 400, { code: 'SIM_ERR_BAD_JSON', message: 'body must be JSON {"kind": ...}' });
    }
    if (typeof kind !== 'string' || !isFaultKind(kind))
      return send(res, 400, {
        code: 'SIM_ERR_BAD_FAULT',
        message: `kind must be one of ${FAULT_KINDS.join(', ')}`,
      });
    await sim.fault(id, kind);
    return send(res, 200, { id, fault: kind === 'restore' ? 'ok' : kind });
  }
  send(res, 404, { code: 'SIM_ERR_NOT_FOUND', message: 'GET /cameras or POST /cameras/:id/fault' });
}
