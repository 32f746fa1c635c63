import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { Counter, Gauge } from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppServices } from '../../app-services.ts';
import { AuthErrors } from '../../platform/auth/auth.service.ts';
import { roleHas } from '../../platform/auth/permissions.ts';
import { cookieRequestRefusal } from '../../platform/http/origin-guard.ts';
import { AppError } from '../../platform/shared/errors.ts';
import { scopeFor, TenancyErrors } from '../../platform/tenancy/scope.ts';
import { attachMseViewer, fmp4CameraIdFromPath, type MseCounters } from '../relay/mse-viewer.ts';
import type { Fmp4Feed } from '../relay/types.ts';
import type { CameraSource } from '../sources/types.ts';
import { CameraStream, type CameraStreamStats } from './camera-stream.ts';
import { cameraIdFromPath, DEFAULT_LIVE_ENCODE, type LiveEncodeOptions } from './ffmpeg-args.ts';

export interface LiveCamera {
  /** the URL with its credentials and the camera's transport: never sent to a browser */
  source: CameraSource;
  enterpriseId: string;
  enabled: boolean;
}

export interface LiveRelayOptions {
  encode?: LiveEncodeOptions;
  ffmpegPath?: string;
  /** Where a camera's stream comes from; defaults to the configured sites. */
  resolveCamera?: (cameraId: string) => LiveCamera | null;
  /** the cameras' shared fMP4 upstreams: `/live/<cameraId>/fmp4` relays H.264 as is, for MSE */
  feed?: Fmp4Feed;
}

export interface LiveRelay {
  stats(): CameraStreamStats[];
  /** MSE viewers now, bytes sent to them, viewers cut off for falling behind */
  mseStats(): MseCounters;
  close(): void;
}

/** Cameras from the configuration (sites[].cameras), keyed by id. */
export function configCameras(services: Pick<AppServices, 'config'>): (id: string) => LiveCamera | null {
  const byId = new Map<string, LiveCamera>();
  const { ingest } = services.config;
  for (const site of services.config.sites)
    for (const cam of site.cameras)
      byId.set(cam.id, {
        // the relay keeps its own I/O timeout (encode.ioTimeoutMs); the camera gives URL and transport
        source: { url: cam.url, rtspTransport: cam.rtspTransport ?? ingest.rtspTransport },
        enterpriseId: site.enterpriseId,
        enabled: cam.enabled,
      });
  return (id) => byId.get(id) ?? null;
}

function tokenOf(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7).trim() || undefined;
  // Browsers cannot set headers on a WebSocket; the UI's same-origin `jh_token` cookie carries the session.
  const m = req.headers.cookie ? /(?:^|;\s*)jh_token=([A-Za-z0-9_-]+)/.exec(req.headers.cookie) : null;
  return m?.[1];
}

