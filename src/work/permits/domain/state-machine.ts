import { describeSuspendCause, type SuspendCause } from './suspend-cause.ts';
import { KINDS, type KindRegistry } from '../../kinds/index.ts';
import { PermitErrors } from './errors.ts';
import {
  authorityCovers,
  evaluateGasAll,
  exposureLimit,
  gasRequiredBeforeStart,
  gasVerdict,
  requiredAuthority,
  retestAfterBreakMs,
} from './rules.ts';
import { assertHostsActive, gasKindsOf } from './simops.ts';
import { TERMINAL_STATES, type Actor, type GasTest, type Permit, type PermitState } from './types.ts';

/**
 * The permit state machine, pure: each function takes a permit and what the outside world says now
 * (clock, gas tests, camera liveness) and returns the next permit, or throws a coded refusal.
 *   draft → awaiting_approval → approved → active ⇄ suspended → completed
 *   any non-terminal → revoked; past its window → expired.
 */
export interface WorkContext {
  now: number;
  actor: Actor;
  gasTests: readonly GasTest[];
  /** ids of bound cameras whose monitoring is not live right now (fail closed: unknown = not live) */
  camerasDown: readonly string[];
  /** the kinds the permit's kind is looked up in (default: the registered ones) */
  kinds?: KindRegistry;
  /** the permits linked to this one, as stored now (交叉作业; default none) */
  linked?: readonly Permit[];
}

/** Does the kind, at the permit's level, require video (无监控不作业)? */
const videoRequired = (p: Permit, kinds: KindRegistry) =>
  kinds.levelRules(kinds.kindOf(p.kind), p.level).videoRequired;

function expect(p: Permit, action: string, ...states: PermitState[]): void {
  if (p.state === 'expired' && !states.includes('expired'))
    throw PermitErrors.expired({ permitId: p.id, validTo: new Date(p.validTo).toISOString() });
  if (!states.includes(p.state))
    throw PermitErrors.badTransition({ permitId: p.id, state: p.state, action, allowedFrom: states });
}

const sign = (p: Permit, role: Permit['signatures'][number]['role'], a: Actor, now: number) => [
  ...p.signatures,
  {
    role,
    userId: a.userId,
    username: a.username,
    ...(a.authority ? { authority: a.authority } : {}),
    at: now,
  },
];

export const isTerminal = (s: PermitState): boolean => TERMINAL_STATES.includes(s);

/** A non-terminal permit past its window has expired; callers apply this before any other action. */
export function shouldExpire(p: Permit, now: number): boolean {
  return !isTerminal(p.state) && now > p.validTo;
}

export function expire(p: Permit, now: number): Permit {
  if (!shouldExpire(p, now)) throw PermitErrors.badTransition({ permitId: p.id, action: 'expire' });
  return { ...p, state: 'expired', endedAt: now };
}

function assertNotExpired(p: Permit, now: number): void {
  if (p.state === 'expired' || shouldExpire(p, now))
    throw PermitErrors.expired({ permitId: p.id, validTo: new Date(p.validTo).toISOString() });
}

export function submit(p: Permit, actor: Actor, now: number, kinds: KindRegistry = KINDS): Permit {
  expect(p, 'submit', 'draft');
  assertNotExpired(p, now);
  if (p.workers.length === 0) throw PermitErrors.noWorkers({ permitId: p.id });
  if (p.cameraIds.length === 0 && videoRequired(p, kinds)) throw PermitErrors.noCamera({ permitId: p.id });
  return { ...p, state: 'awaiting_approval', signatures: sign(p, 'applicant', actor, now) };
}

export function approve(p: Permit, actor: Actor, now: number, kinds: KindRegistry = KINDS): Permit {
  expect(p, 'approve', 'awaiting_approval');
  assertNotExpired(p, now);
  const needed = requiredAuthority(p, kinds);
  if (!actor.authority || !authorityCovers(actor.authority, needed))
    throw PermitErrors.wrongAuthority({ permitId: p.id, needed, held: actor.authority ?? null });
  if (p.signatures.some((s) => s.role === 'applicant' && s.userId === actor.userId))
    throw PermitErrors.selfApproval({ permitId: p.id });
  return { ...p, state: 'approved', signatures: sign(p, 'approver', actor, now) };
}

export function reject(p: Permit, actor: Actor, now: number): Permit {
  expect(p, 'reject', 'awaiting_approval');
  return { ...p, state: 'draft', suspendReason: `rejected by ${actor.username}`, suspendedAt: now };
}

function assertWorkable(p: Permit, ctx: WorkContext, kinds: KindRegistry): void {
  assertNotExpired(p, ctx.now);
  if (ctx.now < p.validFrom)
    throw PermitErrors.outsideWindow({ permitId: p.id, validFrom: new Date(p.validFrom).toISOString() });
  if (p.guardianUserId === null && kinds.kindOf(p.kind).guardian.required)
    throw PermitErrors.noGuardian({ permitId: p.id });
  if (p.cameraIds.length === 0 && videoRequired(p, kinds)) throw PermitErrors.noCamera({ permitId: p.id });
  if (ctx.camerasDown.length > 0)
    throw PermitErrors.monitoringDown({ permitId: p.id, cameras: [...ctx.camerasDown] });
}

/** 安全措施确认: each measure is confirmed by a named person before work may start. */
export function confirmMeasure(p: Permit, index: number, actor: Actor, now: number): Permit {
  if (isTerminal(p.state))
    throw PermitErrors.badTransition({ permitId: p.id, state: p.state, action: 'confirmMeasure' });
  if (!Number.isInteger(index) || index < 0 || index >= p.measures.length)
    throw PermitErrors.noSuchMeasure({ permitId: p.id, index });
  const measures = p.measures.map((m, i) =>
    i === index ? { ...m, confirmedBy: actor.username, confirmedAt: now } : m,
  );
  return { ...p, measures };
}

