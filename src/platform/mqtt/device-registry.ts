import { randomBytes } from 'node:crypto';
import type { Clock } from '../shared/clock.ts';
import type { Db } from '../store/db.ts';
import {
  commandKey,
  deviceUsername,
  hashSecret,
  parseDeviceUsername,
  secretMatches,
  signCommand,
  type DeviceIdentity,
  type DeviceKind,
  type SignedCommand,
} from './device-identity.ts';

export interface DeviceCredentialStatus {
  username: string;
  issuedAt: number;
  revokedAt: number | null;
}

interface Row {
  kind: DeviceKind;
  device_id: string;
  site_id: string;
  enterprise_id: string;
  secret_hash: string;
  command_key: string;
  issued_at: number;
  revoked_at: number | null;
}

/**
 * The MQTT credentials of chips and locks (table mqtt_devices). It lives on the platform because the
 * embedded broker, which starts before any context, asks it who a CONNECT is; the work context issues
 * and revokes through it. Issuing again replaces the old secret; both issuing and revoking end the
 * device's live connection (listeners registered with onChange).
 */
export class DeviceRegistry {
  private readonly listeners: ((username: string) => void)[] = [];
  private lastCommandSeq = 0;
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** A fresh secret for the device; the caller shows it once, the registry keeps only derivations. */
  issue(d: DeviceIdentity, issuedBy: number | null): { username: string; secret: string } {
    const secret = randomBytes(32).toString('base64url');
    this.db
      .prepare(
        `INSERT INTO mqtt_devices (kind, device_id, site_id, enterprise_id, secret_hash, command_key,
           issued_at, issued_by, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)
         ON CONFLICT (kind, device_id) DO UPDATE SET site_id = excluded.site_id,
           enterprise_id = excluded.enterprise_id, secret_hash = excluded.secret_hash,
           command_key = excluded.command_key, issued_at = excluded.issued_at,
           issued_by = excluded.issued_by, revoked_at = NULL`,
      )
      .run(
        d.kind,
        d.id,
        d.siteId,
        d.enterpriseId,
        hashSecret(secret),
        commandKey(secret),
        this.clock.now(),
        issuedBy,
      );
    const username = deviceUsername(d.kind, d.id);
    this.changed(username);
    return { username, secret };
  }

  /** Revokes the device's credential; false when it had none (or it was already revoked). */
  revoke(kind: DeviceKind, id: string): boolean {
    const n = this.db
      .prepare(
        'UPDATE mqtt_devices SET revoked_at = ? WHERE kind = ? AND device_id = ? AND revoked_at IS NULL',
      )
      .run(this.clock.now(), kind, id).changes;
    if (n > 0) this.changed(deviceUsername(kind, id));
    return n > 0;
  }

  status(kind: DeviceKind, id: string): DeviceCredentialStatus | null {
    const r = this.row(kind, id);
    return r ? { username: deviceUsername(kind, id), issuedAt: r.issued_at, revokedAt: r.revoked_at } : null;
  }

  /** Every credential (live or revoked) of devices in these enterprises, for the admin page. */
  list(
    enterpriseIds: readonly string[],
  ): (DeviceCredentialStatus & { kind: DeviceKind; deviceId: string })[] {
    if (enterpriseIds.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT * FROM mqtt_devices WHERE enterprise_id IN (${enterpriseIds.map(() => '?').join(',')})
         ORDER BY kind, device_id`,
      )
      .all(...enterpriseIds) as Row[];
    return rows.map((r) => ({
      kind: r.kind,
      deviceId: r.device_id,
      username: deviceUsername(r.kind, r.device_id),
      issuedAt: r.issued_at,
      revokedAt: r.revoked_at,
    }));
  }

  /** The device behind a CONNECT's username and password, or null (unknown, revoked, wrong secret). */
  authenticate(username: string | undefined, password: Buffer | undefined): DeviceIdentity | null {
    const who = username ? parseDeviceUsername(username) : null;
    if (!who || !password) return null;
    const r = this.row(who.kind, who.id);
    if (!r || r.revoked_at !== null || !secretMatches(password.toString('utf8'), r.secret_hash)) return null;
    return { kind: r.kind, id: r.device_id, siteId: r.site_id, enterpriseId: r.enterprise_id };
  }

  /** The key the service signs this device's commands with; null when it has no live credential. */
  commandKeyOf(kind: DeviceKind, id: string): string | null {
    const r = this.row(kind, id);
    return r && r.revoked_at === null ? r.command_key : null;
  }

  /**
   * A command the device can verify (HMAC with its command key over device, action, reference, expiry
   * and sequence), or null when the device has no live credential. The sequence is the time in ms, or
   * one more than the last one signed: it only grows, across restarts too, so a device that keeps the
   * highest sequence it obeyed refuses every replay.
   */
  signCommand(
    kind: DeviceKind,
    id: string,
    c: { action: SignedCommand['action']; ref: string; exp: number; reason?: string },
  ): SignedCommand | null {
    const key = this.commandKeyOf(kind, id);
    if (!key) return null;
    this.lastCommandSeq = Math.max(this.clock.now(), Date.now(), this.lastCommandSeq + 1);
    return signCommand(key, { ...c, device: deviceUsername(kind, id), seq: this.lastCommandSeq });
  }

  /**
   * Accepts an event sequence number only if it is higher than any before (kept in the DB, so a
   * replay is refused after a restart too).
   */
  acceptSeq(kind: DeviceKind, id: string, seq: number): boolean {
    return (
      this.db
        .prepare('UPDATE mqtt_devices SET last_seq = ? WHERE kind = ? AND device_id = ? AND last_seq < ?')
        .run(seq, kind, id, seq).changes > 0
    );
  }

  onChange(listener: (username: string) => void): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener) >>> 0, 1);
  }

  private changed(username: string): void {
    for (const l of this.listeners) l(username);
  }

  private row(kind: DeviceKind, id: string): Row | undefined {
    return this.db.prepare('SELECT * FROM mqtt_devices WHERE kind = ? AND device_id = ?').get(kind, id) as
      Row | undefined;
  }
}
