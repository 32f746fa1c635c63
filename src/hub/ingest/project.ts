import type { ChainEntry } from '../../platform/events/chain.ts';
import type { DomainEventMap } from '../../platform/events/domain-events.ts';
import type { HubHazardStep, IngestRepo } from '../store/ingest.repo.ts';

type P<T extends keyof DomainEventMap> = DomainEventMap[T];

/**
 * The regulator's projections of one applied entry: permits and their work windows, camera health
 * (the coverage timeline), violations with their evidence hash, hazards. Other event types are kept
 * in hub_events only. Payloads come from boxes of possibly other versions: a missing field skips the
 * projection rather than failing the batch.
 */
export async function project(
  repo: IngestRepo,
  boxId: string,
  e: ChainEntry,
  payload: unknown,
): Promise<void> {
  const p = payload as Record<string, unknown>;
  if (!p || typeof p !== 'object') return;
  const ent = e.enterpriseId;
  if (e.type.startsWith('permit.') && typeof p.to === 'string' && typeof p.permitId === 'string') {
    const x = p as unknown as P<'permit.started'>;
    await repo.permitState(
      boxId,
      ent,
      {
        permitId: x.permitId,
        number: String(x.number ?? ''),
        kind: String(x.kind ?? ''),
        from: x.from,
        to: x.to,
        cameraIds: Array.isArray(x.cameraIds) ? x.cameraIds : [],
      },
      e.occurredAt,
    );
    return;
  }
  if (e.type === 'camera.healthChanged' && typeof p.cameraId === 'string') {
    const x = p as unknown as P<'camera.healthChanged'>;
    const at = typeof x.since === 'string' && !Number.isNaN(Date.parse(x.since)) ? x.since : e.occurredAt;
    await repo.cameraHealth(
      boxId,
      ent,
      e.seq,
      {
        cameraId: x.cameraId,
        siteId: String(x.siteId ?? ''),
        to: String(x.to),
        reason: String(x.reason ?? ''),
        message: String(x.message ?? ''),
      },
      at,
    );
    return;
  }
  if (e.type.startsWith('violation.') && typeof p.violationId === 'number') {
    const x = p as unknown as P<'violation.started'>;
    await repo.violation(boxId, ent, {
      violationId: x.violationId,
      cameraId: String(x.cameraId ?? ''),
      type: String(x.type ?? ''),
      typeZh: String(x.typeZh ?? ''),
      severity: String(x.severity ?? ''),
      state: String(x.state ?? ''),
      review: String(x.review ?? 'pending'),
      startedAt: typeof x.startedAt === 'string' ? x.startedAt : e.occurredAt,
      endedAt: typeof x.endedAt === 'string' ? x.endedAt : null,
    });
    return;
  }
  if (e.type === 'evidence.stored' && typeof p.violationId === 'number' && typeof p.sha256 === 'string') {
    await repo.evidenceOfViolation(boxId, p.violationId, p.sha256);
    return;
  }
  // the loop's steps (registered … closed) carry `to`; notices and overdue escalations are not steps
  if (e.type.startsWith('hazard.') && typeof p.hazardId === 'number' && typeof p.to === 'string') {
    await repo.oversight.hazard(boxId, ent, e.seq, hazardStep(e, p), e.occurredAt);
    return;
  }
  if (e.type.startsWith('inspection.') && typeof p.inspectionId === 'number') {
    await projectInspection(repo, boxId, ent, e.type, p);
  }
}

/** 执法检查: the record's 督办 and 处罚 (the forms' enforcement source) and which hazards it found. */
async function projectInspection(
  repo: IngestRepo,
  boxId: string,
  ent: string | null,
  type: string,
  p: Record<string, unknown>,
): Promise<void> {
  const id = p.inspectionId as number;
  if (type === 'inspection.deleted') return repo.oversight.inspection(boxId, ent, id, null);
  if (type === 'inspection.findingAdded') {
    if (typeof p.hazardId === 'number') await repo.oversight.inspectionFinding(boxId, id, p.hazardId);
    return;
  }
  const x = p as Partial<P<'inspection.recorded'>>;
  if (typeof x.inspectedAt !== 'string' || typeof x.stage !== 'string') return;
  await repo.oversight.inspection(boxId, ent, id, {
    inspectedAt: x.inspectedAt,
    stage: x.stage,
    penaltyYuan: typeof x.penaltyYuan === 'number' ? x.penaltyYuan : 0,
    penaltyText: str(x.penaltyText) ?? null,
    supervised: x.supervised === true,
    supervisingUnit: str(x.supervisingUnit) ?? null,
  });
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A hazard event's fields, each only when the box shipped it with the right type. */
function hazardStep(e: ChainEntry, p: Record<string, unknown>): HubHazardStep {
  const x = p as Partial<P<'hazard.registered'> & P<'hazard.dispatched'>>;
  const registered = e.type === 'hazard.registered';
  const form = x.form && typeof x.form === 'object' ? x.form : undefined;
  const five = x.five === null || (typeof x.five === 'object' && x.five) ? x.five : undefined;
  return {
    hazardId: x.hazardId!,
    to: String(x.to),
    level: str(x.level) ?? null,
    ...(str(x.deadline) ? { deadline: str(x.deadline) } : {}),
    ...(str(x.description) ? { description: str(x.description) } : {}),
    ...(str(x.source) ? { source: str(x.source) } : {}),
    ...(registered ? { violationId: str(x.violationId) ?? null } : {}),
    ...(str(x.stage) ? { stage: str(x.stage) } : {}),
    ...(registered ? { foundAt: str(form?.foundAt) ?? e.occurredAt } : {}),
    ...(five !== undefined ? { five } : {}),
    ...(registered && Array.isArray(x.photos) ? { beforePhotos: x.photos.length } : {}),
    ...(registered && typeof x.photos?.[0]?.sha256 === 'string' ? { photoSha256: x.photos[0].sha256 } : {}),
    ...(form ? { form } : {}),
  };
}
