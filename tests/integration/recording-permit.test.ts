import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditExportCommand } from '../../src/cli/commands/audit-export.ts';
import { auditVerifyCommand } from '../../src/cli/commands/audit-verify.ts';
import { verifyBundle } from '../../src/oversight/audit/bundle.ts';
import type { RecordingTimeline } from '../../src/oversight/audit/recording-timeline.ts';
import { startSim, type Sim } from '../../streams-sim/index.ts';
import { verifyStore } from '../../src/oversight/audit/store-source.ts';
import type { DomainEventMap } from '../../src/platform/events/domain-events.ts';
import { ffmpegChildren, waitFor } from './ingest-helpers.ts';
import {
  approveWithGasTest,
  call,
  SITE_A,
  daytimeNight,
  startPermitsHarness,
  type PermitsHarness,
} from './permits-harness.ts';
import { permitBody } from '../helpers/permit-body.ts';

/**
 * Recording by permit with a real camera (streams-sim over RTSP), real ffmpeg and real SQLite: the
 * recorder starts when the permit starts, survives its ffmpeg being killed and the camera dropping
 * (each gap chained), and stops after the post-roll once the permit is completed.
 */
let sim: Sim;
let h: PermitsHarness;
/** the permit recorded by the first test (the later ones read its recording) */
let permitId = '';

const events = <T extends keyof DomainEventMap>(type: T): DomainEventMap[T][] =>
  (
    h.services.db.prepare('SELECT payload FROM outbox WHERE type = ? ORDER BY id').all(type) as {
      payload: string;
    }[]
  ).map((r) => JSON.parse(r.payload) as DomainEventMap[T]);

beforeAll(async () => {
  sim = await startSim({ cameras: ['weld'], sources: [{ kind: 'pattern', variant: 2 }] });
  const weld = { id: 'cam-weld', name: '焊接点', url: sim.url('weld') };
  h = await startPermitsHarness({
    start: Date.now(),
    record: true, // through the video context's fMP4 relay (src/video/relay), as the service does
    extra: {
      sites: [{ ...SITE_A, cameras: [weld, SITE_A.cameras[1]] }],
      recording: { segmentSeconds: 4, preRollSeconds: 0, postRollSeconds: 2 },
      permits: { night: daytimeNight(Date.now()) },
    },
  });
}, 120_000);

afterAll(async () => {
  await h?.close();
  await sim?.stop();
});

