import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

const run = promisify(execFile);

export interface Cred {
  username: string;
  secret: string;
}

/** A real `mqtt` client as a device (its credential, its client id unless told otherwise) or anonymous. */
export async function connectAs(
  url: string,
  cred: Cred | null,
  over: IClientOptions = {},
): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    reconnectPeriod: 0,
    connectTimeout: 3000,
    ...(cred ? { clientId: cred.username, username: cred.username, password: cred.secret } : {}),
    ...over,
  });
}

/** Resolves when the client's connection ends (the broker closed it) within `ms`, else false. */
export const closedWithin = (c: MqttClient, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (!c.connected) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    c.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

/** Debian's mosquitto_sub / mosquitto_pub as a plant user would run them; never throws. */
export async function mosquitto(
  tool: 'mosquitto_sub' | 'mosquitto_pub',
  port: string,
  args: string[],
  timeoutS = 3,
): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(tool, ['-h', '127.0.0.1', '-p', port, ...args], {
      timeout: (timeoutS + 2) * 1000,
    });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof err.code === 'number' ? err.code : 1,
      out: (err.stdout ?? '') + (err.stderr ?? ''),
    };
  }
}
