import type { Box } from '../../vision/detect/types.ts';
import type { RulesConfig } from './config.schema.ts';
import { Debounce } from './debounce.ts';
import { resolveRules, type RuleName, type RuleParams } from './defaults.ts';
import { RULES, type Rule } from './rules.ts';
import type { RuleEvent, RuleFrame, RuleViolation } from './types.ts';

interface Recent {
  type: RuleViolation['type'];
  box: Box;
  endTs: number;
}

interface Subject {
  rule: Rule;
  deb: Debounce;
  violation: RuleViolation | null;
  lastUpdateTs: number;
  /** set while this subject's violation is suppressed as a duplicate of a recent one */
  suppressedBy?: Recent | null;
}

export interface RuleStatus {
  name: RuleName;
  enabled: boolean;
  /** why an enabled rule cannot fire right now (e.g. the model for its labels is not loaded) */
  inactiveReason: string | null;
}

/**
 * Runs every enabled rule over the frames of ONE camera and turns observations into violation
 * lifecycle events (started / updated every `updateEveryMs` while active / ended). Pure and
 * synchronous: the pipeline feeds it frames in time order.
 */
export class RuleEngine {
  private readonly params: Record<RuleName, RuleParams>;
  private readonly subjects = new Map<string, Subject>();
  private lastStatus: RuleStatus[] = [];
  /** per-person violations that ended recently (fragmentation guard) */
  private recent: Recent[] = [];

  constructor(
    readonly cameraId: string,
    scopes: (Partial<RulesConfig> | undefined)[],
    private readonly updateEveryMs = 10_000,
  ) {
    this.params = resolveRules(...scopes);
  }

  paramsOf(name: RuleName): RuleParams {
    return this.params[name];
  }

  status(): RuleStatus[] {
    return this.lastStatus;
  }

  active(): RuleViolation[] {
    return [...this.subjects.values()].flatMap((s) => (s.violation ? [s.violation] : []));
  }

  process(frame: RuleFrame): RuleEvent[] {
    const out: RuleEvent[] = [];
    const status: RuleStatus[] = [];
    for (const rule of RULES) {
      const p = this.params[rule.name];
      const missing = rule.needs.find((group) => !group.some((l) => frame.labels.has(l)));
      let reason: string | null = null;
      if (missing) reason = `no detector provides ${missing.join('/')} 无可用模型`;
      else if (rule.name === 'guardianAbsent' && !frame.zones.some((z) => z.kind === 'guardian_post'))
        reason = 'no guardian_post zone on this camera 未设置监护位';
      status.push({ name: rule.name, enabled: p.enabled, inactiveReason: p.enabled ? reason : null });
      if (!p.enabled || missing) continue;
      const obs = rule.observe(frame, p);
      const seen = new Set(obs.map((o) => `${rule.type}:${o.subject}`));
      for (const o of obs) {
        const key = `${rule.type}:${o.subject}`;
        let s = this.subjects.get(key);
        if (!s) {
          if (!o.value) continue; // nothing to remember about a subject that never showed the condition
          s = { rule, deb: new Debounce(p), violation: null, lastUpdateTs: frame.ts };
          this.subjects.set(key, s);
        }
        const r = s.deb.observe(frame.ts, o.value);
        if (r === 'start') {
          const v: RuleViolation = {
            key,
            type: rule.type,
            severity: p.severity,
            cameraId: this.cameraId,
            trackId: o.trackId,
            zoneId: o.zoneId,
            startTs: s.deb.since ?? frame.ts,
            lastTs: frame.ts,
            endTs: null,
            box: o.box,
            detail: o.detail ?? {},
          };
          s.lastUpdateTs = frame.ts;
          const e = this.startOrContinue(s, v, seen, p.cooldownMs);
          if (e) out.push(e);
        } else if (r === 'end') this.push(out, this.ended(s));
        else if (s.violation && o.value) {
          s.violation.lastTs = frame.ts;
          s.violation.box = o.box;
          if (o.zoneId) s.violation.zoneId = o.zoneId;
          if (o.detail) s.violation.detail = o.detail;
          if (frame.ts - s.lastUpdateTs >= this.updateEveryMs) {
            s.lastUpdateTs = frame.ts;
            out.push({ kind: 'updated', violation: { ...s.violation } });
          }
        }
      }
    }
    this.lastStatus = status;
    out.push(...this.sweep(frame.ts));
    return out;
  }

