import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Config } from '../../config/schema.ts';
import type { Logger } from '../shared/logger.ts';
import { redactUrl } from '../shared/redact-url.ts';
import { SERVICE_USERNAME } from './device-identity.ts';
import type { DeviceRegistry } from './device-registry.ts';
import {
  loadOrCreateServiceSecret,
  startEmbeddedBroker,
  type EmbeddedBroker,
  type Refusals,
} from './embedded-broker.ts';

export interface MqttBus {
  /** Where clients reach the broker, e.g. mqtt://127.0.0.1:1883. */
  readonly url: string;
  publish(topic: string, payload: unknown): Promise<void>;
  subscribe(filter: string, handler: (topic: string, payload: Buffer) => void): Promise<void>;
  connected(): boolean;
  close(): Promise<void>;
}

export interface MqttBusDeps {
  logger: Logger;
  /** who the chips and locks are (the embedded broker authenticates them against it) */
  devices: DeviceRegistry;
  env?: NodeJS.ProcessEnv;
  /** the embedded broker counts what it refuses here (tests read it) */
  refusals?: Refusals;
}

/**
 * The service's MQTT connection: by default an embedded broker (aedes) that chips, locks and
 * integrations connect to, or an external broker named by `mqtt.url`. The service itself always talks
 * through a real MQTT client, so the embedded and external cases run the same code. The client has a
 * stable id and a persistent session (clean: false): QoS 1 reports sent while the service restarts
 * wait at the broker and arrive when it is back.
 */
export async function createMqttBus(config: Config, deps: MqttBusDeps): Promise<MqttBus> {
  const cfg = config.mqtt;
  const { logger } = deps;
  let broker: EmbeddedBroker | undefined;
  let url = cfg.url;
  const auth: Pick<IClientOptions, 'username' | 'password' | 'ca'> = {};
  if (!url) {
    if (!cfg.embedded) throw new Error('mqtt: neither an external url nor the embedded broker is configured');
    const serviceSecret = loadOrCreateServiceSecret(config.store.dataDir);
    broker = await startEmbeddedBroker(cfg, {
      devices: deps.devices,
      serviceSecret,
      topicPrefix: config.permits.chips.topicPrefix,
      logger,
      ...(deps.refusals ? { refusals: deps.refusals } : {}),
    });
    url = broker.url;
    auth.username = SERVICE_USERNAME;
    auth.password = serviceSecret;
    // the embedded broker's own certificate may be self-signed: the service trusts exactly that one
    if (cfg.tls) auth.ca = readFileSync(cfg.tls.certFile);
  } else {
    if (cfg.username) auth.username = cfg.username;
    const pw = cfg.passwordEnv ? (deps.env ?? process.env)[cfg.passwordEnv] : undefined;
    if (cfg.passwordEnv && !pw) throw new Error(`mqtt.passwordEnv: ${cfg.passwordEnv} is not set`);
    if (pw) auth.password = pw;
    if (cfg.caFile) auth.ca = readFileSync(cfg.caFile);
  }
  // Credentials in an external broker's URL never leave this function (`url` below feeds /healthz).
  const shownUrl = redactUrl(url);
  const client: MqttClient = mqtt.connect(url, {
    clientId: cfg.clientId,
    clean: false,
    reconnectPeriod: 1000,
    ...auth,
    ...(broker && cfg.tls ? { servername: 'localhost', rejectUnauthorized: true } : {}),
  });
  const handlers: { filter: string; handler: (topic: string, payload: Buffer) => void }[] = [];
  const deliver = (h: (typeof handlers)[number], topic: string, payload: Buffer) => {
    try {
      h.handler(topic, payload);
    } catch (e) {
      logger.warn({ err: e, topic }, 'mqtt handler failed');
    }
  };
  // A persistent session hands over what the broker queued while the service was away right after
  // CONNACK (in the same read, so this listener exists before connecting), before the contexts have
  // subscribed their handlers: such messages are held (bounded) and given to the first handler whose
  // filter matches, instead of being acknowledged and dropped.
  const held: { topic: string; payload: Buffer }[] = [];
  client.on('message', (topic, payload) => {
    const matching = handlers.filter((h) => topicMatches(h.filter, topic));
    if (matching.length === 0) {
      if (held.length < HELD_MAX) held.push({ topic, payload });
      else logger.warn({ topic }, 'mqtt message with no handler dropped 无处理者的消息已丢弃');
      return;
    }
    for (const h of matching) deliver(h, topic, payload);
  });
  // A broker that is down must not keep the service (permits, scans, video, audit) from starting:
  // wait a little for the first connection, then go on; /healthz shows mqtt not ok and the client keeps
  // retrying every second. Subscriptions and QoS 1 publishes made meanwhile are sent on connect.
  const first = await new Promise<Error | null>((resolve) => {
    const timer = setTimeout(() => resolve(new Error('timeout')), 3000);
    client.once('connect', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
  if (first)
    logger.error({ url: shownUrl }, 'MQTT broker unreachable, retrying every 1 s 消息代理不可达，每秒重试');
  client.on('error', (e) => logger.warn({ err: e }, 'mqtt client error'));
  const brokerUrl = shownUrl;
  return {
    url: brokerUrl,
    async publish(topic, payload) {
      const body = Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
      await client.publishAsync(topic, body, { qos: 1, retain: false });
    },
    async subscribe(filter, handler) {
      const h = { filter, handler };
      handlers.push(h);
      for (let i = 0; i < held.length;) {
        const m = held[i]!;
        if (!topicMatches(filter, m.topic)) i++;
        else {
          held.splice(i, 1);
          deliver(h, m.topic, m.payload);
        }
      }
      if (client.connected) await client.subscribeAsync(filter, { qos: 1 });
      else
        client.subscribe(filter, { qos: 1 }, (err) => {
          if (err) logger.warn({ err, filter }, 'mqtt subscribe failed');
        });
    },
    connected: () => client.connected,
    async close() {
      await client.endAsync(true);
      if (broker) await broker.close();
    },
  };
}

/** Messages held for handlers not yet subscribed (a restart's backlog); beyond it they are dropped. */
const HELD_MAX = 10_000;

/** MQTT topic filter matching with `+` (one level) and `#` (the rest). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
