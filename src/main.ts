import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { AppServices } from './app-services.ts';
import type { Config } from './config/schema.ts';
import { createCoreServices } from './services.ts';
import { createMqttBus } from './platform/mqtt/mqtt-bus.ts';
import { createAuditModule } from './oversight/module.ts';
import { attachRealtime } from './platform/realtime/realtime.ts';
import { createPermitsModule } from './work/module.ts';
import { attachLiveRelay } from './video/live/live-relay.ts';
import { startViolationModule } from './supervision/module.ts';
import { permitsProvider } from './supervision/violations/permits-adapter.ts';
import { KINDS } from './work/kinds/index.ts';
import { DetectService } from './vision/detect/detect.service.ts';
import { IngestService } from './video/ingest/ingest.service.ts';
import type { Logger } from './platform/shared/logger.ts';

/** A started piece of the service; stopped in reverse order of start. */
export interface Stoppable {
  name: string;
  stop(): Promise<void> | void;
}

export interface RunningService {
  app: FastifyInstance;
  url: string;
  logger: Logger;
  /** the running services (e2e tests drive modules and read state through them) */
  services: AppServices;
  stop(): Promise<void>;
}

/**
 * The composition root: starts the pieces in one visible order and stops them in reverse.
 * 1 store + migrations, tenants, users, event bus → 2 MQTT (embedded broker or external) →
 * 3 domain modules → 4 HTTP API + socket.io → listen.
 */
export async function startService(config: Config): Promise<RunningService> {
  const started: Stoppable[] = [];
  const core = await createCoreServices(config);
  started.push({ name: 'store', stop: () => core.close() });
  const { logger } = core;
  try {
    const mqtt = await createMqttBus(config.mqtt, logger);
    core.mqtt = mqtt;
    started.push({ name: 'mqtt', stop: () => mqtt.close() });
    core.health.set('mqtt', () => ({ ok: mqtt.connected(), detail: mqtt.url }));

    // Permits + 一机一码 + chips + 加锁赋码; the monitoring gate is on from construction (fail closed).
    const permits = createPermitsModule(core);
    core.permits = permits;
    await permits.start(mqtt);
    started.push({ name: 'permits', stop: () => permits.stop() });

    // Tamper-evident log (signing key, checkpoints), 隐患 closed loop (overdue check), audit, reports.
    const audit = createAuditModule(core);
    core.audit = audit;
    audit.start();
    started.push({ name: 'audit', stop: () => audit.stop() });

    // Zones, violations, evidence rings; the tracker → rules pipeline is fed by the detect scheduler
    // (scheduler.onResult((r) => violations.pipeline.process(r))) and tells the locks who is at the post.
    const violations = await startViolationModule(core, {
      permits: permitsProvider(
        (cameraId) => permits.permits.boundTo('camera', cameraId, ['active']),
        (kind) => KINDS.find(kind),
      ),
    });
    permits.locks.presence = {
      presentAt: (cameraId) => violations.pipeline.guardianPresentAt(cameraId, core.clock.now()),
    };
    started.push({ name: 'violations', stop: () => violations.stop() });

    // Camera ingest: one ffmpeg per camera, camera health (camera_health_log, camera.healthChanged on
    // change, which the permits gate and the audit hear). Started after the modules that listen to
    // health events, stopped before them and before the store.
    const ingest = new IngestService(core);
    core.ingest = ingest;
    audit.useIngestHealth(ingest); // the permit audit reads camera_health_log (service downtime = no record)
    ingest.start();
    started.push({ name: 'ingest', stop: () => ingest.stop() });

    // Detection: config.detect.sessions worker threads (onnxruntime, config.detect.threads each) and the
    // fair scheduler; results feed the tracker → rules pipeline, cameras with active permits go first.
    // Ingest hands its frames in with detect.attach(ingest). Missing models: logged with where to get
    // them and shown on /healthz; the rest of the service (permits, video, audit) keeps running.
    if (config.detect.enabled) {
      try {
        const detect = await DetectService.start(core, config.detect);
        core.detect = detect;
        detect.onResult((r) => violations.pipeline.process(r));
        detect.usePermits((cameraId) => permits.permits.boundTo('camera', cameraId, ['active']).length > 0);
        if (config.ingest.idleKeyframesOnly)
          detect.onIdleChange((cameraId, idle) => ingest.setKeyframesOnly(cameraId, idle));
        started.push({ name: 'detect', stop: () => detect.stop() });
      } catch (e) {
        logger.error({ err: e }, 'detection unavailable 检测不可用');
      }
    }

    core.detect?.attach(ingest); // frames in (drop-not-queue: latest-frame slot per consumer)
    const app = await buildApp(core);
    // Registered before its upgrades so that, in reverse, socket.io and the video relay let go of their
    // long-lived connections before the HTTP server waits for open connections to end.
    started.push({ name: 'http', stop: () => app.close() });
    const realtime = attachRealtime(app.server, core);
    started.push({ name: 'realtime', stop: () => realtime.close() });
    // Browser video relay on /live/<cameraId> (plain ws upgrades; /socket.io/ stays socket.io's).
    const live = attachLiveRelay(app.server, core);
    started.push({ name: 'live-relay', stop: () => live.close() });
    await app.listen({ host: config.server.host, port: config.server.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.server.port;
    const url = `http://${config.server.host}:${port}`;
    logger.info({ url }, 'jianhu started 服务已启动');
    return { app, url, logger, services: core, stop: () => stopAll(started, logger) };
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
