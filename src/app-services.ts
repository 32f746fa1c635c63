import type { Config } from './config/schema.ts';
import type { Db } from './platform/store/db.ts';
import type { Clock } from './platform/shared/clock.ts';
import type { Logger } from './platform/shared/logger.ts';
import type { EventBus } from './platform/events/event-bus.ts';
import type { AuthService } from './platform/auth/auth.service.ts';
import type { UsersRepo } from './platform/auth/users.repo.ts';
import type { UserAdminService } from './platform/auth/user-admin.service.ts';
import type { TenancyRepo } from './platform/tenancy/tenancy.repo.ts';
import type { Metrics } from './platform/observability/metrics.ts';
import type { DetectService } from './vision/detect/detect.service.ts';
import type { AuditModule } from './oversight/module.ts';
import type { MqttBus } from './platform/mqtt/mqtt-bus.ts';
import type { ZonesService } from './supervision/zones/zones.service.ts';
import type { ViolationsService } from './supervision/violations/violations.service.ts';
import type { EvidenceService } from './video/evidence/evidence.service.ts';
import type { ViolationPipeline } from './supervision/violations/pipeline.ts';
import type { PermitsModule } from './work/module.ts';
import type { IngestService } from './video/ingest/ingest.service.ts';

/**
 * What the HTTP layer may use. Built once by the composition root (src/main.ts, or tests through
 * src/testing/), passed to buildApp(); modules add their services here as optional members until wired.
 */
export interface AppServices {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  bus: EventBus;
  auth: AuthService;
  users: UsersRepo;
  userAdmin: UserAdminService;
  tenancy: TenancyRepo;
  metrics: Metrics;
  /** Components reporting liveness to /healthz (ingest, broker, detectors...). */
  health: Map<string, () => { ok: boolean; detail?: string }>;
  /** Detection runtime: inference workers + fair scheduler (src/vision/detect/detect.service.ts). */
  detect?: DetectService;
  /** Tamper-evident log, 隐患 closed loop, permit-to-video audit, regulator reports (src/oversight/module.ts). */
  audit?: AuditModule;
  /** Set by the composition root once the broker connection is up (absent in inject-only tests). */
  mqtt?: MqttBus;
  /** Camera zones, violations, evidence and the live tracker → rules pipeline (src/supervision/module.ts). */
  zones?: ZonesService;
  violations?: ViolationsService;
  evidence?: EvidenceService;
  violationPipeline?: ViolationPipeline;
  /** Permits, certificates, 一机一码 machines and scan, chips, 加锁赋码 locks (src/work/module.ts). */
  permits?: PermitsModule;
  /** Camera ingest (ffmpeg per camera), frames for detection, camera health (src/video/ingest/ingest.service.ts). */
  ingest?: IngestService;
}
