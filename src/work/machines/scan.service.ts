import { randomUUID } from 'node:crypto';
import type { CertificatesService } from '../certificates/certificates.service.ts';
import type { Config } from '../../config/schema.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { MonitoringGate } from '../permits/gate.ts';
import type { Caller, PermitsService } from '../permits/permits.service.ts';
import type { Permit } from '../permits/domain/types.ts';
import { KINDS } from '../kinds/index.ts';
import { AppError } from '../../platform/shared/errors.ts';
import { iso, type Clock } from '../../platform/shared/clock.ts';
import { distanceM, signAuthorisation } from './machine-token.ts';
import type { Machine, MachinesRepo } from './machines.repo.ts';
import { ScanErrors } from './scan-errors.ts';
import { coveringPermit, scannedMachine } from './scan-target.ts';

export interface ScanRequest {
  /** what the QR says: the signed token, or the scan-page URL carrying it in `#m=` */
  qr?: string;
  /** the machine code printed under the QR, typed by the welder instead (exactly one of qr, code) */
  code?: string;
  nonce: string;
  /** phone time of the scan, epoch ms */
  scannedAt: number;
  lat: number;
  lon: number;
  accuracyM: number;
}

export interface ScanResult {
  authorisation: string;
  expiresAt: string;
  machineId: string;
  permitId: string;
  permitNumber: string;
  warnings: string[];
  distanceM: number;
}

/**
 * POST /api/scan: the welder's phone scans the machine's QR. Every check fails closed with its own
 * code; every scan (accepted or refused) is recorded with who, which machine, where and when.
 */
export class ScanService {
  constructor(
    private readonly repo: MachinesRepo,
    private readonly key: Buffer,
    private readonly permits: PermitsService,
    private readonly gate: MonitoringGate,
    private readonly certificates: CertificatesService,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly cfg: Config['permits']['scan'],
    /** runs `fn` in a SQLite savepoint (the db's transaction, nested) */
    private readonly savepoint: <R>(fn: () => R) => R,
  ) {}

  private queue: {
    c: Caller;
    req: ScanRequest;
    resolve: (r: ScanResult) => void;
    reject: (e: unknown) => void;
  }[] = [];

  /** One scan in its own transaction (tests, CLI). Throws the coded refusal. */
  scan(c: Caller, req: ScanRequest): ScanResult {
    const o = this.bus.transaction(() => this.attempt(c, req));
    if ('err' in o) throw o.err;
    return o.ok;
  }

