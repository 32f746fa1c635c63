import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { resolve, sep } from 'node:path';
import type { AppServices } from './app-services.ts';
import { startHubLink, type HubLink } from './platform/uplink/hub-link.ts';
import type { EvidenceSource } from './platform/uplink/evidence-responder.ts';
import { OutboxRepo } from './platform/events/outbox.repo.ts';
import type { EnterpriseScope } from './platform/tenancy/scope.ts';

/**
 * Joins the box to its county hub when the config has a `hub:` section (issue #24): the outbox
 * shipper, nudged by every committed event, and the evidence responder reading violation snapshots
 * through the evidence service (re-hashed on read, as for a download) and hazards' on-site photos
 * (for 附件5 at the hub). Null without `hub:`.
 */
export function startHubUplink(services: AppServices): HubLink | null {
  const config = services.config.hub;
  if (!config) return null;
  const regions = new Map(services.tenancy.enterprises().map((e) => [e.id, e.regionId]));
  const link = startHubLink({
    config,
    // its own statements on the one store: it reads and marks the rows the bus's outbox writes
    outbox: new OutboxRepo(services.db),
    clock: services.clock,
    logger: services.logger,
    regionOf: (enterpriseId) => (enterpriseId ? (regions.get(enterpriseId) ?? null) : null),
    evidence: snapshotSource(services),
    hazardPhotos: hazardPhotoSource(services),
    metrics: services.metrics,
  });
  const off = services.bus.onAny(() => link.nudge());
  services.health.set('hub', () => {
    const s = link.status();
    return {
      ok: s.connected,
      detail: `${s.connected ? `connected ${s.server}` : 'not connected'}; backlog ${s.backlog}; last shipped seq ${s.lastShippedSeq}${s.lastError ? `; ${s.lastError}` : ''}`,
    };
  });
  return {
    ...link,
    async stop() {
      off();
      services.health.delete('hub');
      await link.stop();
    },
  };
}

/** The box answers for every enterprise it holds: the hub's regulators are scoped at the hub. */
function snapshotSource(services: AppServices): EvidenceSource {
  const all = (): EnterpriseScope => {
    const ids = new Set(services.tenancy.enterprises().map((e) => e.id));
    return { enterpriseIds: ids, can: (e) => !!e && ids.has(e), assert: () => {} };
  };
  return async (violationId) => {
    const record = services.video.evidence.forViolation(violationId).find((e) => e.kind === 'snapshot');
    if (!record) return null;
    const { file } = await services.video.evidence.download(all(), record.id);
    const data = await readFile(file);
    const sha256 = createHash('sha256').update(data).digest('hex');
    if (sha256 !== record.sha256) throw new Error(`evidence ${record.id} changed while it was read`);
    return { contentType: record.mime, sha256, data };
  };
}

/** A hazard's first on-site ('before') photo, re-hashed on read against the sha256 its row holds. */
function hazardPhotoSource(services: AppServices): EvidenceSource {
  const root = resolve(services.config.store.dataDir);
  return async (hazardId) => {
    const photo = services.oversight.hazards.repo.photos(hazardId).find((p) => p.kind === 'before');
    if (!photo) return null;
    const file = resolve(root, photo.path);
    if (!file.startsWith(root + sep)) return null;
    const data = await readFile(file);
    const sha256 = createHash('sha256').update(data).digest('hex');
    if (sha256 !== photo.sha256) throw new Error(`hazard ${hazardId}'s photo changed since it was stored`);
    return { contentType: photo.mime, sha256, data };
  };
}
