import { describe, expect, it } from 'vitest';
import { ChainApplier, type RawMessage } from '../../src/hub/ingest/apply.ts';
import type { IngestRepo } from '../../src/hub/store/ingest.repo.ts';
import type { BoxHead } from '../../src/platform/events/hub-wire.ts';
import { SimBox } from '../helpers/hub-sim.ts';

/** The chain rules on an in-memory stand-in for the hub's repository (the SQL is tested in integration). */
function memoryRepo() {
  const heads = new Map<string, BoxHead>();
  const events = new Map<string, string>();
  const held = new Map<string, RawMessage>();
  const alarms: { kind: string; code: string; seq: number }[] = [];
  const repo = {
    head: async (b: string) => heads.get(b),
    heldHash: async (b: string, s: number) => events.get(`${b}/${s}`),
    insertEvent: async (b: string, e: { seq: number; hash: string }) =>
      void events.set(`${b}/${e.seq}`, e.hash),
    setHead: async (b: string, h: BoxHead) => void heads.set(b, h),
    hold: async (b: string, s: number, subject: string, body: string) =>
      void held.set(`${b}/${s}`, { subject, body }),
    holdsAny: async (b: string) => [...held.keys()].some((k) => k.startsWith(`${b}/`)),
    takeHeld: async (b: string, s: number) => {
      const m = held.get(`${b}/${s}`);
      held.delete(`${b}/${s}`);
      return m;
    },
    alarm: async (a: { kind: string; code: string; seq: number }) =>
      void alarms.push({ kind: a.kind, code: a.code, seq: a.seq }),
    permitState: async () => {},
    cameraHealth: async () => {},
    violation: async () => {},
    evidenceOfViolation: async () => {},
    hazard: async () => {},
  };
  return { repo: repo as unknown as IngestRepo, heads, events, held, alarms };
}

const raw = (m: { subject: string; body: string }): RawMessage => ({ subject: m.subject, body: m.body });
const registry = new Map([['box-a', new Set(['ent-a'])]]);

describe('hub chain rules', () => {
  it('holds entries behind a hole and applies them in order once it is filled', async () => {
    const mem = memoryRepo();
    const box = new SimBox('box-a', ['ent-a']);
    const [m1, m2, m3, m4] = [1, 2, 3, 4].map((i) => box.next('machine.scanned', 'ent-a', { scanId: i }));
    const apply = new ChainApplier(mem.repo, registry);
    expect(await apply.apply(raw(m1!))).toBe('applied');
    expect(await apply.apply(raw(m4!))).toBe('held');
    expect(await apply.apply(raw(m3!))).toBe('held');
    expect(mem.alarms).toEqual([
      { kind: 'gap', code: 'gap', seq: 2 },
      { kind: 'gap', code: 'gap', seq: 2 },
    ]);
    expect(await apply.apply(raw(m2!))).toBe('applied');
    await apply.finish();
    expect(mem.heads.get('box-a')!.seq).toBe(4);
    expect(mem.held.size).toBe(0);
    expect(await apply.apply(raw(m3!))).toBe('duplicate');
  });

  it('refuses a fork, a foreign enterprise, an unknown box and a tampered body, and keeps the head', async () => {
    const mem = memoryRepo();
    const box = new SimBox('box-a', ['ent-a']);
    const apply = new ChainApplier(mem.repo, registry);
    await apply.apply(raw(box.next('machine.scanned', 'ent-a', { scanId: 1 })));
    expect(await apply.apply(raw(box.forkNext('machine.scanned', 'ent-a', {})))).toBe('fork');
    expect(await apply.apply(raw(box.peekNext('permit.started', 'ent-b', {})))).toBe('refused');
    const stranger = new SimBox('box-z', ['ent-a']);
    expect(await apply.apply(raw(stranger.next('machine.scanned', 'ent-a', {})))).toBe('refused');
    const good = box.peekNext('machine.scanned', 'ent-a', { scanId: 2 });
    expect(
      await apply.apply({ subject: good.subject, body: good.body.replace('"scanId\\":2', '"scanId\\":3') }),
    ).toBe('refused');
    expect(mem.alarms.map((a) => a.code)).toEqual([
      'fork',
      'foreign_enterprise',
      'unknown_box',
      'payload_mismatch',
    ]);
    await apply.finish();
    expect(mem.heads.get('box-a')!.seq).toBe(1);
    // an entry already held with another hash is a fork too, not a duplicate
    const again = new ChainApplier(mem.repo, registry);
    const first = box.sent[0]!;
    const other = { ...JSON.parse(first.body), entry: { ...first.entry, hash: 'e'.repeat(64) } };
    expect(await again.apply({ subject: first.subject, body: JSON.stringify(other) })).toBe('refused'); // its own hash is wrong
  });
});
