import type pg from 'pg';
import { FormsReadRepo } from './forms.repo.ts';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export interface PermitRow {
  boxId: string;
  permitId: string;
  enterpriseId: string | null;
  number: string;
  kind: string;
  state: string;
  cameraIds: string[];
  firstStartedAt: string | null;
  updatedAt: string;
}

export interface HealthChange {
  boxId: string;
  cameraId: string;
  at: number;
  state: string;
  reason: string;
  message: string;
}

/** The hub desk's reads. Every query is scoped by the caller to the enterprises of its region. */
export class ReadRepo {
  /** the annex forms' reads (forms.repo.ts) */
  readonly forms: FormsReadRepo;
  constructor(private readonly db: pg.Pool) {
    this.forms = new FormsReadRepo(db);
  }

  async permits(enterpriseIds: string[], states: string[] | null): Promise<PermitRow[]> {
    const r = await this.db.query(
      `SELECT * FROM hub_permits WHERE enterprise_id = ANY($1) AND ($2::text[] IS NULL OR state = ANY($2))
       ORDER BY updated_at DESC LIMIT 5000`,
      [enterpriseIds, states],
    );
    return r.rows.map(toPermit);
  }

  async permit(boxId: string, permitId: string): Promise<PermitRow | undefined> {
    const r = await this.db.query('SELECT * FROM hub_permits WHERE box_id = $1 AND permit_id = $2', [
      boxId,
      permitId,
    ]);
    return r.rows[0] ? toPermit(r.rows[0]) : undefined;
  }

  /** the permits' work windows overlapping [from, to) (end null: still working) */
  async workWindows(
    enterpriseIds: string[],
    from: Date,
    to: Date,
    only?: { boxId: string; permitId: string },
  ): Promise<{ boxId: string; permitId: string; start: number; end: number | null }[]> {
    const r = await this.db.query<{ box_id: string; permit_id: string; start_at: Date; end_at: Date | null }>(
      `SELECT w.box_id, w.permit_id, w.start_at, w.end_at FROM hub_permit_work w
       JOIN hub_permits p USING (box_id, permit_id)
       WHERE p.enterprise_id = ANY($1) AND w.start_at < $3 AND (w.end_at IS NULL OR w.end_at > $2)
         AND ($4::text IS NULL OR (w.box_id = $4 AND w.permit_id = $5))
       ORDER BY w.start_at`,
      [enterpriseIds, from, to, only?.boxId ?? null, only?.permitId ?? null],
    );
    return r.rows.map((x) => ({
      boxId: x.box_id,
      permitId: x.permit_id,
      start: x.start_at.getTime(),
      end: x.end_at?.getTime() ?? null,
    }));
  }

  /** health changes of the given box's cameras before `to` (the last one before a window included) */
  async healthChanges(boxIds: string[], to: Date): Promise<HealthChange[]> {
    const r = await this.db.query<{
      box_id: string;
      camera_id: string;
      at: Date;
      state: string;
      reason: string;
      message: string;
    }>(
      `SELECT box_id, camera_id, at, state, reason, message FROM hub_camera_health
       WHERE box_id = ANY($1) AND at < $2 ORDER BY at`,
      [boxIds, to],
    );
    return r.rows.map((x) => ({
      boxId: x.box_id,
      cameraId: x.camera_id,
      at: x.at.getTime(),
      state: x.state,
      reason: x.reason,
      message: x.message,
    }));
  }

  async cameraStates(boxIds: string[]): Promise<Map<string, { state: string; since: string }>> {
    const r = await this.db.query<{ box_id: string; camera_id: string; state: string; since: Date }>(
      'SELECT box_id, camera_id, state, since FROM hub_cameras WHERE box_id = ANY($1)',
      [boxIds],
    );
    return new Map(
      r.rows.map((x) => [`${x.box_id}/${x.camera_id}`, { state: x.state, since: x.since.toISOString() }]),
    );
  }

  async violationCounts(enterpriseIds: string[], from: Date, to: Date): Promise<Map<string, number>> {
    const r = await this.db.query<{ enterprise_id: string; n: string }>(
      `SELECT enterprise_id, count(*) AS n FROM hub_violations
       WHERE enterprise_id = ANY($1) AND started_at >= $2 AND started_at < $3 GROUP BY enterprise_id`,
      [enterpriseIds, from, to],
    );
    return new Map(r.rows.map((x) => [x.enterprise_id, Number(x.n)]));
  }