  /**
   * Group commit for the HTTP route: scans arriving in the same event-loop turn share one transaction
   * (one fsync with synchronous=FULL), each inside its own savepoint so a refusal undoes only itself.
   */
  scanBatched(c: Caller, req: ScanRequest): Promise<ScanResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ c, req, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const jobs = this.queue.splice(0);
    let outcomes: ({ ok: ScanResult } | { err: unknown })[];
    try {
      outcomes = this.bus.transaction(() =>
        jobs.map((j) => {
          try {
            return this.attempt(j.c, j.req);
          } catch (e) {
            return { err: e };
          }
        }),
      );
    } catch (e) {
      for (const j of jobs) j.reject(e);
      return;
    }
    jobs.forEach((j, i) => {
      const o = outcomes[i]!;
      if ('err' in o) j.reject(o.err);
      else j.resolve(o.ok);
    });
  }

  /** Runs inside a bus transaction: the checks in a savepoint; a refusal is rolled back, then recorded. */
  private attempt(c: Caller, req: ScanRequest): { ok: ScanResult } | { err: AppError } {
    const now = this.clock.now();
    const rec = {
      machine: null as Machine | null,
      permit: null as Permit | null,
      dist: null as number | null,
      warnings: [] as string[],
    };
    try {
      return {
        ok: this.savepoint(() => {
          const result = this.check(c, req, now, rec);
          this.record(c, req, now, rec, 'accepted');
          return result;
        }),
      };
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      // the savepoint undid the nonce too: remember it, so a refused request cannot be replayed later
      // (when, say, the camera is back) to obtain an authorisation
      this.repo.claimNonce(`${c.principal.userId}:${req.nonce}`, now, 2 * this.cfg.clockSkewSeconds * 1000);
      this.record(c, req, now, rec, e.code);
      return { err: e };
    }
  }

  private check(
    c: Caller,
    req: ScanRequest,
    now: number,
    rec: { machine: Machine | null; permit: Permit | null; dist: number | null; warnings: string[] },
  ): ScanResult {
    const machine = scannedMachine(
      { repo: this.repo, key: this.key, qrMaxAgeDays: this.cfg.qrMaxAgeDays },
      c,
      req,
      now,
      rec,
    );
    const skew = this.cfg.clockSkewSeconds * 1000;
    if (Math.abs(now - req.scannedAt) > skew) throw ScanErrors.stale({ serverTime: iso(now) });
    if (!this.repo.claimNonce(`${c.principal.userId}:${req.nonce}`, now, 2 * skew))
      throw ScanErrors.replayed();

    const cert = this.certificates.weldingStatus(c.principal.userId, now);
    if (!cert.ok)
      throw cert.reason === 'none'
        ? ScanErrors.noCertificate()
        : cert.reason === 'review_overdue'
          ? ScanErrors.certificateReviewOverdue({ number: cert.certificate?.number })
          : ScanErrors.certificateExpired({ number: cert.certificate?.number });
    if (cert.expiringInDays !== null)
      rec.warnings.push(`certificate_expiring_in_${cert.expiringInDays}_days 证书即将到期`);

    const permit = coveringPermit(this.permits, machine.id, machine.enterpriseId, now);
    rec.permit = permit;
    if (!permit.workers.some((w) => w.userId === c.principal.userId))
      throw ScanErrors.notOnPermit({ permitId: permit.id });
    if (permit.guardianUserId === null && KINDS.kindOf(permit.kind).guardian.required)
      throw ScanErrors.noGuardian({ permitId: permit.id });
    if (permit.escalatedBecause.length > 0)
      rec.warnings.push(`special_period 特殊时段动火: ${permit.escalatedBecause.join(',')}`);

    const cams = [...new Set([...permit.cameraIds, ...(machine.cameraId ? [machine.cameraId] : [])])];
    const down = this.gate.camerasDown({ ...permit, cameraIds: cams });
    if (down.length > 0) throw ScanErrors.cameraOffline({ cameras: down });

    if (req.accuracyM > this.cfg.maxAccuracyM)
      throw ScanErrors.inaccurate({ accuracyM: req.accuracyM, maxAccuracyM: this.cfg.maxAccuracyM });
    rec.dist = Math.round(distanceM(req, machine) * 10) / 10;
    // The accuracy is the phone's own claim: declaring 99 m must not buy 99 m more radius (#23, a scan
    // 140 m from the machine was accepted). Only accuracyAllowanceMaxM of it widens the radius.
    const allowedM = this.cfg.maxDistanceM + Math.min(req.accuracyM, this.cfg.accuracyAllowanceMaxM);
    if (rec.dist > allowedM)
      throw ScanErrors.tooFar({ distanceM: rec.dist, maxDistanceM: this.cfg.maxDistanceM, allowedM });

    if (permit.state === 'active' && !this.permits.gasTestedToday(permit, now))
      throw ScanErrors.notReady({
        permitId: permit.id,
        cause: 'JH_ERR_PERMIT_GAS_RETEST_REQUIRED',
        daily: true,
      });
    let active = permit;
    if (permit.state === 'approved') {
      // The first accepted scan is the moment work starts: the permit's start checks apply.
      try {
        active = this.permits.start(permit.id, c);
      } catch (e) {
        if (e instanceof AppError)
          throw ScanErrors.notReady({ permitId: permit.id, cause: e.code, causeZh: e.zh });
        throw e;
      }
    }
    const jti = randomUUID();
    const exp = now + this.cfg.authorisationTtlSeconds * 1000;
    this.repo.insertAuthorisation({
      jti,
      machineId: machine.id,
      permitId: active.id,
      userId: c.principal.userId,
      issuedAt: now,
      expiresAt: exp,
    });
    return {
      authorisation: signAuthorisation(this.key, {
        jti,
        machineId: machine.id,
        permitId: active.id,
        userId: c.principal.userId,
        exp,
      }),
      expiresAt: iso(exp),
      machineId: machine.id,
      permitId: active.id,
      permitNumber: active.number,
      warnings: rec.warnings,
      distanceM: rec.dist,
    };
  }

  private record(
    c: Caller,
    req: ScanRequest,
    now: number,
    rec: { machine: Machine | null; permit: Permit | null; dist: number | null; warnings: string[] },
    result: string,
  ): void {
    this.bus.transaction(() => {
      const scanId = this.repo.recordScan({
        enterpriseId: rec.machine?.enterpriseId ?? c.principal.enterpriseId,
        machineId: rec.machine?.id ?? null,
        userId: c.principal.userId,
        lat: Number.isFinite(req.lat) ? req.lat : null,
        lon: Number.isFinite(req.lon) ? req.lon : null,
        accuracyM: req.accuracyM,
        distanceM: rec.dist,
        at: now,
        result,
        permitId: rec.permit?.id ?? null,
        warnings: rec.warnings,
      });
      this.bus.publish('machine.scanned', rec.machine?.enterpriseId ?? c.principal.enterpriseId, {
        scanId,
        machineId: rec.machine?.id ?? null,
        userId: c.principal.userId,
        result,
        permitId: rec.permit?.id ?? null,
        ...(rec.machine?.cameraId ? { cameraId: rec.machine.cameraId } : {}),
        warnings: rec.warnings,
      });
    });
  }
}
