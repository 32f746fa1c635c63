import type { ChainEntry } from '../../platform/events/chain.ts';
import {
  isRefusal,
  linkToHead,
  parseHubMessage,
  type BoxHead,
  type HubEventMessage,
} from '../../platform/events/hub-wire.ts';
import type { IngestRepo } from '../store/ingest.repo.ts';
import { project } from './project.ts';

/** Which enterprises each box may speak for: the hub's own registry, never the box's word. */
export type BoxRegistry = ReadonlyMap<string, ReadonlySet<string>>;

export type Outcome = 'applied' | 'duplicate' | 'held' | 'refused' | 'fork';

export interface RawMessage {
  subject: string;
  body: string;
}

/** the box id a subject names (`jianhu.ev.<box>.…`), for alarms about messages that do not parse */
const subjectBox = (subject: string): string => subject.split('.')[2] ?? '?';

/**
 * Applies one message to the read model inside the caller's transaction, and answers what became of
 * it. The chain rules (issue #24): an entry must continue its box's head; one after a hole is held
 * (kept, not applied) and alarmed as a gap; one with another past is a fork, alarmed and refused; a
 * redelivered one is a no-op. A box speaking for an enterprise not registered to it is refused.
 * Each applied entry may let held ones follow it.
 */
export class ChainApplier {
  /** heads read or written in this transaction */
  private readonly heads = new Map<string, BoxHead | undefined>();
  /** boxes whose head moved in this transaction: written once, by finish() */
  private readonly moved = new Set<string>();
  /** whether a box may have held entries (asked once per box and transaction) */
  private readonly holding = new Map<string, boolean>();

  constructor(
    private readonly repo: IngestRepo,
    private readonly registry: BoxRegistry,
  ) {}

  async apply(msg: RawMessage): Promise<Outcome> {
    const checked = this.check(msg);
    if ('refused' in checked) {
      await this.repo.alarm({ kind: 'refused', ...checked.refused, subject: msg.subject });
      return 'refused';
    }
    const { m, payload } = checked;
    const head = await this.headOf(m.boxId);
    const e = m.entry;
    const link = linkToHead(
      head,
      e,
      head && e.seq <= head.seq ? await this.repo.heldHash(m.boxId, e.seq) : undefined,
    );
    switch (link.kind) {
      case 'duplicate':
        return 'duplicate';
      case 'fork':
        await this.alarm(m.boxId, 'fork', 'fork', e, msg.subject, link.detail);
        return 'fork';
      case 'gap':
        await this.repo.hold(m.boxId, e.seq, msg.subject, msg.body);
        this.holding.set(m.boxId, true);
        await this.alarm(
          m.boxId,
          'gap',
          'gap',
          { ...e, seq: link.missingFrom },
          msg.subject,
          `entries ${link.missingFrom}..${link.missingTo} missing before ${e.seq}; ${e.seq} held`,
        );
        return 'held';
      case 'append':
        await this.append(m.boxId, e, payload);
        await this.drainHeld(m.boxId);
        return 'applied';
    }
  }

  private check(
    msg: RawMessage,
  ):
    | { m: HubEventMessage; payload: unknown }
    | { refused: { boxId: string; code: string; seq: number; enterpriseId: string | null; detail: string } } {
    const parsed = parseHubMessage(msg.subject, msg.body);
    if (isRefusal(parsed))
      return {
        refused: {
          boxId: subjectBox(msg.subject),
          code: parsed.code,
          seq: 0,
          enterpriseId: null,
          detail: parsed.detail,
        },
      };
    const e = parsed.entry;
    const base = { boxId: parsed.boxId, seq: e.seq, enterpriseId: e.enterpriseId };
    const own = this.registry.get(parsed.boxId);
    if (!own)
      return {
        refused: { ...base, code: 'unknown_box', detail: `box ${parsed.boxId} is not registered at the hub` },
      };
    if (e.enterpriseId !== null && !own.has(e.enterpriseId))
      return {
        refused: {
          ...base,
          code: 'foreign_enterprise',
          detail: `box ${parsed.boxId} claims enterprise ${e.enterpriseId}, which is not registered to it`,
        },
      };
    if (Number.isNaN(Date.parse(e.occurredAt)))
      return { refused: { ...base, code: 'malformed', detail: `occurredAt ${e.occurredAt} is not a time` } };
    try {
      return { m: parsed, payload: JSON.parse(parsed.payloadText) };
    } catch {
      return { refused: { ...base, code: 'malformed', detail: 'payload is not JSON' } };
    }
  }

  private async headOf(boxId: string): Promise<BoxHead | undefined> {
    if (!this.heads.has(boxId)) this.heads.set(boxId, await this.repo.head(boxId));
    return this.heads.get(boxId);
  }

  /** Writes the heads that moved; call once, before the transaction commits. */
  async finish(): Promise<void> {
    for (const boxId of this.moved) await this.repo.setHead(boxId, this.heads.get(boxId)!);
    this.moved.clear();
  }

  private async append(boxId: string, e: ChainEntry, payload: unknown): Promise<void> {
    await this.repo.insertEvent(boxId, e, payload);
    await project(this.repo, boxId, e, payload);
    this.heads.set(boxId, { seq: e.seq, hash: e.hash });
    this.moved.add(boxId);
  }

  private async mayHold(boxId: string): Promise<boolean> {
    if (!this.holding.has(boxId)) this.holding.set(boxId, await this.repo.holdsAny(boxId));
    return this.holding.get(boxId)!;
  }

  /** Entries held behind a hole that is now filled follow, in order, through the same checks. */
  private async drainHeld(boxId: string): Promise<void> {
    if (!(await this.mayHold(boxId))) return;
    for (let guard = 0; guard < 100_000; guard++) {
      const next = (this.heads.get(boxId)?.seq ?? 0) + 1;
      const held = await this.repo.takeHeld(boxId, next);
      if (!held) return;
      const checked = this.check({ subject: held.subject, body: held.body });
      if ('refused' in checked) continue; // refused when it first came: cannot happen, but never applied
      const link = linkToHead(this.heads.get(boxId), checked.m.entry);
      if (link.kind !== 'append') {
        await this.alarm(
          boxId,
          'fork',
          'fork',
          checked.m.entry,
          held.subject,
          `held seq ${next} does not continue the head`,
        );
        return;
      }
      await this.append(boxId, checked.m.entry, checked.payload);
    }
  }

  private alarm(
    boxId: string,
    kind: 'gap' | 'fork',
    code: string,
    e: ChainEntry,
    subject: string,
    detail: string,
  ): Promise<void> {
    return this.repo.alarm({ boxId, kind, code, seq: e.seq, enterpriseId: e.enterpriseId, subject, detail });
  }
}
