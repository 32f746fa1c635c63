import { resolve } from 'node:path';
import { roleHas } from '../../platform/auth/permissions.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import type { UsersRepo } from '../../platform/auth/users.repo.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import { iso } from '../../platform/shared/clock.ts';
import type { Db } from '../../platform/store/db.ts';
import type { EnterpriseScope } from '../../platform/tenancy/scope.ts';
import type { HazardPhotoRef } from './hazard.events.ts';
import {
  applyAction,
  HazardErrors,
  type FiveInPlace,
  type HazardAction,
  type HazardLevel,
} from './hazard.machine.ts';
import { machineActor, machineSnapshot, type RegisterInput } from './hazard-rows.ts';
import { stepHazard, type StepEvent, type StepExtra } from './hazard-step.ts';
import {
  HazardsRepo,
  type Hazard,
  type HazardFilter,
  type HazardPhoto,
  type HazardTransition,
} from './hazards.repo.ts';
import { decodePhoto, realInside, storePhoto, type StoredPhoto } from './photos.ts';
import { HazardServiceErrors } from './hazards.errors.ts';
import { insertHazard } from './hazard-insert.ts';
import { mayBeResponsible, responsiblesIn, type ResponsiblePerson } from './responsibles.ts';
import { OverdueEscalator } from './overdue.ts';
import { dispatchNotice } from './responsible-notice.ts';
import {
  hazardFromConfirmedViolation,
  checkViolation,
  violationEvidence,
  type ConfirmedViolation,
  type LinkedEvidence,
  type ViolationLinks,
} from './violation-link.ts';

export type { RegisterInput } from './hazard-rows.ts';
export { HazardServiceErrors };
export type { ResponsiblePerson };

export interface HazardDetail extends Hazard {
  transitions: HazardTransition[];
  photos: HazardPhoto[];
}

/** The closed loop's service: every step runs the pure machine, then stores and publishes together. */
export class HazardsService {
  readonly repo: HazardsRepo;
  private readonly overdue: OverdueEscalator;
  constructor(
    db: Db,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly users: UsersRepo,
    private readonly dataDir: string,
    private readonly links: ViolationLinks,
  ) {
    this.repo = new HazardsRepo(db);
    this.overdue = new OverdueEscalator(this.repo, bus, clock);
  }

  register(p: Principal, scope: EnterpriseScope, input: RegisterInput): HazardDetail {
    return this.registerOnce(p, scope, input).hazard;
  }

  /**
   * One violation makes at most one hazard: registering from a violation that already has one (a
   * second click on 派单整改, or the hazard its confirmation raised) answers that hazard, `created:
   * false`, instead of a duplicate that would inflate the weekly table. Check and insert run on the one
   * synchronous SQLite connection, so two requests cannot interleave between them.
   */
  registerOnce(
    p: Principal,
    scope: EnterpriseScope,
    input: RegisterInput,
  ): { hazard: HazardDetail; created: boolean } {
    scope.assert(input.enterpriseId);
    if (!roleHas(p.role, 'hazard:write')) throw HazardErrors.forbidden({ action: 'register' });
    if (input.source === 'violation' && !input.violationId) throw HazardServiceErrors.violationRequired();
    const existing = input.source === 'violation' ? this.existingFor(scope, input) : undefined;
    if (existing !== undefined) return { hazard: this.detail(scope, existing), created: false };
    const linked =
      input.source === 'violation'
        ? violationEvidence(this.links, scope, input.enterpriseId, input.violationId!, this.dataDir)
        : [];
    const id = this.insertNew(p, input, linked);
    return { hazard: this.detail(scope, id), created: true };
  }

  /**
   * A regulator's 执法检查 finding (src/oversight/inspections): registered in the enterprise's loop like
   * any inspection hazard, by a holder of inspection:write. Regulators never hold hazard:write, so every
   * later step (assess, dispatch, rectify, verify, close) stays the enterprise's own.
   */
  registerFinding(p: Principal, scope: EnterpriseScope, input: RegisterInput): HazardDetail {
    scope.assert(input.enterpriseId);
    if (!roleHas(p.role, 'inspection:write') || input.source !== 'inspection')
      throw HazardErrors.forbidden({ action: 'register' });
    return this.detail(scope, this.insertNew(p, input, []));
  }

  private insertNew(p: Principal, input: RegisterInput, linked: LinkedEvidence[]): number {
    const x = { repo: this.repo, bus: this.bus, dataDir: this.dataDir, now: iso(this.clock.now()) };
    return insertHazard(x, p, input, linked);
  }

  /** The hazard already raised from this violation, after checking the violation is the caller's to see. */
  private existingFor(scope: EnterpriseScope, input: RegisterInput): number | undefined {
    checkViolation(this.links, scope, input.enterpriseId, input.violationId!);
    return this.repo.byViolation(input.violationId!)?.id;
  }

  assess(
    p: Principal,
    scope: EnterpriseScope,
    id: number,
    b: { level: HazardLevel; five?: Partial<FiveInPlace>; reason: string },
  ) {
    return this.step(
      p,
      scope,
      id,
      { kind: 'assess', level: b.level, five: b.five },
      b.reason,
      'hazard.assessed',
      (h) => ({
        level: h.level!,
        five: h.five,
      }),
    );
  }

