import type { AppServices } from '../app-services.ts';
import { HazardsService } from './hazards/hazards.service.ts';
import { ReportsService } from './reports/reports.service.ts';
import { AuditService } from './audit/audit.service.ts';
import { EventLogRepo } from './audit/event-log.repo.ts';
import {
  EventLogHealthSource,
  EventLogPermitSource,
  IngestHealthSource,
  PermitAuditService,
  type HealthHistorySource,
  type PermitSource,
} from './audit/permit-audit.ts';

/** Tamper-evident log, closed loop (隐患), permit-to-video audit and regulator reports. */
export interface AuditModule {
  chain: AuditService;
  hazards: HazardsService;
  permitAudit: PermitAuditService;
  reports: ReportsService;
  /** Reads camera health from the ingest service (camera_health_log) once it runs; see IngestHealthSource. */
  useIngestHealth(ingest: ConstructorParameters<typeof IngestHealthSource>[0]): void;
  /** Signing key, backfill, periodic checkpoints and the overdue-hazard check. */
  start(): void;
  stop(): void;
}

export interface AuditModuleOptions {
  /** the ingest health service's history; default: the chained camera.healthChanged events */
  health?: HealthHistorySource;
  /** default: permits reconstructed from the chained permit.* transition events */
  permits?: PermitSource;
}

/**
 * Builds the audit module on the core services. Must be built before buildApp() so its routes are
 * registered (services.audit); start() after the store is open, stop() before it closes.
 */
export function createAuditModule(core: AppServices, opts: AuditModuleOptions = {}): AuditModule {
  const { db, bus, clock, config, users, logger } = core;
  const log = new EventLogRepo(db);
  const chain = new AuditService(db, config.store.dataDir, clock, logger, config.audit);
  // Violations and evidence start after this module: read them through getters.
  const hazards = new HazardsService(db, bus, clock, users, config.store.dataDir, {
    violations: () => core.violations,
    evidence: () => core.evidence,
  });
  let offViolations: (() => void) | undefined;
  const permitAudit = new PermitAuditService(
    log,
    opts.permits ?? new EventLogPermitSource(log),
    opts.health ?? new EventLogHealthSource(log),
    clock,
    {
      require: config.audit.coverage.require,
      maxGapMs: config.audit.coverage.maxGapSeconds * 1000,
      minCoveragePct: config.audit.coverage.minCoveragePct,
    },
  );
  const reports = new ReportsService(
    hazards,
    permitAudit,
    log,
    core.tenancy,
    clock,
    config.reports,
    config.regions,
  );
  return {
    chain,
    hazards,
    permitAudit,
    reports,
    useIngestHealth(ingest) {
      permitAudit.healthSource = new IngestHealthSource(ingest, new EventLogHealthSource(log), clock);
    },
    start() {
      chain.start();
      offViolations = bus.on('violation.reviewed', (e) => {
        const rec = core.violations?.byId(e.payload.violationId);
        if (!rec) return;
        try {
          hazards.fromConfirmedViolation({
            ...e.payload,
            reviewedBy: rec.reviewedBy,
            enterpriseId: rec.enterpriseId,
          });
        } catch (err) {
          logger.error({ err, violationId: rec.id }, 'hazard from confirmed violation failed 违章转隐患失败');
        }
      });
      hazards.start(config.audit.hazardOverdueCheckSeconds, (err) =>
        logger.error({ err }, 'overdue hazard check failed 隐患逾期检查失败'),
      );
    },
    stop() {
      offViolations?.();
      hazards.stop();
      chain.stop();
    },
  };
}
