import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { AppServices } from './app-services.ts';
import type { Config } from './config/schema.ts';
import { createPlatform } from './platform/platform.ts';
import { createMqttBus } from './platform/mqtt/mqtt-bus.ts';
import { attachRealtime } from './platform/realtime/realtime.ts';
import { attachLiveRelay } from './video/live/live-relay.ts';
import { startVisionContext } from './vision/module.ts';
import { assembleServices } from './services.ts';
import { startHubUplink } from './hub-uplink.ts';
import { readSeed } from './platform/uplink/hub-link.ts';
import { closeServer, httpsTwin, listenOn } from './platform/http/tls/https-twin.ts';
import type { Logger } from './platform/shared/logger.ts';
import type { Clock } from './platform/shared/clock.ts';

/** A started piece of the service; stopped in reverse order of start. */
export interface Stoppable {
  name: string;
  stop(): Promise<void> | void;
}

export interface RunningService {
  app: FastifyInstance;
  url: string;
  /** the HTTPS address (same app, same routes), or null when server.https.enabled is off */
  httpsUrl: string | null;
  logger: Logger;
  /** the running services (e2e tests drive modules and read state through them) */
  services: AppServices;
  stop(): Promise<void>;
}

/**
 * The composition root: builds the contexts (src/services.ts assembleServices), then starts the
 * pieces in one visible order and stops them in reverse.
 * 1 platform: store + migrations, tenants, users, event bus → 2 MQTT (embedded broker or external) →
 * 3 contexts: video, work (monitoring gate on), vision (detection), supervision, oversight →
 * 4 camera ingest → 5 HTTP API + socket.io + video relay → listen.
 */
export async function startService(
  config: Config,
  // e2e tests pass a clock they can move forward (a break longer than the re-test limit)
  opts: { clock?: Clock } = {},
): Promise<RunningService> {
  const started: Stoppable[] = [];
  // The hub's nkey seed, like the plant certificate, is checked before anything starts (fail closed).
  if (config.hub) readSeed(config.hub.nkeySeedFile);
  const platform = await createPlatform(config, { clock: opts.clock });
  started.push({ name: 'store', stop: () => platform.close() });
  const { logger } = platform;
  try {
    const mqtt = await createMqttBus(config, { logger, devices: platform.devices });
    started.push({ name: 'mqtt', stop: () => mqtt.close() });
    platform.health.set('mqtt', () => ({ ok: mqtt.connected(), detail: mqtt.url }));

    const services = await assembleServices(platform, {
      mqtt,
      vision: (activePermits) => startVisionContext(platform, activePermits),
    });
    const { video, vision, work, supervision, oversight } = services;

    // Permits + 一机一码 + chips + 加锁赋码: expiry sweep, chip and lock subscriptions.
    await work.start(mqtt);
    started.push({ name: 'work', stop: () => work.stop() });

    // Evidence rings first, so the first violation already has video before it; then the pipeline.
    // Stopping: open violations end, rings stop, then the evidence jobs still running finish.
    await video.startEvidence();
    started.push({
      name: 'supervision',
      stop: async () => {
        supervision.stop();
        await video.stopEvidence();
        await supervision.drain();
      },
    });

    // Tamper-evident log (signing key, checkpoints), 隐患 closed loop (overdue check), audit, reports.
    oversight.start();
    started.push({ name: 'oversight', stop: () => oversight.stop() });

    // The county hub (#24), when the config names one: ships the outbox over NATS JetStream in the
    // background (the box never waits for the hub) and answers the hub's evidence requests.
    const uplink = startHubUplink(services);
    if (uplink) started.push({ name: 'hub-uplink', stop: () => uplink.stop() });

    // Camera ingest: one ffmpeg per camera, camera health (camera_health_log, camera.healthChanged on
    // change, which the gate, the pipeline and the audit hear). Started after everything that listens to
    // health events, stopped before them.
    video.ingest.start();
    started.push({ name: 'ingest', stop: () => video.ingest.stop() });

    // Detection (started during assembly: it follows the active permits from the start): frames in
    // from ingest (drop-not-queue: a latest-frame slot per consumer), results into the violation
    // pipeline; idle cameras decode keyframes only (ingest.idleKeyframesOnly, on by default) and every
    // frame again the moment they move, show a person or get a permit.
    started.push({ name: 'detect', stop: () => vision.stop() });
    if (vision.detect) {
      vision.detect.onResult((r) => supervision.pipeline.process(r));
      if (config.ingest.idleKeyframesOnly)
        vision.detect.onIdleChange((cameraId, idle) => video.ingest.setKeyframesOnly(cameraId, idle), {
          settleMs: config.ingest.idleKeyframesAfterSeconds * 1000,
        });
      vision.detect.attach(video.ingest);
    }

    // One app on HTTP and, beside it, HTTPS for the phones on the plant LAN (camera access needs a
    // secure context): the same handler serves both (src/platform/http/tls/https-twin.ts).
    const twin = httpsTwin(services.tls.credentials);
    const app = await buildApp(services, { serverFactory: twin.serverFactory });
    const https = twin.https();
    // Registered before its upgrades so that, in reverse, socket.io and the video relay let go of their
    // long-lived connections before the HTTP servers wait for open connections to end.
    started.push({ name: 'http', stop: () => app.close() });
    if (https) started.push({ name: 'https', stop: () => closeServer(https) });
    const servers = https ? [app.server, https] : [app.server];
    const realtime = attachRealtime(servers, services);
    started.push({ name: 'realtime', stop: () => realtime.close() });
    // Browser video relay on /live/<cameraId> (plain ws upgrades; /socket.io/ stays socket.io's).
    // /live/<cameraId>/fmp4: the camera's H.264 as is (MSE), from the shared per-camera upstream.
    started.push({ name: 'fmp4-relay', stop: () => video.relay.close() });
    // Recording by permit (#27) reads the same upstreams (stopped before them): segments of permit
    // cameras, the hourly retention sweep, the disk budget alarm.
    services.recording.start();
    started.push({ name: 'recording', stop: () => services.recording.stop() });
    const live = attachLiveRelay(servers, services, { feed: video.relay });
    started.push({ name: 'live-relay', stop: () => live.close() });
    const { host } = config.server;
    await app.listen({ host, port: config.server.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.server.port;
    const url = `http://${host}:${port}`;
    const httpsPort = https ? await listenOn(https, host, config.server.https.port) : null;
    const httpsUrl = httpsPort === null ? null : `https://${host}:${httpsPort}`;
    services.tls.setBoundPorts({ http: port, https: httpsPort });
    logger.info({ url, httpsUrl, publicUrl: services.tls.publicBaseUrl() }, 'jianhu started 服务已启动');
    // Phones and admins compare this with what the browser shows before trusting the certificate.
    if (services.tls.info) logger.info({ ...services.tls.info }, 'https certificate 证书 SHA-256 指纹');
    return { app, url, httpsUrl, logger, services, stop: () => stopAll(started, logger) };
  } catch (e) {
    await stopAll(started, logger);
    throw e;
  }
}

async function stopAll(started: Stoppable[], logger: Logger): Promise<void> {
  for (const piece of started.splice(0).reverse()) {
    try {
      await piece.stop();
      logger.info({ piece: piece.name }, 'stopped');
    } catch (e) {
      logger.error({ err: e, piece: piece.name }, 'stop failed');
    }
  }
}

/** Stops on SIGTERM/SIGINT; a second signal forces exit. */
export function stopOnSignals(service: { stop(): Promise<void> }, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'stopping 正在停止');
    service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}