  async violations(enterpriseIds: string[], limit: number, offset: number) {
    const r = await this.db.query(
      `SELECT * FROM hub_violations WHERE enterprise_id = ANY($1)
       ORDER BY started_at DESC, box_id, violation_id DESC LIMIT $2 OFFSET $3`,
      [enterpriseIds, limit, offset],
    );
    return r.rows.map((x) => ({
      boxId: x.box_id as string,
      violationId: Number(x.violation_id),
      enterpriseId: x.enterprise_id as string | null,
      cameraId: x.camera_id as string,
      type: x.type as string,
      typeZh: x.type_zh as string,
      severity: x.severity as string,
      state: x.state as string,
      review: x.review as string,
      startedAt: iso(x.started_at)!,
      endedAt: iso(x.ended_at),
      evidenceSha256: (x.evidence_sha256 as string | null) ?? null,
    }));
  }

  async violation(boxId: string, violationId: number) {
    const r = await this.db.query<{ enterprise_id: string | null; evidence_sha256: string | null }>(
      'SELECT enterprise_id, evidence_sha256 FROM hub_violations WHERE box_id = $1 AND violation_id = $2',
      [boxId, violationId],
    );
    const x = r.rows[0];
    return x ? { enterpriseId: x.enterprise_id, evidenceSha256: x.evidence_sha256 } : undefined;
  }

  async hazards(enterpriseIds: string[], openOnly: boolean) {
    const r = await this.db.query(
      `SELECT * FROM hub_hazards WHERE enterprise_id = ANY($1) AND (NOT $2 OR state <> 'closed')
       ORDER BY updated_at DESC LIMIT 5000`,
      [enterpriseIds, openOnly],
    );
    return r.rows.map((x) => ({
      boxId: x.box_id as string,
      hazardId: Number(x.hazard_id),
      enterpriseId: x.enterprise_id as string | null,
      state: x.state as string,
      level: (x.level as string | null) ?? null,
      deadline: iso(x.deadline),
      description: x.description as string,
      updatedAt: iso(x.updated_at)!,
    }));
  }

  async alarms(boxIds: string[], limit: number) {
    const r = await this.db.query(
      `SELECT * FROM hub_alarms WHERE box_id = ANY($1)
       ORDER BY (resolved_at IS NULL) DESC, last_at DESC, id DESC LIMIT $2`,
      [boxIds, limit],
    );
    return r.rows.map((x) => ({
      id: Number(x.id),
      boxId: x.box_id as string,
      kind: x.kind as string,
      code: x.code as string,
      seq: Number(x.seq),
      enterpriseId: (x.enterprise_id as string | null) ?? null,
      subject: (x.subject as string | null) ?? null,
      detail: x.detail as string,
      times: Number(x.times),
      raisedAt: iso(x.raised_at)!,
      lastAt: iso(x.last_at)!,
      resolvedAt: iso(x.resolved_at),
    }));
  }

  async heads(boxIds: string[]): Promise<Map<string, { seq: number; hash: string; updatedAt: string }>> {
    const r = await this.db.query<{ box_id: string; seq: string; hash: string; updated_at: Date }>(
      'SELECT box_id, seq, hash, updated_at FROM hub_box_heads WHERE box_id = ANY($1)',
      [boxIds],
    );
    return new Map(
      r.rows.map((x) => [
        x.box_id,
        { seq: Number(x.seq), hash: x.hash, updatedAt: x.updated_at.toISOString() },
      ]),
    );
  }

  async openAlarmCounts(boxIds: string[]): Promise<Map<string, number>> {
    const r = await this.db.query<{ box_id: string; n: string }>(
      `SELECT box_id, count(*) AS n FROM hub_alarms WHERE box_id = ANY($1) AND resolved_at IS NULL
       GROUP BY box_id`,
      [boxIds],
    );
    return new Map(r.rows.map((x) => [x.box_id, Number(x.n)]));
  }

  /** one box's chain as the hub holds it (for checks and tests): seq, prev_hash, hash, type */
  async chain(boxId: string) {
    const r = await this.db.query<{
      seq: string;
      prev_hash: string;
      hash: string;
      type: string;
      enterprise_id: string | null;
    }>('SELECT seq, prev_hash, hash, type, enterprise_id FROM hub_events WHERE box_id = $1 ORDER BY seq', [
      boxId,
    ]);
    return r.rows.map((x) => ({
      seq: Number(x.seq),
      prevHash: x.prev_hash,
      hash: x.hash,
      type: x.type,
      enterpriseId: x.enterprise_id,
    }));
  }
}

function toPermit(x: Record<string, unknown>): PermitRow {
  return {
    boxId: x.box_id as string,
    permitId: x.permit_id as string,
    enterpriseId: (x.enterprise_id as string | null) ?? null,
    number: x.number as string,
    kind: x.kind as string,
    state: x.state as string,
    cameraIds: x.camera_ids as string[],
    firstStartedAt: iso(x.first_started_at as Date | null),
    updatedAt: iso(x.updated_at as Date)!,
  };
}