/**
 * The gas rules work must meet now: the permit's kind's and, for work inside a linked host (动火 in a
 * 受限空间), the host's too — a sample needed if any rule needs one, fresh within the shortest window,
 * the latest sample re-checked against all of them, and the exposure bands (煤气 CO) bounding the
 * remaining window. `since` (resume after a long break) asks for a sample taken after it.
 */
function assertGas(
  p: Permit,
  ctx: WorkContext,
  kinds: KindRegistry,
  resume: { since: number; longBreak: boolean } | null,
): void {
  const linked = ctx.linked ?? [];
  const rules = gasKindsOf(p, linked, kinds).map((k) => kinds.kindOf(k).gas);
  const freshMs = Math.min(...rules.map((r) => r.freshMs));
  const required = rules.some((r) => gasRequiredBeforeStart(r, p));
  const after = resume?.longBreak && required ? resume.since : undefined;
  const verdict = gasVerdict(ctx.gasTests, ctx.now, after, freshMs);
  if (verdict === 'failed') throw PermitErrors.gasFailed({ permitId: p.id });
  if (verdict === 'retest')
    throw PermitErrors.gasRetestRequired({ permitId: p.id, breakMs: ctx.now - resume!.since });
  if (verdict !== 'ok') {
    if (!resume && required) throw PermitErrors.gasMissing({ permitId: p.id });
    return;
  }
  const latest = ctx.gasTests.filter((t) => t.takenAt <= ctx.now).sort((a, b) => b.takenAt - a.takenAt)[0]!;
  if (rules.length > 1) {
    const combined = evaluateGasAll(gasKindsOf(p, linked, kinds), p.lelPct, latest, kinds);
    if (!combined.passed) throw PermitErrors.gasFailed({ permitId: p.id, failures: combined.failures });
  }
  for (const rule of rules) {
    const limit = exposureLimit(rule, latest);
    if (!limit) continue;
    const windowMs = p.validTo - ctx.now;
    if (windowMs > limit.maxContinuousMs)
      throw PermitErrors.exposureTooLong({
        permitId: p.id,
        ppm: limit.ppm,
        maxMinutes: limit.maxContinuousMs / 60_000,
        windowMinutes: Math.ceil(windowMs / 60_000),
      });
    const rest = rule.exposure!.restBetweenEntriesMs;
    if (resume && ctx.now - resume.since < rest)
      throw PermitErrors.exposureRest({
        permitId: p.id,
        restMinutes: rest / 60_000,
        sinceMinutes: Math.floor((ctx.now - resume.since) / 60_000),
      });
  }
}

/**
 * 作业开始: only inside the window, every bound camera live, and — as the kind requires — a guardian,
 * a camera and a fresh passing gas test (see assertGas); work inside a linked host only while the host
 * is active. A failed latest sample refuses any kind.
 */
export function start(p: Permit, ctx: WorkContext): Permit {
  const kinds = ctx.kinds ?? KINDS;
  expect(p, 'start', 'approved');
  assertWorkable(p, ctx, kinds);
  const unconfirmed = p.measures.flatMap((m, i) => (m.confirmedBy ? [] : [i]));
  if (unconfirmed.length > 0) throw PermitErrors.measuresUnconfirmed({ permitId: p.id, unconfirmed });
  assertHostsActive(p, ctx.linked ?? [], kinds);
  assertGas(p, ctx, kinds, null);
  return {
    ...p,
    state: 'active',
    startedAt: p.startedAt ?? ctx.now,
    signatures: sign(p, 'starter', ctx.actor, ctx.now),
  };
}

export function suspend(p: Permit, now: number, cause: SuspendCause): Permit {
  expect(p, 'suspend', 'active');
  return {
    ...p,
    state: 'suspended',
    suspendedAt: now,
    suspendReason: describeSuspendCause(cause),
    suspendCause: cause,
  };
}

/**
 * 恢复作业: monitoring back, hosts active, and after a break longer than the level allows, a gas test
 * taken since; a time-limited exposure (煤气 CO bands) also needs its rest between spells.
 */
export function resume(p: Permit, ctx: WorkContext): Permit {
  const kinds = ctx.kinds ?? KINDS;
  expect(p, 'resume', 'suspended');
  assertWorkable(p, ctx, kinds);
  assertHostsActive(p, ctx.linked ?? [], kinds);
  const since = p.suspendedAt ?? ctx.now;
  assertGas(p, ctx, kinds, { since, longBreak: ctx.now - since > retestAfterBreakMs(p, kinds) });
  return { ...p, state: 'active', suspendedAt: null, suspendReason: null, suspendCause: null };
}

/** 完工验收: nobody may still be inside a confined space. */
export function complete(p: Permit, actor: Actor, now: number, peopleInside: number): Permit {
  expect(p, 'complete', 'active', 'suspended');
  if (peopleInside !== 0) throw PermitErrors.unbalanced({ permitId: p.id, peopleInside });
  return { ...p, state: 'completed', endedAt: now, signatures: sign(p, 'completion', actor, now) };
}

export function revoke(p: Permit, now: number, reason: string): Permit {
  if (isTerminal(p.state))
    throw PermitErrors.badTransition({ permitId: p.id, state: p.state, action: 'revoke' });
  return { ...p, state: 'revoked', endedAt: now, suspendReason: reason };
}
