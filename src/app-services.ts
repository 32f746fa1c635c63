import type { Config } from './config/schema.ts';
import type { Db } from './store/db.ts';
import type { Clock } from './shared/clock.ts';
import type { Logger } from './shared/logger.ts';
import type { EventBus } from './events/event-bus.ts';
import type { AuthService } from './auth/auth.service.ts';
import type { UsersRepo } from './auth/users.repo.ts';
import type { UserAdminService } from './auth/user-admin.service.ts';
import type { TenancyRepo } from './tenancy/tenancy.repo.ts';
import type { Metrics } from './observability/metrics.ts';
import type { DetectService } from './detect/detect.service.ts';
import type { AuditModule } from './audit/module.ts';
import type { MqttBus } from './mqtt/mqtt-bus.ts';
import type { ZonesService } from './zones/zones.service.ts';
import type { ViolationsService } from './violations/violations.service.ts';
import type { EvidenceService } from './evidence/evidence.service.ts';
import type { ViolationPipeline } from './violations/pipeline.ts';
import type { PermitsModule } from './permits/module.ts';
import type { IngestService } from './ingest/ingest.service.ts';

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
  /** Detection runtime: inference workers + fair scheduler (src/detect/detect.service.ts). */
  detect?: DetectService;
  /** Tamper-evident log, 隐患 closed loop, permit-to-video audit, regulator reports (src/audit/module.ts). */
  audit?: AuditModule;
  /** Set by the composition root once the broker connection is up (absent in inject-only tests). */
  mqtt?: MqttBus;
  /** Camera zones, violations, evidence and the live tracker → rules pipeline (src/violations/module.ts). */
  zones?: ZonesService;
  violations?: ViolationsService;
  evidence?: EvidenceService;
  violationPipeline?: ViolationPipeline;
  /** Permits, certificates, 一机一码 machines and scan, chips, 加锁赋码 locks (src/permits/module.ts). */
  permits?: PermitsModule;
  /** Camera ingest (ffmpeg per camera), frames for detection, camera health (src/ingest/ingest.service.ts). */
  ingest?: IngestService;
}
