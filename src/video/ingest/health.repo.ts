import type { Db } from '../../platform/store/db.ts';
import type { HealthState } from './types.ts';

export interface HealthRecord {
  cameraId: string;
  siteId: string;
  enterpriseId: string;
  state: HealthState;
  reason: string;
  message: string;
  sinceMs: number;
  /** null while it is the camera's current state */
  untilMs: number | null;
}

const COLS = `camera_id AS cameraId, site_id AS siteId, enterprise_id AS enterpriseId, state, reason, message,
  since_ms AS sinceMs, until_ms AS untilMs`;

/** The only SQL on camera_health_log. */
export class HealthRepo {
  constructor(private readonly db: Db) {}

  /** After a crash: close rows left open at the last time the service confirmed them. */
  closeStale(): number {
    return this.db.prepare('UPDATE camera_health_log SET until_ms = checked_ms WHERE until_ms IS NULL').run()
      .changes;
  }

  /** Ends the camera's open row at `r.sinceMs` and opens `r`; call inside the bus transaction. */
  transition(r: Omit<HealthRecord, 'untilMs'>, now: number): void {
    this.db
      .prepare(
        'UPDATE camera_health_log SET until_ms = MAX(since_ms, ?), checked_ms = ? WHERE camera_id = ? AND until_ms IS NULL',
      )
      .run(r.sinceMs, now, r.cameraId);
    this.db
      .prepare(
        `INSERT INTO camera_health_log (camera_id, site_id, enterprise_id, state, reason, message, since_ms, until_ms, checked_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
      )
      .run(r.cameraId, r.siteId, r.enterpriseId, r.state, r.reason, r.message, r.sinceMs, now);
  }

  /** Confirms every open row still holds (a heartbeat, every few seconds). */
  touch(now: number): void {
    this.db.prepare('UPDATE camera_health_log SET checked_ms = ? WHERE until_ms IS NULL').run(now);
  }

  /** On orderly stop: monitoring ends now. */
  closeAll(now: number): void {
    this.db
      .prepare(
        'UPDATE camera_health_log SET until_ms = MAX(since_ms, ?), checked_ms = ? WHERE until_ms IS NULL',
      )
      .run(now, now);
  }

  /** A camera removed at run time: its monitoring ends now (its history stays). */
  closeCamera(cameraId: string, now: number): void {
    this.db
      .prepare(
        'UPDATE camera_health_log SET until_ms = MAX(since_ms, ?), checked_ms = ? WHERE camera_id = ? AND until_ms IS NULL',
      )
      .run(now, now, cameraId);
  }

  /** Rows overlapping [fromMs, toMs), oldest first. */
  history(cameraId: string, fromMs: number, toMs: number, limit = 10_000): HealthRecord[] {
    return this.db
      .prepare(
        `SELECT ${COLS} FROM camera_health_log
         WHERE camera_id = ? AND since_ms < ? AND (until_ms IS NULL OR until_ms > ?)
         ORDER BY since_ms, id LIMIT ?`,
      )
      .all(cameraId, toMs, fromMs, limit) as HealthRecord[];
  }
}
