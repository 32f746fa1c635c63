import { isAbsolute, relative, resolve } from 'node:path';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { DomainEvent } from '../../platform/events/domain-events.ts';
import { iso, type Clock } from '../../platform/shared/clock.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import { CameraRecorder, type CloseReason, type RecorderSink } from './camera-recorder.ts';
import type { RecordingConfig } from './config.schema.ts';
import type { Fmp4Feed } from './feed.ts';
import type { RecordingRepo } from './recording.repo.ts';
import type { ClosedSegment } from './segment-file.ts';

/** A permit that names cameras, as the recorder needs it (the composition root adapts the work context). */
export interface PermitCameras {
  permitId: string;
  cameraIds: readonly string[];
}

export interface CameraPlace {
  siteId: string | null;
  enterpriseId: string | null;
}

export interface RecordingDeps {
  config: RecordingConfig;
  /** the folder the recordings go to (absolute) and the data folder paths in events are relative to */
  dir: string;
  dataDir: string;
  repo: RecordingRepo;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  feed: Fmp4Feed;
  /** permits now active or suspended (read once at start; the permit events keep it current) */
  openPermits: () => PermitCameras[];
  /** every camera to keep armed for the pre-roll, and where a camera belongs */
  cameras: () => string[];
  placeOf: (cameraId: string) => CameraPlace;
}

/** Permit states during which the work's cameras are recorded (a suspension is recorded too). */
const RECORDED_STATES = new Set(['active', 'suspended']);
const PERMIT_EVENTS = [
  'permit.started',
  'permit.resumed',
  'permit.suspended',
  'permit.completed',
  'permit.revoked',
  'permit.expired',
] as const;

/**
 * Records a camera while any permit naming it is active or suspended, from `preRollSeconds` before
 * to `postRollSeconds` after. Hears the permit events on the bus (video imports no work code); each
 * closed segment and each gap is one chained event written in the same transaction as its row.
 */
export class RecordingService {
  private readonly permits = new Map<string, readonly string[]>();
  private readonly recorders = new Map<string, CameraRecorder>();
  private readonly stopTimers = new Map<string, NodeJS.Timeout>();
  private offs: (() => void)[] = [];
  private started = false;

  constructor(private readonly d: RecordingDeps) {}

  start(): void {
    if (this.started || !this.d.config.enabled) return;
    this.started = true;
    for (const p of this.d.openPermits()) this.permits.set(p.permitId, p.cameraIds);
    this.offs = PERMIT_EVENTS.map((type) => this.d.bus.on(type, (e) => this.onPermit(e)));
    if (this.d.config.preRollSeconds > 0) for (const id of this.d.cameras()) this.recorder(id).arm();
    this.reconcile();
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    for (const t of this.stopTimers.values()) clearTimeout(t);
    this.stopTimers.clear();
    for (const r of this.recorders.values()) r.dispose();
    this.recorders.clear();
    this.started = false;
  }

  /**
   * A camera of the catalog appeared, changed or went (run-time cameras): an enabled one is armed for
   * the pre-roll; a disabled or removed one that no permit names is let go. A camera a permit names
   * stays: its missing video is a gap the audit must see.
   */
  cameraChanged(cameraId: string, enabled: boolean): void {
    if (!this.started) return;
    if (enabled) {
      if (this.d.config.preRollSeconds > 0) this.recorder(cameraId).arm();
      return;
    }
    const wanted = [...this.permits.values()].some((ids) => ids.includes(cameraId));
    const r = this.recorders.get(cameraId);
    if (wanted || !r) return;
    const t = this.stopTimers.get(cameraId);
    if (t) clearTimeout(t);
    this.stopTimers.delete(cameraId);
    r.dispose();
    this.recorders.delete(cameraId);
  }

  /** Cameras being written now. */
  recordingCameras(): string[] {
    return [...this.recorders.values()].filter((r) => r.isRecording).map((r) => r.cameraId);
  }

  private onPermit(e: DomainEvent<(typeof PERMIT_EVENTS)[number]>): void {
    const { permitId, to, cameraIds } = e.payload;
    if (RECORDED_STATES.has(to)) this.permits.set(permitId, cameraIds);
    else this.permits.delete(permitId);
    this.reconcile();
  }

  private reconcile(): void {
    const wanted = new Set([...this.permits.values()].flat());
    for (const id of wanted) {
      const t = this.stopTimers.get(id);
      if (t) clearTimeout(t);
      this.stopTimers.delete(id);
      this.recorder(id).start();
    }
    for (const [id, r] of this.recorders) {
      if (wanted.has(id) || !r.isRecording || this.stopTimers.has(id)) continue;
      const t = setTimeout(() => {
        this.stopTimers.delete(id);
        r.stop();
      }, this.d.config.postRollSeconds * 1000);
      t.unref();
      this.stopTimers.set(id, t);
    }
  }

  private recorder(cameraId: string): CameraRecorder {
    let r = this.recorders.get(cameraId);
    if (!r)
      this.recorders.set(
        cameraId,
        (r = new CameraRecorder(cameraId, this.d.feed, this.sink, this.d.clock, {
          dir: this.d.dir,
          segmentSeconds: this.d.config.segmentSeconds,
          preRollSeconds: this.d.config.preRollSeconds,
          stallMs: 20_000,
          minGapMs: 3_000,
        })),
      );
    return r;
  }

  /** Stores a closed segment and chains its event (one transaction). */
  recordClosed(cameraId: string, seg: ClosedSegment, closedBy: CloseReason): void {
    const place = this.d.placeOf(cameraId);
    const path = this.eventPath(seg.file);
    this.d.bus.transaction(() => {
      const segmentId = this.d.repo.insertSegment({
        cameraId,
        enterpriseId: place.enterpriseId,
        path,
        sha256: seg.sha256,
        bytes: seg.bytes,
        codec: seg.codec,
        startedAt: seg.startedAt,
        endedAt: seg.endedAt,
        mediaStart: seg.mediaStart,
      });
      this.d.bus.publish('recording.segmentClosed', place.enterpriseId, {
        segmentId,
        cameraId,
        siteId: place.siteId,
        path,
        sha256: seg.sha256,
        bytes: seg.bytes,
        startedAt: iso(seg.startedAt),
        endedAt: iso(seg.endedAt),
        codec: seg.codec,
        closedBy,
      });
    });
  }

  private readonly sink: RecorderSink = {
    segmentClosed: (cameraId, seg, closedBy) => this.recordClosed(cameraId, seg, closedBy),
    gap: (cameraId, g) => {
      const place = this.d.placeOf(cameraId);
      this.d.bus.transaction(() => {
        this.d.repo.insertGap({ cameraId, fromAt: g.from, toAt: g.to, cause: g.cause, message: g.message });
        this.d.bus.publish('recording.gap', place.enterpriseId, {
          cameraId,
          siteId: place.siteId,
          from: iso(g.from),
          to: iso(g.to),
          cause: g.cause,
          message: g.message,
        });
      });
    },
    error: (cameraId, err) => this.d.logger.warn({ err, cameraId }, 'recording write failed 录像写入失败'),
  };

  /** Relative to the data folder when the recordings are under it (as evidence paths are). */
  private eventPath(file: string): string {
    const rel = relative(resolve(this.d.dataDir), file);
    return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
  }
}
