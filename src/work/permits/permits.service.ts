import type { UsersRepo } from '../../platform/auth/users.repo.ts';
import type { Config } from '../../config/schema.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { Clock } from '../../platform/shared/clock.ts';
import { PermitErrors } from './domain/errors.ts';
import { gasTestedToday } from './domain/rules.ts';
import { KINDS } from '../kinds/index.ts';
import { activeEnclosedBy, assertLinkable } from './domain/simops.ts';
import { uncertifiedWorkers } from '../certificates/certificate-standing.ts';
import * as sm from './domain/state-machine.ts';
import type { SuspendCause } from './domain/suspend-cause.ts';
import type { Authority, GasTest, Permit, PermitState } from './domain/types.ts';
import { permitEventPayload } from './events.ts';
import { PermitInputErrors, cameraIndex, guardianIdOf } from './permits.input.ts';

export { PermitInputErrors, cameraIndex };
import type { PermitsRepo } from './permits.repo.ts';
import type { Caller, PermitAction, PermitPorts } from './permits.ports.ts';
import { sweepPermits } from './permits.sweep.ts';
import { createDraft, type NewPermitBody } from './permits.create.ts';

export type { Caller, NewPermitBody, PermitPorts };

/** Work permits: persistence and events around the pure state machine in ./domain. */
export class PermitsService {
  private readonly cameras: Pick<ReadonlyMap<string, { siteId: string; enterpriseId: string }>, 'get'>;

  constructor(
    private readonly repo: PermitsRepo,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly users: UsersRepo,
    private readonly ports: PermitPorts,
  ) {
    const placement = ports.cameraPlacement;
    this.cameras = placement ? { get: (id) => placement(id) } : cameraIndex(config);
  }

  cameraSite(cameraId: string): { siteId: string; enterpriseId: string } | undefined {
    return this.cameras.get(cameraId);
  }

  /** A new draft permit (its bindings checked, its workers resolved, its number drawn), linked as asked. */
  create(c: Caller, body: NewPermitBody): Permit {
    const deps = { config: this.config, cameras: this.cameras, users: this.users, ...this.ports };
    const x = { deps, repo: this.repo, bus: this.bus, now: this.clock.now() };
    const linked = () => [...new Set(body.linkedPermitIds)].map((id) => this.get(id, c));
    return createDraft(x, c, body, linked, (l, id, now) => this.addLink(l, id, now, c.principal.userId));
  }

  /**
   * 交叉作业: links two permits both ways (same enterprise and site, neither finished); from then on
   * the rules of domain/simops.ts apply between them. Linking twice changes nothing.
   */
  link(id: string, c: Caller, otherId: string): Permit {
    const p = this.get(id, c);
    const other = this.get(otherId, c);
    assertLinkable(p, other);
    const now = this.clock.now();
    return this.bus.transaction(() => {
      this.addLink(other, p.id, now, c.principal.userId);
      return this.addLink(p, other.id, now, c.principal.userId);
    });
  }

  private addLink(p: Permit, otherId: string, now: number, userId: number): Permit {
    if (p.linkedPermitIds.includes(otherId)) return p;
    const next = { ...p, linkedPermitIds: [...p.linkedPermitIds, otherId] };
    this.repo.update(next, now);
    this.repo.history(p.id, 'linked', p.state, p.state, userId, otherId, now);
    return next;
  }

  /** The permits linked to `p`, as stored now (terminal ones included: the rules look at their state). */
  linkedOf(p: Pick<Permit, 'linkedPermitIds'>): Permit[] {
    return p.linkedPermitIds.flatMap((id) => this.repo.get(id) ?? []);
  }

  private guardianId(username: string, enterpriseId: string): number {
    return guardianIdOf(this.users, username, enterpriseId);
  }

  /** A visible permit, expired first if its window has passed (so every read sees the truth). */
  get(id: string, c: Caller | null): Permit {
    let p = this.repo.get(id);
    if (!p || (c && !c.scope.can(p.enterpriseId))) throw PermitErrors.notFound({ permitId: id });
    const now = this.clock.now();
    if (sm.shouldExpire(p, now)) p = this.persist(p, sm.expire(p, now), 'expired', null, 'window ended');
    return p;
  }

  list(c: Caller, state: PermitState | undefined, limit = 100): Permit[] {
    return this.repo.list([...c.scope.enterpriseIds], state, limit);
  }

  /** Gas tests of a permit the caller has already been shown (no second tenancy check). */
  gasTestsOf(permitId: string): GasTest[] {
    return this.repo.gasTests(permitId);
  }

  detail(id: string, c: Caller) {
    const p = this.get(id, c);
    return {
      permit: p,
      gasTests: this.repo.gasTests(id),
      history: this.repo.historyOf(id),
      gaps: this.repo.gaps(id),
    };
  }

  submit(id: string, c: Caller): Permit {
    const p = this.get(id, c);
    const next = sm.submit(p, this.actor(c), this.clock.now());
    this.assertCertified(p);
    return this.persist(p, next, 'submitted', c.principal.userId, null);
  }

  approve(id: string, c: Caller): Permit {
    const p = this.get(id, c);
    const next = sm.approve(p, this.actor(c), this.clock.now());
    return this.persist(p, next, 'approved', c.principal.userId, null);
  }

  reject(id: string, c: Caller, reason: string): Permit {
    const p = this.get(id, c);
    return this.persist(
      p,
      sm.reject(p, this.actor(c), this.clock.now()),
      'rejected',
      c.principal.userId,
      reason,
    );
  }

  start(id: string, c: Caller): Permit {
    const p = this.get(id, c);
    const next = sm.start(p, this.work(p, c));
    this.assertCertified(p);
    return this.persist(p, next, 'started', c.principal.userId, null);
  }

