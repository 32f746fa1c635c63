import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import {
  commandKey,
  deviceTopics,
  deviceUsername,
  verifyCommand,
  type SignedCommand,
} from '../src/platform/mqtt/device-identity.ts';

/**
 * Simulated 加芯赋码 welding-machine chip and 加锁赋码 smart padlock, talking to the service over MQTT
 * exactly as the hardware would:
 *   chip → `<prefix>/<site>/machines/<id>/telemetry` {powered, currentA, authorisation?}
 *   lock → `<prefix>/<site>/locks/<id>/event` {event: opened|closed, grantId?}
 * and obeying the service's commands (`…/command`): power_off stops the arc; unlock opens the lock
 * with the grant it carries (as a real padlock releases its key against an approved permit).
 * Each device logs in with its own credential (issued by POST /api/machines/:id/mqtt-credential and
 * /api/locks/:id/mqtt-credential; client id = username) and obeys only a command whose signature,
 * device, expiry and sequence it verifies (#23); a refused command is logged with why.
 */
export interface DeviceCredential {
  username: string;
  secret: string;
}
export interface ChipsSimOptions {
  url: string;
  prefix: string;
  site: string;
  machine: string;
  lock: string | null;
  scenario: 'demo' | 'no-permit' | 'lock-breach';
  authorisation: string | null;
  intervalMs: number;
  ticks: number;
  log: (line: string) => void;
  /** the chip's credential (required by the service's broker) */
  machineCredential: DeviceCredential | null;
  /** the padlock's credential (its own connection) */
  lockCredential: DeviceCredential | null;
  /** CA certificate to trust for mqtts:// (a self-signed plant broker) */
  ca?: Buffer;
  /** the device's clock (tests with a fake service clock pass theirs) */
  now?: () => number;
}

