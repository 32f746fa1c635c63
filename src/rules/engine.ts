import type { RulesConfig } from './config.schema.ts';
import { Debounce } from './debounce.ts';
import { resolveRules, type RuleName, type RuleParams } from './defaults.ts';
import { RULES, type Rule } from './rules.ts';
import type { RuleEvent, RuleFrame, RuleViolation } from './types.ts';

interface Subject {
  rule: Rule;
  deb: Debounce;
  violation: RuleViolation | null;
  lastUpdateTs: number;
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
      for (const o of rule.observe(frame, p)) {
        const key = `${rule.type}:${o.subject}`;
        let s = this.subjects.get(key);
        if (!s) {
          if (!o.value) continue; // nothing to remember about a subject that never showed the condition
          s = { rule, deb: new Debounce(p), violation: null, lastUpdateTs: frame.ts };
          this.subjects.set(key, s);
        }
        const r = s.deb.observe(frame.ts, o.value);
        if (r === 'start') {
          s.violation = {
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
          out.push({ kind: 'started', violation: { ...s.violation } });
        } else if (r === 'end') out.push(this.ended(s));
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
    for (const [key, s] of this.subjects) {
      if (s.deb.check(ts) === 'end') out.push(this.ended(s));
      // forget subjects that are idle and unseen for a minute (bounded memory on a busy camera)
      if (!s.violation && s.deb.idle(ts) && ts - s.deb.lastSeenTs > 60_000) this.subjects.delete(key);
    }
    return out;
  }

  /** Ends everything now (camera stopped or went offline). */
  endAll(ts: number): RuleEvent[] {
    const out: RuleEvent[] = [];
    for (const s of this.subjects.values()) if (s.deb.end(ts) === 'end') out.push(this.ended(s));
    return out;
  }

  private ended(s: Subject): RuleEvent {
    const v = s.violation!;
    v.endTs = s.deb.lastTrueTs ?? v.lastTs;
    s.violation = null;
    return { kind: 'ended', violation: { ...v } };
  }
}
