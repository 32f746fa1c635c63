import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type Client } from 'aedes';
import type { Config } from '../../config/schema.ts';
import type { Logger } from '../shared/logger.ts';
import { loadOrCreateSecret } from '../shared/secret-file.ts';
import type { DeviceRegistry } from './device-registry.ts';
import { SERVICE_USERNAME, deviceTopics, isCommandTopic, type DeviceIdentity } from './device-identity.ts';
import { guardFrames } from './frame-guard.ts';

/**
 * The service's own password on the embedded broker: a secret generated once into the data dir, never
 * printed. (The text form of the bytes is what the broker compares; a file written by the earlier
 * base64url writer decodes to the same bytes, so the password stays the same.)
 */
export const loadOrCreateServiceSecret = (dataDir: string): string =>
  loadOrCreateSecret(dataDir, 'mqtt-service.secret').toString('base64url');

type Who = { service: true } | { service: false; device: DeviceIdentity; publish: string; command: string };

export interface EmbeddedBroker {
  /** mqtt:// or mqtts:// where clients reach it */
  url: string;
  close(): Promise<void>;
}

/** Counts for tests and logs: what the broker refused, by reason. */
export type Refusals = Map<string, number>;

/**
 * The embedded broker (aedes) with device identity (#23): every CONNECT authenticates — the service
 * with its own secret, each chip and lock with its credential from the registry, anonymous never; a
 * device's client id is its username, and no one but the service may use the service's. Each device
 * publishes only its own telemetry/event topic (not retained, within its rate) and subscribes only to
 * its own command topic; only the service publishes commands, never retained. Packets over
 * `maxPacketBytes` close the connection from their header.
 */
export async function startEmbeddedBroker(
  cfg: Config['mqtt'],
  deps: {
    devices: DeviceRegistry;
    serviceSecret: string;
    topicPrefix: string;
    logger: Logger;
    refusals?: Refusals;
  },
): Promise<EmbeddedBroker> {
  const { devices, topicPrefix: prefix, logger } = deps;
  const refusals = deps.refusals ?? new Map<string, number>();
  const who = new WeakMap<Client, Who>();
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refuse = (reason: string, detail: Record<string, unknown>) => {
    refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
    logger.warn({ reason, ...detail }, 'MQTT refused 消息代理拒绝');
  };
  const servicePw = Buffer.from(deps.serviceSecret);
  const isService = (username: string | undefined, password: Buffer | undefined) =>
    username === SERVICE_USERNAME &&
    !!password &&
    password.length === servicePw.length &&
    timingSafeEqual(password, servicePw);

  const broker = await Aedes.createBroker({
    // 23 is MQTT 3.1's limit; device client ids are `machine:<id>` with ids up to 64 characters
    maxClientsIdLength: 80,
    authenticate(client, username, password, done) {
      if (isService(username, password)) {
        who.set(client, { service: true });
        return done(null, true);
      }
      const device = devices.authenticate(username, password);
      const bad = (reason: string, code: 4 | 5 = 5) => {
        refuse(reason, { clientId: client.id, username });
        done(Object.assign(new Error(reason), { returnCode: code }), false);
      };
      if (!device) return bad(username ? 'bad credentials' : 'anonymous', username ? 4 : 5);
      // the client id is bound to the identity: no device can take over another's (or the service's) session
      if (client.id !== username) return bad('client id is not the username');
      who.set(client, { service: false, device, ...deviceTopics(prefix, device) });
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      const w = client ? who.get(client) : undefined;
      const no = (reason: string) => {
        refuse(reason, { clientId: client?.id, topic: packet.topic });
        done(new Error(reason));
      };
      if (packet.topic.startsWith('$SYS')) return no('$SYS is reserved');
      if (!w) return no('not authenticated');
      if (isCommandTopic(prefix, packet.topic) && packet.retain) return no('retained command');
      if (w.service) return done(null);
      if (packet.topic !== w.publish) return no('topic of another device');
      if (packet.retain) return no('retained device message');
      if (!withinRate(w.device.kind + ':' + w.device.id)) return no('publish rate exceeded');
      done(null);
    },
    authorizeSubscribe(client, sub, done) {
      const w = who.get(client);
      if (w?.service && !sub.topic.startsWith('$SYS')) return done(null, sub);
      if (w && !w.service && sub.topic === w.command) return done(null, sub);
      refuse('subscription not allowed', { clientId: client.id, topic: sub.topic });
      done(null, null); // SUBACK 0x80 for this filter, the connection stays
    },
    authorizeForward(client, packet) {
      const w = who.get(client);
      if (w?.service) return packet;
      return w && packet.topic === w.command && !packet.retain ? packet : null;
    },
  });

  const onDeviceChange = devices.onChange((username) => {
    // a reissued or revoked credential ends the live connection made with the old one
    const c = (broker as unknown as { clients: Record<string, Client | undefined> }).clients[username];
    if (c) c.close();
  });

  const perSecond = cfg.devicePublishPerSecond;
  function withinRate(key: string): boolean {
    const now = Date.now();
    const b = buckets.get(key) ?? { tokens: perSecond * 2, at: now };
    b.tokens = Math.min(perSecond * 2, b.tokens + ((now - b.at) / 1000) * perSecond);
    b.at = now;
    buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  const handle = (socket: Socket) =>
    broker.handle(guardFrames(socket, cfg.maxPacketBytes, (why) => refuse('packet too large', { why })));
  const server: Server = cfg.tls
    ? createTlsServer({ cert: readFileSync(cfg.tls.certFile), key: readFileSync(cfg.tls.keyFile) }, handle)
    : createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.port, cfg.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
  const url = `${cfg.tls ? 'mqtts' : 'mqtt'}://${cfg.host === '0.0.0.0' ? '127.0.0.1' : cfg.host}:${port}`;
  logger.info({ url }, 'embedded MQTT broker listening');
  return {
    url,
    async close() {
      onDeviceChange();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
