import type { Platform } from '../platform/platform.ts';
import type { MqttBus } from '../platform/mqtt/mqtt-bus.ts';
import type { EvidenceService } from '../video/evidence/evidence.service.ts';
import type { ViolationsService } from '../supervision/violations/violations.service.ts';
import { AlertsService } from './alerts/alerts.service.ts';
import { inspectionsEnforcement } from './inspections/enforcement.ts';
import { InspectionsRepo } from './inspections/inspections.repo.ts';
import { hazardColumnsEnforcement } from './reports/forms/form-source.ts';
import { HazardsService } from './hazards/hazards.service.ts';
import { PublicReportsService } from './public-reports/public-reports.service.ts';
import { ReportsService } from './reports/reports.service.ts';
import { InspectionsService } from './inspections/inspections.service.ts';
import { RegulatorOverview } from './regulator/overview.ts';
import { AuditService } from './audit/audit.service.ts';
import { EventLogRepo } from './audit/event-log.repo.ts';
import { EnterpriseRecordsRepo } from './enterprises/enterprise-records.repo.ts';
import { EnterpriseRecordsService } from './enterprises/enterprise-records.service.ts';
import { GradingService } from './enterprises/grading.service.ts';
import {
  EventLogHealthSource,
  EventLogPermitSource,
  IngestHealthSource,
  PermitAuditService,
} from './audit/permit-audit.ts';

/** Tamper-evident log, closed loop (隐患), permit-to-video audit and regulator reports. */
export interface OversightContext {
  chain: AuditService;
  hazards: HazardsService;
  /** 群众/员工举报: poster tokens, public reports as hazards, receipts */
  publicReports: PublicReportsService;
  permitAudit: PermitAuditService;
  reports: ReportsService;
  /** the wall's alert feed (chips, locks, scans, stopped work), also published on MQTT */
  alerts: AlertsService;
  /** 执法检查 recorded by regulators; `forHazard` is the annex ledger's port */
  inspections: InspectionsService;
  /** the regulator's desk: the region's enterprises ranked */
  overview: RegulatorOverview;
  /** 一企一档: the enterprise record its admin keeps */
  records: EnterpriseRecordsService;
  /** 分级分类: computed A/B/C/D grade, regulator overrides, the 分级分类台账 */
  grading: GradingService;
  /** Signing key, backfill, periodic checkpoints, confirmed violations → hazards, overdue check. */
  start(): void;
  stop(): void;
}

/** What oversight reads of the other contexts, given at construction. */
export interface OversightPorts {
  violations: ViolationsService;
  evidence: EvidenceService;
  /**
   * camera health history (the video context's ingest, camera_health_log); null: the chained
   * camera.healthChanged events only
   */
  ingest: ConstructorParameters<typeof IngestHealthSource>[0] | null;
  /** where checkpoint heads are also published for the hub; null: no broker */
  mqtt: MqttBus | null;
}

export function createOversightContext(platform: Platform, ports: OversightPorts): OversightContext {
  const { db, bus, clock, config, users, logger } = platform;
  const log = new EventLogRepo(db);
  const chain = new AuditService(db, config.store.dataDir, clock, logger, config.audit, ports.mqtt);
  const hazards = new HazardsService(db, bus, clock, users, config.store.dataDir, {
    violations: ports.violations,
    evidence: ports.evidence,
  });
  const publicReports = new PublicReportsService(db, bus, clock, users, hazards);
  let offViolations: (() => void) | undefined;
  const alerts = new AlertsService(log, clock);
  let offAlerts: (() => void) | undefined;
  const fromEvents = new EventLogHealthSource(log);
  const permitAudit = new PermitAuditService(
    log,
    new EventLogPermitSource(log),
    ports.ingest ? new IngestHealthSource(ports.ingest, fromEvents, clock) : fromEvents,
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
    platform.tenancy,
    clock,
    config.reports,
    config.regions,
    { dataDir: config.store.dataDir, utcOffsetMinutes: config.permits.night.utcOffsetMinutes },
    inspectionsEnforcement(new InspectionsRepo(db), hazardColumnsEnforcement(hazards.repo)),
  );
  const inspections = new InspectionsService(db, bus, clock, hazards);
  const overview = new RegulatorOverview(permitAudit, hazards.repo, platform.tenancy, clock);
  const records = new EnterpriseRecordsService(new EnterpriseRecordsRepo(db), bus, clock, platform.tenancy);
  const grading = new GradingService(
    records,
    reports,
    hazards.repo,
    permitAudit,
    bus,
    clock,
    config.reports,
    config.permits.night.utcOffsetMinutes,
  );
  return {
    chain,
    hazards,
    publicReports,
    permitAudit,
    reports,
    alerts,
    inspections,
    overview,
    records,
    grading,
    start() {
      chain.start();
      if (ports.mqtt)
        offAlerts = alerts.bridgeToMqtt(bus, ports.mqtt, config.permits.chips.topicPrefix, logger);
      offViolations = bus.on('violation.reviewed', (e) => {
        const rec = ports.violations.byId(e.payload.violationId);
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
      offAlerts?.();
      hazards.stop();
      chain.stop();
    },
  };
}