  /** Ends violations whose subject has not shown the condition for clearMs (incl. people who left). */
  sweep(ts: number): RuleEvent[] {
    const out: RuleEvent[] = [];
    this.recent = this.recent.filter((r) => ts - r.endTs < 3_600_000);
    for (const [key, s] of this.subjects) {
      if (s.deb.check(ts) === 'end') this.push(out, this.ended(s));
      // forget subjects that are idle and unseen for a minute (bounded memory on a busy camera)
      if (!s.violation && s.deb.idle(ts) && ts - s.deb.lastSeenTs > 60_000) this.subjects.delete(key);
    }
    return out;
  }

  /** Ends everything now (camera stopped or went offline). */
  endAll(ts: number): RuleEvent[] {
    const out: RuleEvent[] = [];
    for (const s of this.subjects.values()) if (s.deb.end(ts) === 'end') this.push(out, this.ended(s));
    return out;
  }

  private ended(s: Subject): RuleEvent | null {
    const v = s.violation;
    if (!v) {
      // a suppressed duplicate: it extends the quiet period of the violation it duplicated
      const r = this.recent.find((x) => x === s.suppressedBy);
      if (r) r.endTs = s.deb.lastTrueTs ?? r.endTs;
      s.suppressedBy = null;
      return null;
    }
    v.endTs = s.deb.lastTrueTs ?? v.lastTs;
    s.violation = null;
    if (v.trackId !== null && v.box) this.recent.push({ type: v.type, box: v.box, endTs: v.endTs });
    return { kind: 'ended', violation: { ...v } };
  }

  private push(out: RuleEvent[], e: RuleEvent | null): void {
    if (e) out.push(e);
  }

  /**
   * Track fragmentation guard (per-person rules): a "new" person who shows the same violation where
   * an unseen track just had it is the same person after an occlusion the tracker could not bridge.
   * An active violation is handed over to the new track (one 'updated', no new alarm); one that ended
   * within the cooldown suppresses the new one. People elsewhere in the picture are unaffected.
   */
  private startOrContinue(
    s: Subject,
    v: RuleViolation,
    seen: Set<string>,
    cooldownMs: number,
  ): RuleEvent | null {
    if (v.trackId !== null && v.box) {
      const box = v.box;
      for (const [key, other] of this.subjects) {
        const ov = other.violation;
        if (other === s || !ov || ov.type !== v.type || seen.has(key) || !ov.box || !near(ov.box, box))
          continue;
        s.violation = { ...ov, trackId: v.trackId, box, lastTs: v.lastTs, zoneId: v.zoneId ?? ov.zoneId };
        other.violation = null;
        other.deb.end(v.lastTs);
        return { kind: 'updated', violation: { ...s.violation } };
      }
      this.recent = this.recent.filter((r) => v.lastTs - r.endTs < cooldownMs);
      const dup = this.recent.find((r) => r.type === v.type && near(r.box, box));
      if (dup) {
        s.suppressedBy = dup;
        return null;
      }
    }
    s.violation = v;
    return { kind: 'started', violation: { ...v } };
  }
}

const near = (a: Box, b: Box): boolean => {
  const d = Math.hypot((a[0] + a[2] - b[0] - b[2]) / 2, (a[1] + a[3] - b[1] - b[3]) / 2);
  return d <= 0.75 * Math.max(a[3] - a[1], b[3] - b[1]);
};