export interface ChipsSim {
  done: Promise<void>;
  /** commands refused, with why (bad_signature, expired, replayed, wrong_device, unsigned) */
  refused: { topic: string; why: string }[];
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startChipsSim(o: ChipsSimOptions): Promise<ChipsSim> {
  const now = o.now ?? Date.now;
  const connect = (cred: DeviceCredential | null, fallbackId: string) =>
    mqtt.connectAsync(o.url, {
      clientId: cred?.username ?? fallbackId,
      ...(cred ? { username: cred.username, password: cred.secret } : {}),
      ...(o.ca ? { ca: o.ca } : {}),
      reconnectPeriod: 0,
    });
  const chip: MqttClient = await connect(o.machineCredential, `jianhu-sim-chip-${process.pid}-${Date.now()}`);
  // the padlock is a device of its own: its own credential, its own connection
  const lock: MqttClient | null = o.lock
    ? o.lockCredential
      ? await connect(o.lockCredential, deviceUsername('lock', o.lock))
      : chip
    : null;
  // the same topics the broker's ACL allows each device (device-identity.ts deviceTopics)
  const machineTopics = deviceTopics(o.prefix, { kind: 'machine', id: o.machine, siteId: o.site });
  const lockTopics = o.lock ? deviceTopics(o.prefix, { kind: 'lock', id: o.lock, siteId: o.site }) : null;
  const refused: ChipsSim['refused'] = [];
  const lastSeq = new Map<string, number>();
  let eventSeq = now();
  let arcAllowed = true;
  let stopped = false;
  const send = async (c: MqttClient, topic: string, body: object) => {
    await c.publishAsync(topic, JSON.stringify(body), { qos: 1 });
    o.log(`→ ${topic} ${JSON.stringify(body)}`);
  };
  /** What the firmware checks before it obeys: signed with its key, for it, in time, never seen. */
  const verified = (topic: string, cred: DeviceCredential | null, cmd: SignedCommand): boolean => {
    if (!cred) {
      refused.push({ topic, why: 'no credential to verify with' });
      return false;
    }
    const v = verifyCommand(
      commandKey(cred.secret),
      cred.username,
      cmd,
      now(),
      lastSeq.get(cred.username) ?? 0,
    );
    if (v !== 'ok') {
      refused.push({ topic, why: v });
      o.log(`✗ ${topic} refused 拒绝执行: ${v}`);
      return false;
    }
    lastSeq.set(cred.username, cmd.seq);
    return true;
  };
  const onMessage = (topic: string, payload: Buffer) => {
    let cmd: SignedCommand;
    try {
      cmd = JSON.parse(payload.toString()) as SignedCommand;
    } catch {
      return;
    }
    o.log(`← ${topic} ${payload.toString()}`);
    if (topic === machineTopics.command && cmd.action === 'power_off') {
      if (verified(topic, o.machineCredential, cmd)) arcAllowed = false;
    }
    if (lock && lockTopics && topic === lockTopics.command && cmd.action === 'unlock') {
      if (!verified(topic, o.lockCredential, cmd)) return;
      const grantId = cmd.ref;
      void (async () => {
        await sleep(o.intervalMs);
        await send(lock, lockTopics.publish, { event: 'opened', grantId, seq: ++eventSeq });
      })();
    }
  };
  chip.on('message', onMessage);
  await chip.subscribeAsync(machineTopics.command, { qos: 1 });
  if (lock && lockTopics) {
    if (lock !== chip) lock.on('message', onMessage);
    await lock.subscribeAsync(lockTopics.command, { qos: 1 });
  }

  const run = async () => {
    if (o.scenario === 'lock-breach') {
      if (!lockTopics) throw new Error('lock-breach needs --lock');
      await send(lock!, lockTopics.publish, { event: 'opened', seq: ++eventSeq });
      return;
    }
    const auth = o.scenario === 'demo' && o.authorisation ? { authorisation: o.authorisation } : {};
    await send(chip, machineTopics.publish, { powered: true, currentA: 0, ...auth });
    for (let i = 0; i < o.ticks && !stopped; i++) {
      await sleep(o.intervalMs);
      // a real arc wanders between 80 and 160 A; after power_off the contactor drops it to 0
      const currentA = arcAllowed ? Math.round(80 + Math.random() * 80) : 0;
      await send(chip, machineTopics.publish, { powered: arcAllowed, currentA });
    }
    await send(chip, machineTopics.publish, { powered: false, currentA: 0 });
  };
  const done = run();
  return {
    done,
    refused,
    async stop() {
      stopped = true;
      await done.catch(() => undefined);
      await chip.endAsync();
      if (lock && lock !== chip) await lock.endAsync();
    },
  };
}

/**
 * Credentials come from the environment, never the command line (where `ps` would show them):
 * JIANHU_MACHINE_SECRET and JIANHU_LOCK_SECRET, as issued by the admin API.
 */
export function parseChipsSimArgs(args: string[], env: NodeJS.ProcessEnv = process.env): ChipsSimOptions {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
      prefix: { type: 'string', default: 'jianhu' },
      site: { type: 'string' },
      machine: { type: 'string' },
      lock: { type: 'string' },
      scenario: { type: 'string', default: 'demo' },
      authorisation: { type: 'string' },
      'interval-ms': { type: 'string', default: '1000' },
      ticks: { type: 'string', default: '10' },
      ca: { type: 'string' },
    },
    strict: true,
  });
  const scenario = values.scenario as ChipsSimOptions['scenario'];
  if (!['demo', 'no-permit', 'lock-breach'].includes(scenario))
    throw new Error(`unknown scenario ${scenario}`);
  if (!values.site || !values.machine) throw new Error('--site and --machine are required');
  const intervalMs = Number(values['interval-ms']);
  const ticks = Number(values.ticks);
  if (
    !(intervalMs >= 10 && intervalMs <= 60_000) ||
    !(Number.isInteger(ticks) && ticks >= 0 && ticks <= 100_000)
  )
    throw new Error('--interval-ms 10..60000, --ticks 0..100000');
  return {
    url: values.url!,
    prefix: values.prefix!,
    site: values.site,
    machine: values.machine,
    lock: values.lock ?? null,
    scenario,
    authorisation: values.authorisation ?? null,
    intervalMs,
    ticks,
    log: (line) => process.stdout.write(line + '\n'),
    machineCredential: env.JIANHU_MACHINE_SECRET
      ? { username: deviceUsername('machine', values.machine), secret: env.JIANHU_MACHINE_SECRET }
      : null,
    lockCredential:
      values.lock && env.JIANHU_LOCK_SECRET
        ? { username: deviceUsername('lock', values.lock), secret: env.JIANHU_LOCK_SECRET }
        : null,
    ...(values.ca ? { ca: readFileSync(values.ca) } : {}),
  };
}
