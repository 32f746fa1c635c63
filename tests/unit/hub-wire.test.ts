import { describe, expect, it } from 'vitest';
import { nextEntry, type ChainEntry } from '../../src/platform/events/chain.ts';
import {
  boxPublishSubjects,
  buildHubMessage,
  isRefusal,
  linkToHead,
  parseHubMessage,
} from '../../src/platform/events/hub-wire.ts';

const chain = (n: number): { entry: ChainEntry; payloadText: string }[] => {
  const out: { entry: ChainEntry; payloadText: string }[] = [];
  for (let i = 1; i <= n; i++) {
    const payloadText = JSON.stringify({ permitId: i });
    const entry = nextEntry(out.at(-1)?.entry, {
      outboxId: i,
      type: 'permit.started',
      enterpriseId: 'jinfeng',
      occurredAt: `2026-12-07T00:00:0${i}.000Z`,
      payloadText,
    });
    out.push({ entry, payloadText });
  }
  return out;
};

describe('hub wire format', () => {
  it('round-trips a message and names its subject and de-duplication id', () => {
    const [first] = chain(1);
    const built = buildHubMessage('box-1', 'zezhou', first!.entry, first!.payloadText);
    expect(built.subject).toBe('jianhu.ev.box-1.jinfeng.permit.started');
    expect(built.msgId).toBe('box-1:1');
    const parsed = parseHubMessage(built.subject, JSON.stringify(built.message));
    expect(isRefusal(parsed)).toBe(false);
  });

  it('refuses a body whose subject, payload or hash was altered', () => {
    const [first] = chain(1);
    const built = buildHubMessage('box-1', null, first!.entry, first!.payloadText);
    const body = JSON.stringify(built.message);
    expect(parseHubMessage('jianhu.ev.box-1.other.permit.started', body)).toMatchObject({
      code: 'subject_mismatch',
    });
    const forged = { ...built.message, payloadText: JSON.stringify({ permitId: 99 }) };
    expect(parseHubMessage(built.subject, JSON.stringify(forged))).toMatchObject({
      code: 'payload_mismatch',
    });
    const rehomed = { ...built.message, entry: { ...built.message.entry, enterpriseId: 'other' } };
    expect(parseHubMessage('jianhu.ev.box-1.other.permit.started', JSON.stringify(rehomed))).toMatchObject({
      code: 'bad_hash',
    });
    expect(parseHubMessage(built.subject, '{')).toMatchObject({ code: 'malformed' });
  });

  it('links entries to the head: append, duplicate, gap, fork', () => {
    const [a, b, c] = chain(3);
    expect(linkToHead(undefined, a!.entry)).toEqual({ kind: 'append' });
    const head = { seq: 1, hash: a!.entry.hash };
    expect(linkToHead(head, b!.entry)).toEqual({ kind: 'append' });
    expect(linkToHead(head, a!.entry, a!.entry.hash)).toEqual({ kind: 'duplicate' });
    expect(linkToHead(head, c!.entry)).toEqual({ kind: 'gap', missingFrom: 2, missingTo: 2 });
    const other = chain(2)[1]!.entry;
    expect(linkToHead({ seq: 1, hash: 'f'.repeat(64) }, other).kind).toBe('fork');
    expect(linkToHead(head, { ...a!.entry, hash: 'e'.repeat(64) }, a!.entry.hash).kind).toBe('fork');
  });

  it('gives a box publish rights under its own id and enterprises only', () => {
    expect(boxPublishSubjects('box-1', ['jinfeng'])).toEqual([
      'jianhu.ev.box-1.jinfeng.>',
      'jianhu.ev.box-1._.>',
    ]);
  });
});
