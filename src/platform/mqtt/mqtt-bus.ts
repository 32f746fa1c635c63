import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import type { Config } from '../../config/schema.ts';
import type { Logger } from '../shared/logger.ts';
import { redactUrl } from '../shared/redact-url.ts';

export interface MqttBus {
  /** Where clients reach the broker, e.g. mqtt://127.0.0.1:1883. */
  readonly url: string;
  publish(topic: string, payload: unknown): Promise<void>;
  subscribe(filter: string, handler: (topic: string, payload: Buffer) => void): Promise<void>;
  connected(): boolean;
  close(): Promise<void>;
}

/**
 * The service's MQTT connection: by default an embedded broker (aedes) that chips, locks and
 * integrations connect to, or an external broker named by `mqtt.url`. The service itself always talks
 * through a real MQTT client, so the embedded and external cases run the same code.
 */
export async function createMqttBus(cfg: Config['mqtt'], logger: Logger): Promise<MqttBus> {
  let broker: Aedes | undefined;
  let server: Server | undefined;
  let url = cfg.url;
  if (!url) {
    if (!cfg.embedded) throw new Error('mqtt: neither an external url nor the embedded broker is configured');
    broker = await Aedes.createBroker();
    server = createServer(broker.handle);
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(cfg.port, cfg.host, () => resolve());
    });
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
    url = `mqtt://${cfg.host === '0.0.0.0' ? '127.0.0.1' : cfg.host}:${port}`;
    logger.info({ url }, 'embedded MQTT broker listening');
  }
  // Credentials in an external broker's URL never leave this function (`url` below feeds /healthz).
  const shownUrl = redactUrl(url);
  const client: MqttClient = mqtt.connect(url, {
    clientId: `jianhu-${process.pid}-${Date.now()}`,
    reconnectPeriod: 1000,
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
  const handlers: { filter: string; handler: (topic: string, payload: Buffer) => void }[] = [];
  client.on('message', (topic, payload) => {
    for (const h of handlers) {
      if (!topicMatches(h.filter, topic)) continue;
      try {
        h.handler(topic, payload);
      } catch (e) {
        logger.warn({ err: e, topic }, 'mqtt handler failed');
      }
    }
  });
  client.on('error', (e) => logger.warn({ err: e }, 'mqtt client error'));
  const brokerUrl = shownUrl;
  return {
    url: brokerUrl,
    async publish(topic, payload) {
      const body = Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
      await client.publishAsync(topic, body, { qos: 1 });
    },
    async subscribe(filter, handler) {
      handlers.push({ filter, handler });
      if (client.connected) await client.subscribeAsync(filter, { qos: 1 });
      else
        client.subscribe(filter, { qos: 1 }, (err) => {
          if (err) logger.warn({ err, filter }, 'mqtt subscribe failed');
        });
    },
    connected: () => client.connected,
    async close() {
      await client.endAsync(true);
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      if (broker) await new Promise<void>((resolve) => broker!.close(() => resolve()));
    },
  };
}

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
