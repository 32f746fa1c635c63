import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { Server } from 'socket.io';
import type { AppServices } from '../../app-services.ts';
import type { Principal } from '../auth/principal.ts';
import type { DomainEvent, DomainEventMap } from '../events/domain-events.ts';
import { AppError } from '../shared/errors.ts';
import { scopeFor, type EnterpriseScope } from '../tenancy/scope.ts';

/** What the server pushes: every domain event, under its own type name (typed socket.io events). */
export type ServerToClientEvents = {
  [K in keyof DomainEventMap]: (event: DomainEvent<K>) => void;
};

export interface ClientToServerEvents {
  /** Join a camera's room; acks `{ ok }` or `{ ok: false, code }` for a camera outside the caller's scope. */
  'camera:subscribe': (cameraId: string, ack: (r: { ok: boolean; code?: string }) => void) => void;
  'camera:unsubscribe': (cameraId: string) => void;
}

interface SocketData {
  principal: Principal;
  scope: EnterpriseScope;
}

export const enterpriseRoom = (id: string): string => `enterprise:${id}`;
export const cameraRoom = (id: string): string => `camera:${id}`;
/** One user's sessions: notices meant for that person alone (hazard.responsibleNotified). */
export const userRoom = (id: number): string => `user:${id}`;
/** Every signed-in socket: events about the service itself (storage.*), for every enterprise's wall. */
const SYSTEM_ROOM = 'system';

/**
 * socket.io beside fastify on the same HTTP server (and on its HTTPS twin: one io, one engine per
 * server, every socket in the same rooms). Authentication happens in the handshake
 * (`auth: { token }`); a socket joins the rooms of the enterprises it may see. Events are forwarded from
 * the EventBus after commit, so a client never hears of a change that was not stored.
 */
export function attachRealtime(
  server: HttpServer | HttpsServer | (HttpServer | HttpsServer)[],
  services: AppServices,
): { io: Server; close(): Promise<void> } {
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>({
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
  });
  // io.attach binds each server's engine to this io (io.engine is only the last one: close them all)
  const engines = (Array.isArray(server) ? server : [server]).map((srv) => io.attach(srv).engine);
  // the camera catalog, asked at each subscription: cameras added at run time too
  const enterpriseOfCamera = (id: string) => services.video.cameras.get(id)?.enterpriseId;

  io.use((socket, next) => {
    try {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      const principal = services.auth.authenticate(typeof token === 'string' ? token : undefined);
      socket.data.principal = principal;
      socket.data.scope = scopeFor(principal, (r) => services.tenancy.enterpriseIdsInRegion(r));
      next();
    } catch (e) {
      const err = new Error(e instanceof AppError ? e.code : 'JH_ERR_AUTH_INVALID_TOKEN') as Error & {
        data?: unknown;
      };
      err.data = e instanceof AppError ? { code: e.code, message: e.message, messageZh: e.zh } : undefined;
      next(err);
    }
  });

  io.on('connection', (socket) => {
    for (const id of socket.data.scope.enterpriseIds) void socket.join(enterpriseRoom(id));
    void socket.join(SYSTEM_ROOM);
    void socket.join(userRoom(socket.data.principal.userId));
    socket.on('camera:subscribe', (cameraId, ack) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      const enterpriseId = typeof cameraId === 'string' ? enterpriseOfCamera(cameraId) : undefined;
      if (!socket.data.scope.can(enterpriseId)) return reply({ ok: false, code: 'JH_ERR_TENANCY_NOT_FOUND' });
      void socket.join(cameraRoom(cameraId));
      reply({ ok: true });
    });
    socket.on('camera:unsubscribe', (cameraId) => {
      if (typeof cameraId === 'string') void socket.leave(cameraRoom(cameraId));
    });
  });

  const unsubscribe = services.bus.onAny((event) => {
    // a notice for one person goes to that person's sessions only, not to the enterprise's room
    const recipient = (event.payload as { recipientUserId?: unknown }).recipientUserId;
    if (typeof recipient === 'number') {
      (io.to(userRoom(recipient)) as unknown as { emit(name: string, e: DomainEvent): void }).emit(
        event.type,
        event,
      );
      return;
    }
    const rooms: string[] = [];
    if (event.enterpriseId) rooms.push(enterpriseRoom(event.enterpriseId));
    // the service's own troubles (a full disk) concern every wall; their payloads carry no tenant data
    else if (event.type.startsWith('storage.') || event.type === 'recording.diskAlarm')
      rooms.push(SYSTEM_ROOM);
    const cameraId = (event.payload as { cameraId?: unknown }).cameraId;
    if (typeof cameraId === 'string') rooms.push(cameraRoom(cameraId));
    if (rooms.length === 0) return;
    // A socket in several of these rooms receives the event once (socket.io de-duplicates).
    (io.to(rooms) as unknown as { emit(name: string, e: DomainEvent): void }).emit(event.type, event);
  });

  // A session signed out or expired after the handshake must stop hearing events: every 5 s each
  // socket's token is checked again (one indexed lookup) and the socket is dropped when it is no longer
  // valid (tests/security/realtime-auth.test.ts).
  const recheck = setInterval(() => {
    for (const socket of io.of('/').sockets.values()) {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      try {
        services.auth.authenticate(typeof token === 'string' ? token : undefined);
      } catch {
        socket.disconnect(true);
      }
    }
  }, 5000);
  recheck.unref();

  return {
    io,
    close: async () => {
      clearInterval(recheck);
      unsubscribe();
      io.disconnectSockets(true);
      // io.close() would also close the HTTP server, which fastify owns.
      for (const engine of engines) engine.close();
    },
  };
}
