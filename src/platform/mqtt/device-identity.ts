import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Who is on the other end of an MQTT connection, and what each may touch. Pure functions: the
 * embedded broker's hooks, the service's command signing and the chip/padlock simulator (streams-sim)
 * all use them, so the device side and the service side cannot drift apart.
 */
export type DeviceKind = 'machine' | 'lock';

export interface DeviceIdentity {
  kind: DeviceKind;
  id: string;
  siteId: string;
  enterpriseId: string;
}

/** The service's own MQTT user (and client id on the embedded broker): no device may take it. */
export const SERVICE_USERNAME = 'jianhu-service';

/** A device's MQTT username, which is also the only client id it may connect with. */
export const deviceUsername = (kind: DeviceKind, id: string): string => `${kind}:${id}`;

export function parseDeviceUsername(u: string): { kind: DeviceKind; id: string } | null {
  const m = /^(machine|lock):([A-Za-z0-9][A-Za-z0-9_-]{0,63})$/.exec(u);
  return m ? { kind: m[1] as DeviceKind, id: m[2]! } : null;
}

/** The topics of one device under the configured prefix (chips.service / locks.service use the same). */
export function deviceTopics(prefix: string, d: Pick<DeviceIdentity, 'kind' | 'id' | 'siteId'>) {
  const base = `${prefix}/${d.siteId}/${d.kind === 'machine' ? 'machines' : 'locks'}/${d.id}`;
  return { publish: `${base}/${d.kind === 'machine' ? 'telemetry' : 'event'}`, command: `${base}/command` };
}

/** A command topic of any device: only the service publishes there, and never retained. */
export const isCommandTopic = (prefix: string, topic: string): boolean =>
  topic.startsWith(`${prefix}/`) && /\/(machines|locks)\/[^/]+\/command$/.test(topic);

/** The stored form of a device secret (a 256-bit random value: a fast hash is enough, no guessing). */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The key commands to a device are signed with: derived from the device's secret, so the device
 * derives it too and needs no second value provisioned; the service keeps only this derivation, never
 * the secret (a copy of the DB cannot log in as the device).
 */
export const commandKey = (secret: string): string =>
  createHmac('sha256', secret).update('jianhu:mqtt-command:v1').digest('hex');

/** A command as it travels: the grant is signed over who, what, until when and which sequence. */
export interface SignedCommand {
  action: 'unlock' | 'power_off';
  device: string;
  /** the grant this command carries out (unlock), or the permit that stopped (power_off) */
  ref: string;
  reason?: string;
  /** epoch ms after which the device must refuse it */
  exp: number;
  /** strictly increasing per device: a device refuses any sequence it has already seen */
  seq: number;
  sig: string;
}

const signingInput = (c: Omit<SignedCommand, 'sig'>) =>
  [c.device, c.action, c.ref, c.reason ?? '', c.exp, c.seq].join('\n');

export function signCommand(key: string, c: Omit<SignedCommand, 'sig'>): SignedCommand {
  return { ...c, sig: createHmac('sha256', key).update(signingInput(c)).digest('hex') };
}

export type CommandVerdict = 'ok' | 'bad_signature' | 'wrong_device' | 'expired' | 'replayed';

/** What a chip or padlock checks before it obeys (streams-sim does exactly this). */
export function verifyCommand(
  key: string,
  device: string,
  c: SignedCommand,
  now: number,
  lastSeq: number,
): CommandVerdict {
  const want = createHmac('sha256', key).update(signingInput(c)).digest();
  const got = Buffer.from(typeof c.sig === 'string' ? c.sig : '', 'hex');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return 'bad_signature';
  if (c.device !== device) return 'wrong_device';
  if (!(c.exp >= now)) return 'expired';
  if (!(c.seq > lastSeq)) return 'replayed';
  return 'ok';
}
