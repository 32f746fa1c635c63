import { parseArgs } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';

/**
 * Simulated 加芯赋码 welding-machine chip and 加锁赋码 smart padlock, talking to the service over MQTT
 * exactly as the hardware would:
 *   chip → `<prefix>/<site>/machines/<id>/telemetry` {powered, currentA, authorisation?}
 *   lock → `<prefix>/<site>/locks/<id>/event` {event: opened|closed, grantId?}
 * and obeying the service's commands (`…/command`): power_off stops the arc; unlock opens the lock
 * with the grant it carries (as a real padlock releases its key against an approved permit).
 */
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
}

export interface ChipsSim {
  done: Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startChipsSim(o: ChipsSimOptions): Promise<ChipsSim> {
  const client: MqttClient = await mqtt.connectAsync(o.url, {
    clientId: `jianhu-sim-chip-${process.pid}-${Date.now()}`,
  });
  const machineTopic = `${o.prefix}/${o.site}/machines/${o.machine}`;
  const lockTopic = o.lock ? `${o.prefix}/${o.site}/locks/${o.lock}` : null;
  let arcAllowed = true;
  let stopped = false;
  const send = async (topic: string, body: object) => {
    await client.publishAsync(topic, JSON.stringify(body), { qos: 1 });
    o.log(`→ ${topic} ${JSON.stringify(body)}`);
  };
  client.on('message', (topic, payload) => {
    let cmd: { action?: string; grantId?: string; reason?: string };
    try {
      cmd = JSON.parse(payload.toString()) as typeof cmd;
    } catch {
      return;
    }
    o.log(`← ${topic} ${payload.toString()}`);
    if (topic === `${machineTopic}/command` && cmd.action === 'power_off') arcAllowed = false;
    if (lockTopic && topic === `${lockTopic}/command` && cmd.action === 'unlock' && cmd.grantId) {
      const grantId = cmd.grantId;
      void (async () => {
        await sleep(o.intervalMs);
        await send(`${lockTopic}/event`, { event: 'opened', grantId });
      })();
    }
  });
  await client.subscribeAsync(`${machineTopic}/command`, { qos: 1 });
  if (lockTopic) await client.subscribeAsync(`${lockTopic}/command`, { qos: 1 });

  const run = async () => {
    if (o.scenario === 'lock-breach') {
      if (!lockTopic) throw new Error('lock-breach needs --lock');
      await send(`${lockTopic}/event`, { event: 'opened' });
      return;
    }
    const auth = o.scenario === 'demo' && o.authorisation ? { authorisation: o.authorisation } : {};
    await send(`${machineTopic}/telemetry`, { powered: true, currentA: 0, ...auth });
    for (let i = 0; i < o.ticks && !stopped; i++) {
      await sleep(o.intervalMs);
      // a real arc wanders between 80 and 160 A; after power_off the contactor drops it to 0
      const currentA = arcAllowed ? Math.round(80 + Math.random() * 80) : 0;
      await send(`${machineTopic}/telemetry`, { powered: arcAllowed, currentA });
    }
    await send(`${machineTopic}/telemetry`, { powered: false, currentA: 0 });
  };
  const done = run();
  return {
    done,
    async stop() {
      stopped = true;
      await done.catch(() => undefined);
      await client.endAsync();
    },
  };
}

export function parseChipsSimArgs(args: string[]): ChipsSimOptions {
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
  };
}
