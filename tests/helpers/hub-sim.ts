import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { JetStreamClient } from 'nats';
import { stringify } from 'yaml';
import { nextEntry, type ChainEntry } from '../../src/platform/events/chain.ts';
import { buildHubMessage } from '../../src/platform/events/hub-wire.ts';

/**
 * A simulated enterprise box for hub tests and `bench:hub`: it keeps its own audit chain exactly as a
 * box does (src/platform/events/chain.ts) and publishes each entry with hub-wire.ts, so the hub sees
 * what a real box's shipper sends; tests can also forge, skip and fork entries on purpose.
 */
export class SimBox {
  private head: ChainEntry | undefined;
  private outboxId = 0;
  /** every entry built, by seq (index seq-1) */
  readonly sent: { subject: string; msgId: string; body: string; entry: ChainEntry }[] = [];

  constructor(
    readonly boxId: string,
    readonly enterpriseIds: string[],
    readonly regionId: string | null = 'zezhou',
  ) {}

  get seq(): number {
    return this.head?.seq ?? 0;
  }

  /** the next entry of this box's chain, built (and remembered) but not published */
  next(type: string, enterpriseId: string | null, payload: unknown, occurredAt = new Date().toISOString()) {
    const payloadText = JSON.stringify(payload);
    const entry = nextEntry(this.head, {
      outboxId: ++this.outboxId,
      type,
      enterpriseId,
      occurredAt,
      payloadText,
    });
    this.head = entry;
    const b = buildHubMessage(this.boxId, this.regionId, entry, payloadText);
    const msg = { subject: b.subject, msgId: b.msgId, body: JSON.stringify(b.message), entry };
    this.sent.push(msg);
    return msg;
  }

  /** an entry at the next seq that does not continue this chain (another past): a fork */
  forkNext(type: string, enterpriseId: string | null, payload: unknown) {
    const payloadText = JSON.stringify(payload);
    const entry = nextEntry(
      { seq: this.seq, hash: 'f'.repeat(64) },
      { outboxId: this.outboxId + 1, type, enterpriseId, occurredAt: new Date().toISOString(), payloadText },
    );
    const b = buildHubMessage(this.boxId, this.regionId, entry, payloadText);
    return { subject: b.subject, msgId: `${b.msgId}:fork`, body: JSON.stringify(b.message), entry };
  }

  /** builds the next entry and rolls the chain back, so the same seq can be built again */
  peekNext(type: string, enterpriseId: string | null, payload: unknown) {
    const head = this.head;
    const outboxId = this.outboxId;
    const m = this.next(type, enterpriseId, payload);
    this.sent.pop();
    this.head = head;
    this.outboxId = outboxId;
    return m;
  }
}

export async function publish(
  js: JetStreamClient,
  m: { subject: string; msgId: string; body: string },
): Promise<void> {
  await js.publish(m.subject, m.body, { msgID: m.msgId });
}

/** a permit's life in payloads (PermitEventPayload) for simulated boxes */
export const permitPayload = (permitId: string, from: string | null, to: string, cameraIds: string[]) => ({
  permitId,
  number: `DH-${permitId}`,
  kind: 'hot_work',
  from,
  to,
  actorUserId: 1,
  reason: null,
  cameraIds,
  notifyUserIds: [],
  messageZh: `作业票 ${permitId} → ${to}`,
  message: `Permit ${permitId} → ${to}`,
});

export const healthPayload = (
  cameraId: string,
  from: string | null,
  to: string,
  since = new Date().toISOString(),
) => ({
  cameraId,
  siteId: 'site-1',
  from,
  to,
  reason: to === 'online' ? 'frames' : 'unavailable',
  message: to === 'online' ? '画面正常' : '摄像头暂不可用',
  since,
});

export const violationPayload = (violationId: number, cameraId: string, state: 'active' | 'ended') => ({
  violationId,
  cameraId,
  siteId: 'site-1',
  type: 'no_hardhat',
  typeZh: '未戴安全帽',
  severity: 'major',
  state,
  review: 'pending',
  trackId: 1,
  zoneId: null,
  startedAt: new Date().toISOString(),
  lastSeenAt: new Date().toISOString(),
  endedAt: state === 'ended' ? new Date().toISOString() : null,
  box: null,
});

export const HUB_TEST_PASSWORD = 'hub-test-password-1';

/** a hub.yaml body: zezhou has ent-a on box-a and ent-b on box-b; other-county has ent-c on box-c */
export function hubConfigInput(natsUrl: string, pgUrl: string, extra: Record<string, unknown> = {}) {
  return {
    nats: { url: natsUrl },
    store: { url: pgUrl },
    server: { port: 0, logLevel: 'silent' },
    regions: [
      { id: 'zezhou', name: '泽州县' },
      { id: 'other-county', name: '外县' },
    ],
    enterprises: [
      { id: 'ent-a', name: '甲钢铁', regionId: 'zezhou' },
      { id: 'ent-b', name: '乙铸造', regionId: 'zezhou' },
      { id: 'ent-c', name: '丙冶金', regionId: 'other-county' },
    ],
    boxes: [
      { id: 'box-a', enterpriseIds: ['ent-a'] },
      { id: 'box-b', enterpriseIds: ['ent-b'] },
      { id: 'box-c', enterpriseIds: ['ent-c'] },
    ],
    users: [
      { username: 'reg-z', displayName: '泽州监管', regionId: 'zezhou', password: HUB_TEST_PASSWORD },
      { username: 'reg-o', displayName: '外县监管', regionId: 'other-county', password: HUB_TEST_PASSWORD },
    ],
    ...extra,
  };
}

/** `jianhu hub` as a child process (for kill -9), on the given config object */
export function spawnHub(
  config: Record<string, unknown>,
  port: number,
): { proc: ChildProcess; file: string; stderr: () => string } {
  const dir = mkdtempSync(join(tmpdir(), 'jianhu-hubcfg-'));
  const file = join(dir, 'hub.yaml');
  const server = { ...(config.server as Record<string, unknown>), port };
  writeFileSync(file, stringify({ ...config, server }));
  const proc = spawn(process.execPath, [resolve('bin/jianhu.mjs'), 'hub', '--config', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  return { proc, file, stderr: () => stderr };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
