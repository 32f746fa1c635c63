import type { Detection, Label } from '../../vision/detect/types.ts';
import type { EvidenceService } from '../../video/evidence/evidence.service.ts';
import type { OverlayBox } from '../../video/evidence/snapshot.ts';
import type { Frame } from '../../video/ingest/types.ts';
import { RuleEngine } from '../rules/engine.ts';
import { VIOLATION_INFO, type ActivePermitsProvider, type RuleEvent } from '../rules/types.ts';
import type { Logger } from '../../platform/shared/logger.ts';
import { attachPpe, type TrackedPerson } from '../../vision/track/ppe.ts';
import { Tracker } from '../../vision/track/tracker.ts';
import { pointInPolygon } from '../zones/geometry.ts';
import type { CameraRef } from '../zones/cameras.ts';
import type { ZonesService } from '../zones/zones.service.ts';
import type { ViolationRecord } from './violations.repo.ts';
import type { ViolationsService } from './violations.service.ts';
import type { Config } from '../../config/schema.ts';
import type { NoHelmetSighting } from '../../vision/adapt/site-crops.ts';
import type { GuardianPresenceBoard } from './guardian-presence.ts';

/** What the detection scheduler hands over per inferred frame (its DetectionResult fits). */
export interface PipelineInput {
  cameraId: string;
  frameTs: number;
  detections: readonly Detection[];
  frame?: Frame;
}

export interface PipelineDeps {
  config: Config;
  zones: ZonesService;
  violations: ViolationsService;
  evidence: EvidenceService | null;
  /** active permits per camera (the work context's index, through permits-adapter.ts) */
  permits: ActivePermitsProvider;
  /** labels the running detectors can produce (rules without their inputs stay silent); null: seen so far */
  labels: (() => ReadonlySet<Label>) | null;
  /** written when a person stands in a guardian_post zone (read by the locks) */
  presence: GuardianPresenceBoard;
  /** keeps the bare head of a no-hard-hat violation for site learning (vision's SiteCrops); null: off */
  siteCrops: ((s: NoHelmetSighting) => Promise<unknown>) | null;
  logger: Logger;
}

interface CameraState {
  ref: CameraRef;
  tracker: Tracker;
  engine: RuleEngine;
  lastTs: number;
}

const MAX_SNAPSHOTS_IN_FLIGHT = 8;

/**
 * The live glue: detections of one frame → tracker → PPE association → rules → violations (SQLite +
 * domain events, synchronously, so the push never waits for files) → evidence (snapshot of this
 * detection's frame, clip from the camera's ring) in the background, bounded.
 */
export class ViolationPipeline {
  private readonly cams = new Map<string, CameraState>();
  private snapshotsInFlight = 0;
  readonly stats = { frames: 0, staleFrames: 0, unknownCamera: 0, snapshotsSkipped: 0 };
  private readonly jobs = new Set<Promise<unknown>>();
  private readonly seenLabels = new Set<Label>();

  constructor(private readonly d: PipelineDeps) {
    d.zones.onChange((cameraId) => this.cams.delete(cameraId));
  }

  private camera(cameraId: string): CameraState | undefined {
    let c = this.cams.get(cameraId);
    if (!c) {
      let ref: CameraRef;
      try {
        ref = this.d.zones.camera(cameraId);
      } catch {
        return undefined;
      }
      const engine = new RuleEngine(cameraId, [this.d.config.rules, ref.site.rules, ref.camera.rules]);
      c = { ref, tracker: new Tracker(), engine, lastTs: -Infinity };
      this.cams.set(cameraId, c);
    }
    return c;
  }

  process(
    input: PipelineInput,
    embeddings?: readonly (Float32Array | null)[],
  ): { events: RuleEvent[]; records: ViolationRecord[]; people: TrackedPerson[] } {
    const cam = this.camera(input.cameraId);
    if (!cam) {
      this.stats.unknownCamera++;
      return { events: [], records: [], people: [] };
    }
    if (input.frameTs <= cam.lastTs) {
      this.stats.staleFrames++; // out of order: dropped, the tracker needs time order
      return { events: [], records: [], people: [] };
    }
    cam.lastTs = input.frameTs;
    this.stats.frames++;
    for (const x of input.detections) this.seenLabels.add(x.label);
    const persons = input.detections.filter((x) => x.label === 'person');
    const { visible } = cam.tracker.update(input.frameTs, persons, embeddings);
    const people = attachPpe(visible, input.detections);
    const zones = this.d.zones.forRules(input.cameraId);
    const posts = zones.filter((z) => z.kind === 'guardian_post');
    const w = input.frame?.width ?? this.d.config.ingest.width;
    const h = input.frame?.height ?? this.d.config.ingest.height;
    if (
      people.some((p) =>
        posts.some((z) => pointInPolygon([(p.box[0] + p.box[2]) / 2 / w, p.box[3] / h], z.points)),
      )
    )
      this.d.presence.seen(input.cameraId, input.frameTs);
    const events = cam.engine.process({
      cameraId: input.cameraId,
      ts: input.frameTs,
      width: w,
      height: h,
      people,
      detections: input.detections,
      zones,
      permits: this.d.permits.activeOn(input.cameraId, input.frameTs),
      labels: this.d.labels?.() ?? this.seenLabels,
    });
    const applied = this.d.violations.apply(cam.ref, events);
    for (const { event, record } of applied)
      if (event.kind === 'started') {
        this.captureEvidence(cam, record, event, people, input);
        if (record.type === 'no_helmet') this.keepSiteCrop(record, event, people, input);
      }
    return { events, records: applied.map((a) => a.record), people };
  }