  suspend(id: string, c: Caller | null, cause: SuspendCause): Permit {
    const p = this.get(id, c);
    const next = sm.suspend(p, this.clock.now(), cause);
    const cameraId = cause.kind === 'monitoring_lost' ? cause.cameraId : undefined;
    return this.persist(p, next, 'suspended', c?.principal.userId ?? null, next.suspendReason, cameraId);
  }

  resume(id: string, c: Caller | null, cameraId?: string): Permit {
    const p = this.get(id, c);
    const next = sm.resume(p, this.work(p, c));
    this.assertCertified(p);
    return this.persist(p, next, 'resumed', c?.principal.userId ?? null, null, cameraId);
  }

  complete(id: string, c: Caller): Permit {
    const p = this.get(id, c);
    const next = sm.complete(p, this.actor(c), this.clock.now(), this.ports.peopleInside(p.id));
    return this.persist(p, next, 'completed', c.principal.userId, null);
  }

  revoke(id: string, c: Caller, reason: string): Permit {
    const p = this.get(id, c);
    return this.persist(p, sm.revoke(p, this.clock.now(), reason), 'revoked', c.principal.userId, reason);
  }

  /**
   * The periodic sweep: expires permits whose window has passed, and suspends active work of a kind
   * with continuous gas monitoring (受限空间: logged ≥ every 2 h, 13号令) when none was logged in time.
   */
  sweep(): { expired: number; gasOverdue: number } {
    return sweepPermits(this.repo, this.clock.now(), (p, next, action, reason) =>
      this.persist(p, next, action, null, reason),
    );
  }

  /** Has the permit a passing gas test today (local day) and no failure since? (scan on an active permit) */
  gasTestedToday(p: Permit, now: number): boolean {
    return gasTestedToday(this.repo.gasTests(p.id), now, this.config.permits.night.utcOffsetMinutes);
  }

  activePermits(): Permit[] {
    return KINDS.list.flatMap((k) => this.repo.active(k.id));
  }

  /** Permits binding a camera / machine / lock; those past their window only when asked for. */
  boundTo(
    kind: 'camera' | 'machine' | 'lock',
    ref: string,
    states: readonly PermitState[],
    includeOverdue = false,
  ): Permit[] {
    const now = this.clock.now();
    return this.repo.boundTo(kind, ref, states).filter((p) => includeOverdue || !sm.shouldExpire(p, now));
  }

  setAuthority(c: Caller, username: string, authority: Authority): void {
    const u = this.approverIn(c, username);
    this.repo.setAuthority(u.userId, authority, c.principal.userId, this.clock.now());
  }

  /** The approver's authority now (null: none granted yet), for the admin screen. */
  authorityOf(c: Caller, username: string): Authority | null {
    return this.repo.authorityOf(this.approverIn(c, username).userId);
  }

  private approverIn(c: Caller, username: string) {
    const u = this.users.byUsername(username);
    if (!u || u.role !== 'approver' || !c.scope.can(u.enterpriseId))
      throw PermitInputErrors.badApprover({ username });
    return u;
  }

  assignGuardian(id: string, c: Caller, username: string): Permit {
    const p = this.get(id, c);
    if (sm.isTerminal(p.state))
      throw PermitErrors.badTransition({ permitId: id, state: p.state, action: 'assignGuardian' });
    const next = { ...p, guardianUserId: this.guardianId(username, p.enterpriseId) };
    this.bus.transaction(() => this.repo.update(next, this.clock.now()));
    return next;
  }

  /**
   * 持证上岗: every worker holds a valid card (in date, review not overdue) for each category the
   * kind requires, checked at submit and again at start and resume (a card may lapse in between).
   * Runs after the state machine, so a wrong state is still answered as such.
   */
  private assertCertified(p: Permit): void {
    const required = KINDS.kindOf(p.kind).certificates;
    if (required.length === 0 || p.workers.length === 0) return;
    const certs = this.ports.certificatesOf(
      p.workers.map((w) => w.userId),
      required,
    );
    const problems = uncertifiedWorkers(p.workers, required, certs, this.clock.now());
    if (problems.length > 0) throw PermitErrors.workerUncertified({ permitId: p.id, workers: problems });
  }

  actor(c: Caller) {
    const { userId, username } = c.principal;
    return { userId, username, authority: this.repo.authorityOf(userId) };
  }

  work(p: Permit, c: Caller | null) {
    const actor = c ? this.actor(c) : { userId: 0, username: 'system' };
    return {
      now: this.clock.now(),
      actor,
      gasTests: this.repo.gasTests(p.id),
      camerasDown: this.ports.camerasDown(p),
      linked: this.linkedOf(p),
    };
  }

  /** Writes the new state, its history row and its event in one transaction. */
  persist(
    p: Permit,
    next: Permit,
    action: PermitAction,
    userId: number | null,
    reason: string | null,
    cameraId?: string,
  ): Permit {
    const now = this.clock.now();
    this.bus.transaction(() => {
      this.repo.update(next, now);
      this.repo.history(p.id, action, p.state, next.state, userId, reason, now);
      this.bus.publish(
        `permit.${action}`,
        p.enterpriseId,
        permitEventPayload(next, p.state, userId, reason, cameraId),
      );
      // 交叉作业: work inside a host (动火 in a 受限空间) stops when the host stops being active
      if (p.state === 'active' && next.state !== 'active')
        for (const w of activeEnclosedBy(next, this.linkedOf(next)))
          this.persist(
            w,
            sm.suspend(w, now, { kind: 'host_suspended', hostPermitId: next.id, hostNumber: next.number }),
            'suspended',
            null,
            'host_suspended',
          );
    });
    return next;
  }
}