describe('recording by permit', () => {
  it('starts with the permit, survives a killed ffmpeg and a camera drop with the gaps chained, stops after the post-roll', async () => {
    expect(ffmpegChildren()).toEqual([]); // no permit, no pre-roll: the camera is not even read
    const p = await call(h, 'safety-a', 'POST', '/api/permits', permitBody(h.clock.now()));
    const id = p.body.id as string;
    permitId = id;
    await approveWithGasTest(h, id, 'unit', { analyst: '王', combustiblePct: 0.1, o2Pct: 20.9 });
    h.health('cam-weld', 'online');
    expect((await call(h, 'guardian-a', 'POST', `/api/permits/${id}/start`)).body.state).toBe('active');
    expect(h.services.recording.service.recordingCameras()).toEqual(['cam-weld']);

    await waitFor(
      () => events('recording.segmentClosed').length >= 1,
      30_000,
      () => 'a first segment',
    );
    const first = events('recording.segmentClosed')[0]!;
    expect(first).toMatchObject({ cameraId: 'cam-weld', siteId: 'site-a', closedBy: 'length' });
    const file = join(h.services.config.store.dataDir, first.path);
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(first.sha256);
    // a playable MP4 of the camera's own H.264 (stream copy), about the segment length
    const probe = JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], {
        encoding: 'utf8',
      }),
    ) as { streams: { codec_name: string }[]; format: { duration: string } };
    expect(probe.streams[0]!.codec_name).toBe('h264');
    expect(Number(probe.format.duration)).toBeGreaterThanOrEqual(3.5);
    const frames = execFileSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-count_frames',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=nb_read_frames',
        '-of',
        'csv=p=0',
        file,
      ],
      { encoding: 'utf8' },
    );
    expect(Number(frames.trim())).toBeGreaterThanOrEqual(80); // 25 fps × ≥ 4 s, decodable

    // the upstream ffmpeg crashes: the segment closes, the gap is chained, recording resumes
    const [pid] = ffmpegChildren();
    process.kill(pid!, 'SIGKILL');
    // (a slow camera start may already have left a `not_started` gap: the permit's first seconds)
    const crashGap = () => events('recording.gap').find((g) => g.cause === 'upstream_down');
    await waitFor(
      () => !!crashGap(),
      30_000,
      () => 'the crash gap',
    );
    expect(crashGap()).toMatchObject({ cameraId: 'cam-weld', siteId: 'site-a' });
    const gapsBeforeDrop = events('recording.gap').length;
    expect(events('recording.segmentClosed').some((s) => s.closedBy === 'feed_ended')).toBe(true);
    const afterCrash = events('recording.segmentClosed').length;
    await waitFor(
      () => events('recording.segmentClosed').length > afterCrash,
      30_000,
      () => 'recording resumed',
    );

    // the camera drops for ~5 s: another chained gap covering it, then recording again
    const dropAt = Date.now();
    await sim.fault('weld', 'drop');
    await new Promise((r) => setTimeout(r, 5000));
    await sim.fault('weld', 'restore');
    await waitFor(
      () => events('recording.gap').length > gapsBeforeDrop,
      40_000,
      () => 'the drop gap',
    );
    const dropGap = events('recording.gap')[gapsBeforeDrop]!;
    expect(Date.parse(dropGap.from)).toBeLessThanOrEqual(dropAt + 1000);
    expect(Date.parse(dropGap.to) - Date.parse(dropGap.from)).toBeGreaterThanOrEqual(4000);
    const afterDrop = events('recording.segmentClosed').length;
    await waitFor(
      () => events('recording.segmentClosed').length > afterDrop,
      30_000,
      () => 'recording after the drop',
    );

    // completed: recording goes on for the post-roll, then stops and lets go of the camera
    h.clock.set(Date.now());
    expect((await call(h, 'guardian-a', 'POST', `/api/permits/${id}/complete`)).body.state).toBe('completed');
    expect(h.services.recording.service.recordingCameras()).toEqual(['cam-weld']);
    await waitFor(
      () => h.services.recording.service.recordingCameras().length === 0,
      10_000,
      () => 'stopped',
    );
    const last = events('recording.segmentClosed').at(-1)!;
    expect(last.closedBy).toBe('stopped');
    expect(h.services.video.relay.stats()[0]?.subscribers ?? 0).toBe(0);
    await waitFor(
      () => ffmpegChildren().length === 0,
      15_000,
      () => 'relay upstream stopped (idle grace)',
    );
    const count = events('recording.segmentClosed').length;
    await new Promise((r) => setTimeout(r, 3000));
    expect(events('recording.segmentClosed').length).toBe(count);

    // segments follow each other with no unexplained hole: every pause is a chained gap
    const segs = events('recording.segmentClosed');
    const gaps = events('recording.gap');
    for (let i = 1; i < segs.length; i++) {
      const hole = Date.parse(segs[i]!.startedAt) - Date.parse(segs[i - 1]!.endedAt);
      if (hole > 1500)
        expect(
          gaps.some(
            (g) =>
              Date.parse(g.from) <= Date.parse(segs[i - 1]!.endedAt) + 1500 &&
              Date.parse(g.to) >= Date.parse(segs[i]!.startedAt) - 1500,
          ),
        ).toBe(true);
    }
    // every file is where its event says, with its hash: audit verify re-hashes them all
    for (const s of segs) expect(existsSync(join(h.services.config.store.dataDir, s.path))).toBe(true);
    const report = verifyStore(h.services.db, h.services.config.store.dataDir, { now: Date.now() });
    expect(report.problems.filter((q) => q.kind.startsWith('evidence'))).toEqual([]);
    expect(report.evidenceFiles).toBeGreaterThanOrEqual(segs.length);
  }, 240_000);

  it('plays back through the API: the timeline with its gaps, segments with Range, another tenant 404', async () => {
    const t = await call(h, 'regulator-z', 'GET', `/api/recordings/permits/${permitId}`);
    expect(t.status).toBe(200);
    const body = t.body as unknown as RecordingTimeline;
    expect(body.windows).toHaveLength(1);
    expect(body.windows[0]!.to).not.toBeNull();
    expect(body.segments.length).toBe(events('recording.segmentClosed').length);
    expect(body.gaps.map((g) => g.cause)).toContain('upstream_down');
    const seg = body.segments[0]!;
    expect(seg).toMatchObject({
      cameraId: 'cam-weld',
      deleted: null,
      codec: expect.stringMatching(/^avc1\./),
    });

    const auth = { authorization: await h.login('regulator-z') };
    const whole = await h.app.inject({ method: 'GET', url: seg.url!, headers: auth });
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect(createHash('sha256').update(whole.rawPayload).digest('hex')).toBe(seg.sha256);
    expect(whole.headers['x-content-sha256']).toBe(seg.sha256);
    const part = await h.app.inject({
      method: 'GET',
      url: seg.url!,
      headers: { ...auth, range: 'bytes=100-199' },
    });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${seg.bytes}`);
    expect(part.rawPayload.equals(whole.rawPayload.subarray(100, 200))).toBe(true);
    const beyond = await h.app.inject({
      method: 'GET',
      url: seg.url!,
      headers: { ...auth, range: `bytes=${seg.bytes}-` },
    });
    expect([beyond.statusCode, JSON.parse(beyond.body).code]).toEqual([416, 'JH_ERR_RECORDING_BAD_RANGE']);

    // another enterprise, another region: not found, like a missing one
    const other = { authorization: await h.login('safety-b') };
    expect((await h.app.inject({ method: 'GET', url: seg.url!, headers: other })).statusCode).toBe(404);
    expect((await call(h, 'safety-b', 'GET', `/api/recordings/permits/${permitId}`)).status).toBe(404);
    expect((await call(h, 'regulator-o', 'GET', `/api/recordings/permits/${permitId}`)).status).toBe(404);
    expect((await call(h, 'welder-a', 'GET', `/api/recordings/permits/${permitId}`)).status).toBe(403);
  });

  it('exports the permit with its segments and hash list; verify checks them and catches an edited one', async () => {
    const { dataDir, path: dbPath } = h.services.config.store;
    const out = mkdtempSync(join(tmpdir(), 'jianhu-permit-export-'));
    const bundle = join(out, 'b');
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const quietErr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const args = ['--db', dbPath, '--data-dir', dataDir];
      expect(await auditExportCommand.run([...args, '--out', bundle, '--permit', permitId])).toBe(0);
      const listed = readFileSync(join(bundle, 'recordings', 'hashes.sha256'), 'utf8')
        .trim()
        .split('\n');
      const segs = events('recording.segmentClosed');
      expect(listed).toHaveLength(segs.length);
      for (const s of segs) expect(listed).toContain(`${s.sha256}  cam-weld/${s.path.split('/').at(-1)}`);
      // the segments are under recordings/ only, not copied twice into evidence/
      expect(readdirSync(join(bundle, 'evidence'))).toEqual([]);
      expect(await auditVerifyCommand.run(['--bundle', bundle])).toBe(0);

      const [sha, rel] = listed[0]!.split('  ') as [string, string];
      const file = join(bundle, 'recordings', rel);
      const bytes = readFileSync(file);
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0xff, bytes.length - 10);
      writeFileSync(file, bytes);
      const edited = verifyBundle(bundle);
      expect(edited.ok).toBe(false);
      expect(edited.problems).toContainEqual(
        expect.objectContaining({ kind: 'evidence_mismatch', type: 'recording.segmentClosed' }),
      );
      expect(sha).toMatch(/^[0-9a-f]{64}$/);
      expect(await auditVerifyCommand.run(['--bundle', bundle])).toBe(1);
      expect(await auditExportCommand.run([...args, '--out', join(out, 'c'), '--permit', 'no-such'])).toBe(2);
    } finally {
      quiet.mockRestore();
      quietErr.mockRestore();
      rmSync(out, { recursive: true, force: true });
    }
  });
});