  dispatch(
    p: Principal,
    scope: EnterpriseScope,
    id: number,
    b: { responsibleUserId: number; deadline?: string; five?: Partial<FiveInPlace>; reason: string },
  ) {
    const h = this.load(scope, id);
    const deadline = b.deadline !== undefined ? Date.parse(b.deadline) : undefined;
    const action = {
      kind: 'dispatch',
      responsibleUserId: b.responsibleUserId,
      deadline,
      five: b.five,
    } as const;
    // the machine first: a dispatch in the wrong state says so, whoever it names
    applyAction(machineSnapshot(h), action, machineActor(p), this.clock.now());
    const u = this.users.byId(b.responsibleUserId);
    if (!u || u.enterpriseId !== h.enterpriseId || !mayBeResponsible(u.role))
      throw HazardServiceErrors.badResponsible({ responsibleUserId: b.responsibleUserId });
    // the responsible person is told in the same transaction as the dispatch (responsible-notice.ts)
    return this.bus.transaction(() => {
      const d = this.step(p, scope, id, action, b.reason, 'hazard.dispatched', (n) => ({
        level: n.level!,
        responsibleUserId: n.responsibleUserId!,
        deadline: n.deadline!,
        five: n.five,
      }));
      const n = this.repo.get(id)!;
      this.bus.publish('hazard.responsibleNotified', n.enterpriseId, dispatchNotice(n));
      return d;
    });
  }

  rectify(p: Principal, scope: EnterpriseScope, id: number, b: { photos: string[]; reason: string }) {
    const h = this.load(scope, id);
    const decoded = b.photos.map((x, i) => decodePhoto(x, i));
    // The machine checks who may rectify before any file is written.
    applyAction(
      machineSnapshot(h),
      { kind: 'rectify', afterPhotos: decoded.length },
      machineActor(p),
      this.clock.now(),
    );
    const stored = decoded.map((ph) => storePhoto(this.dataDir, h.enterpriseId, ph));
    return this.step(
      p,
      scope,
      id,
      { kind: 'rectify', afterPhotos: stored.length },
      b.reason,
      'hazard.rectified',
      () => ({
        photos: stored.map(({ path, sha256 }) => ({ path, sha256 })) as HazardPhotoRef[],
      }),
      stored,
    );
  }

  verify(p: Principal, scope: EnterpriseScope, id: number, b: { passed: boolean; reason: string }) {
    return this.step(p, scope, id, { kind: 'verify', passed: b.passed }, b.reason, 'hazard.verified', () => ({
      passed: b.passed,
    }));
  }

  close(p: Principal, scope: EnterpriseScope, id: number, b: { reason: string }) {
    return this.step(p, scope, id, { kind: 'close' }, b.reason, 'hazard.closed', () => ({}));
  }

  /** A confirmed violation becomes a hazard (see violation-link.ts). */
  fromConfirmedViolation(v: ConfirmedViolation): HazardDetail | undefined {
    return hazardFromConfirmedViolation(this, this.users, v);
  }

  /** Who a hazard of these enterprises may be dispatched to (responsibles.ts). */
  responsibles(scope: EnterpriseScope): ResponsiblePerson[] {
    return responsiblesIn(this.users, scope);
  }

  list(scope: EnterpriseScope, f: Omit<HazardFilter, 'enterpriseIds'> & { enterpriseId?: string }): Hazard[] {
    if (f.enterpriseId) scope.assert(f.enterpriseId);
    return this.repo.list({
      ...f,
      enterpriseIds: f.enterpriseId ? [f.enterpriseId] : [...scope.enterpriseIds],
    });
  }

  /** A photo of a visible hazard and its file (inside the data folder), or a coded 404. */
  photoFile(scope: EnterpriseScope, id: number, photoId: number): { photo: HazardPhoto; file: string } {
    this.load(scope, id);
    const photo = this.repo.photos(id).find((p) => p.id === photoId);
    // Confined to <dataDir>/evidence after resolving symlinks: a tampered row or a planted link must not
    // serve the database, the secrets folder or anything outside (tests/security/hostile-input.test.ts).
    const file = photo
      ? realInside(resolve(this.dataDir, 'evidence'), resolve(this.dataDir, photo.path))
      : null;
    if (!photo || !file) throw HazardServiceErrors.photoNotFound({ id, photoId });
    return { photo, file };
  }

  detail(scope: EnterpriseScope, id: number): HazardDetail {
    const h = this.load(scope, id);
    return { ...h, transitions: this.repo.transitions(id), photos: this.repo.photos(id) };
  }

  /** Escalates dispatched hazards past their deadline; returns how many escalated now. */
  checkOverdue(): number {
    return this.overdue.check();
  }

  start(everySeconds: number, onError: (e: unknown) => void): void {
    this.overdue.start(everySeconds, onError);
  }

  stop(): void {
    this.overdue.stop();
  }

  private load(scope: EnterpriseScope, id: number): Hazard {
    const h = this.repo.get(id);
    if (!h) throw HazardServiceErrors.notFound({ id });
    scope.assert(h.enterpriseId);
    return h;
  }

  private step<E extends StepEvent>(
    p: Principal,
    scope: EnterpriseScope,
    id: number,
    action: HazardAction,
    reason: string,
    event: E,
    extra: StepExtra<E>,
    afterPhotos: StoredPhoto[] = [],
  ): HazardDetail {
    const h = this.load(scope, id);
    const x = { repo: this.repo, bus: this.bus, nowMs: this.clock.now() };
    stepHazard(x, h, p, { action, reason, event, extra, afterPhotos });
    return this.detail(scope, id);
  }
}