  /** Camera offline / stopped: whatever it showed can no longer be confirmed; end it. */
  cameraLost(cameraId: string, ts: number): void {
    const cam = this.cams.get(cameraId);
    if (!cam) return;
    this.d.violations.apply(cam.ref, cam.engine.endAll(ts));
    this.cams.delete(cameraId);
    this.d.presence.forget(cameraId);
  }

  /** Ends every open violation (service stopping); evidence jobs finish on their own (see idle()). */
  stop(ts: number): void {
    for (const id of [...this.cams.keys()]) this.cameraLost(id, ts);
  }

  private captureEvidence(
    cam: CameraState,
    v: ViolationRecord,
    e: RuleEvent,
    people: TrackedPerson[],
    input: PipelineInput,
  ): void {
    const ev = this.d.evidence;
    if (!ev) return;
    const owner = { violationId: v.id, enterpriseId: v.enterpriseId, cameraId: v.cameraId };
    const cfg = this.d.config.evidence;
    if (cfg.clips) {
      const job = ev.scheduleClip(
        owner,
        e.violation.startTs - cfg.preSeconds * 1000,
        input.frameTs + cfg.postSeconds * 1000,
      );
      if (job) this.track(job);
    }
    if (!cfg.snapshots) return;
    if (this.snapshotsInFlight >= MAX_SNAPSHOTS_IN_FLIGHT) {
      this.stats.snapshotsSkipped++;
      return;
    }
    const info = VIOLATION_INFO[v.type];
    // Every box is this detection's (the frame at input.frameTs): the evidence service draws them on
    // that same frame, chosen by timestamp, or says the picture is another one (or none) when it is black.
    const boxes: OverlayBox[] = people.map((p) => ({
      box: p.box,
      label: `#${p.trackId}${p.helmet === 'no' ? ' 未戴安全帽' : p.helmet === 'yes' ? ' 安全帽' : ''}`,
      tone: p.trackId === e.violation.trackId ? 'alert' : 'ok',
    }));
    for (const d of input.detections)
      if (d.label === 'fire' || d.label === 'smoke' || d.label === 'arc' || d.label === 'phone')
        boxes.push({ box: d.box, label: `${d.label} ${d.score.toFixed(2)}`, tone: 'info' });
    if (e.violation.trackId === null && e.violation.box)
      boxes.push({ box: e.violation.box, label: info.zh, tone: 'alert' });
    const zones = this.d.zones.forRules(v.cameraId).map((z) => ({ ...z, highlight: z.id === v.zoneId }));
    this.snapshotsInFlight++;
    const job = ev
      .storeViolationSnapshot(
        { ...owner, violationId: v.id },
        {
          detectedAt: input.frameTs,
          frame: input.frame,
          // every rule here is about the scene (hard hats, phones, zones...): a black frame proves none
          proof: 'scene',
          boxes,
          violationBox: people.find((p) => p.trackId === e.violation.trackId)?.box ?? e.violation.box ?? null,
          zones,
          title: `${info.zh} ${info.en}`,
          camera: cam.ref.camera.name,
        },
      )
      .catch((err: unknown) => this.d.logger.warn({ err, violation: v.id }, 'snapshot failed'))
      .finally(() => this.snapshotsInFlight--);
    this.track(job);
  }

  /**
   * Site learning: the bare head this violation is about, on the detection's own frame (before the
   * snapshot draws on it), kept until an officer confirms or dismisses the violation.
   */
  private keepSiteCrop(
    v: ViolationRecord,
    e: RuleEvent,
    people: TrackedPerson[],
    input: PipelineInput,
  ): void {
    const keep = this.d.siteCrops;
    const head = people.find((p) => p.trackId === e.violation.trackId)?.parts.find((d) => d.label === 'head');
    if (!keep || !head || !input.frame) return;
    const sighting = {
      violationId: v.id,
      enterpriseId: v.enterpriseId,
      siteId: v.siteId,
      cameraId: v.cameraId,
      frame: input.frame,
      head: head.box,
      score: head.score,
    };
    this.track(
      keep(sighting).catch((err: unknown) =>
        this.d.logger.warn({ err, violation: v.id }, 'site crop failed'),
      ),
    );
  }

  private track(job: Promise<unknown>): void {
    this.jobs.add(job);
    void job.finally(() => this.jobs.delete(job));
  }

  /** Settles once every evidence job started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.jobs]);
  }

  status(cameraId: string) {
    return this.cams.get(cameraId)?.engine.status() ?? [];
  }
}