function refuse(socket: Duplex, err: AppError): void {
  const body = JSON.stringify({ code: err.code, message: err.message, messageZh: err.zh });
  const reason = err.status === 401 ? 'Unauthorized' : err.status === 403 ? 'Forbidden' : 'Not Found';
  socket.end(
    `HTTP/1.1 ${err.status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      'X-Content-Type-Options: nosniff\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * The browser video relay: `ws` in noServer mode answering HTTP upgrades on `/live/<cameraId>` only
 * (socket.io keeps `/socket.io/`; @fastify/websocket on the same server would break its transport).
 * Each upgrade is authenticated (bearer header or `jh_token` cookie), needs `camera:read`, and is
 * tenancy-checked: another enterprise's camera answers 404 like an unknown one.
 */
export function attachLiveRelay(
  server: HttpServer | HttpsServer | (HttpServer | HttpsServer)[],
  services: AppServices,
  opts: LiveRelayOptions = {},
): LiveRelay {
  const resolve = opts.resolveCamera ?? configCameras(services);
  const encode = opts.encode ?? DEFAULT_LIVE_ENCODE;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const streams = new Map<string, CameraStream>();
  const mse: MseCounters = { viewers: 0, bytesOut: 0, cutOff: 0 };
  // The session each viewer came with: a viewer whose session is signed out or expires is closed
  // within 5 s instead of watching on (tests/security/live-relay-auth.test.ts).
  const viewers = new Map<WebSocket, string | undefined>();
  const recheck = setInterval(() => {
    for (const [ws, token] of viewers) {
      try {
        services.auth.authenticate(token);
      } catch {
        viewers.delete(ws);
        ws.close(4401, 'session ended');
      }
    }
  }, 5000);
  recheck.unref();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const fmp4Id = opts.feed ? fmp4CameraIdFromPath(req.url) : null;
    const cameraId = fmp4Id ?? cameraIdFromPath(req.url);
    if (!cameraId) return; // not ours (socket.io, or nothing)
    try {
      // A WebSocket is not bound by CORS: a page on another port of this host would get the cookie
      // and the picture (cross-site WebSocket hijacking), so a cookie upgrade must come from our origin.
      if (!req.headers.authorization?.startsWith('Bearer ')) {
        const refusal = cookieRequestRefusal('GET', req.headers, services.config.server.allowedOrigins);
        if (refusal) throw refusal;
      }
      const principal = services.auth.authenticate(tokenOf(req));
      if (!roleHas(principal.role, 'camera:read'))
        throw AuthErrors.forbidden({ permission: 'camera:read', role: principal.role });
      const cam = resolve(cameraId);
      const scope = scopeFor(principal, (r) => services.tenancy.enterpriseIdsInRegion(r));
      if (!cam || !cam.enabled || !scope.can(cam.enterpriseId)) throw TenancyErrors.notVisible({ cameraId });
      const token = tokenOf(req);
      wss.handleUpgrade(req, socket, head, (ws) => {
        viewers.set(ws, token);
        ws.once('close', () => viewers.delete(ws));
        // the same checks, then the camera's own stream as is (one upstream per camera, no encoder)
        if (fmp4Id && opts.feed) return attachMseViewer(ws, opts.feed, cameraId, mse);
        let stream = streams.get(cameraId);
        if (!stream) {
          stream = new CameraStream(cameraId, cam.source, encode, services.logger, opts.ffmpegPath);
          streams.set(cameraId, stream);
        }
        // Viewers only receive; anything they send is ignored (maxPayload keeps it small).
        stream.add(ws);
      });
    } catch (e) {
      refuse(socket, e instanceof AppError ? e : AuthErrors.missing());
    }
  };
  // the HTTP server and its HTTPS twin: one relay, one encoder per camera whichever a viewer came by
  const servers = Array.isArray(server) ? server : [server];
  for (const s of servers) s.on('upgrade', onUpgrade);

  // Prometheus: viewers and running encoders now, bytes sent and chunks dropped for slow viewers.
  const registers = [services.metrics.registry];
  const sum = (k: 'viewers' | 'bytesOut' | 'droppedChunks' | 'spawns') =>
    [...streams.values()].reduce((n, s) => n + s.stats[k], 0);
  new Gauge({
    name: 'jianhu_live_viewers',
    help: 'browser viewers of the live relay',
    registers,
    collect() {
      this.set(sum('viewers'));
    },
  });
  new Gauge({
    name: 'jianhu_live_encoders',
    help: 'relay ffmpeg processes running',
    registers,
    collect() {
      this.set([...streams.values()].filter((s) => s.stats.running).length);
    },
  });
  new Gauge({
    name: 'jianhu_live_mse_viewers',
    help: 'browser viewers of the fMP4 (MSE) relay',
    registers,
    collect() {
      this.set(mse.viewers);
    },
  });
  const counters = { bytesOut: 0, droppedChunks: 0, spawns: 0 };
  for (const [key, name, help] of [
    ['bytesOut', 'jianhu_live_bytes_sent_total', 'bytes sent to live viewers'],
    [
      'droppedChunks',
      'jianhu_live_dropped_chunks_total',
      'stream chunks skipped for viewers that fell behind',
    ],
    ['spawns', 'jianhu_live_ffmpeg_spawns_total', 'relay ffmpeg starts (first viewer or respawn)'],
  ] as const) {
    new Counter({
      name,
      help,
      registers,
      collect() {
        const now = sum(key);
        if (now > counters[key]) this.inc(now - counters[key]);
        counters[key] = now;
      },
    });
  }

  return {
    stats: () => [...streams.values()].map((s) => ({ ...s.stats })),
    mseStats: () => ({ ...mse }),
    close: () => {
      clearInterval(recheck);
      for (const s of servers) s.off('upgrade', onUpgrade);
      for (const s of streams.values()) s.close();
      streams.clear();
      wss.close();
    },
  };
}
