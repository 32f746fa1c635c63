import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Box, Detection } from '../../src/vision/detect/types.ts';
import { LABELS } from '../../src/vision/detect/types.ts';
import type { Frame } from '../../src/video/ingest/types.ts';
import { timeBandHeight } from '../../src/video/evidence/snapshot.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';

/**
 * A violation's snapshot shows the frame its detection was made on, with that detection's box, even
 * though the camera has sent newer frames by then; a black detection frame is replaced by the nearest
 * good one (and the band says so), and when every frame near it is black the violation records "no
 * usable frame" instead of a black picture. Real ffmpeg frames, real SQLite.
 *
 * The clip: a white 30×30 square moving 6 px right per frame (10 fps) over grey, so a frame is
 * identified by where the square is; frames 12–13 are black (short dropout), 26–35 black (long).
 */
const W = 320;
const H = 180;
const N = 40;
const STEP_MS = 100;
const LEAD = 8; // frames ingest has delivered beyond the one detection is working on
const squareX = (i: number) => 20 + 6 * i;
const SHORT_BLACK = [12, 13];
const LONG_BLACK = [26, 35];

let frames: Buffer[] = [];
let t: TestService;
const T0 = Date.now() - 20_000;
const tsOf = (i: number) => T0 + i * STEP_MS;

function decodeClip(): Buffer[] {
  const filter =
    `[0][1]overlay=x='20+t*60':y=60,` +
    `drawbox=c=black:t=fill:enable='between(t,1.15,1.35)',` +
    `drawbox=c=black:t=fill:enable='between(t,2.55,3.55)'`;
  const raw = execFileSync(
    'ffmpeg',
    [
      ...['-v', 'error', '-f', 'lavfi', '-i', `color=c=0x606060:s=${W}x${H}:r=10:d=4`],
      ...['-f', 'lavfi', '-i', 'color=c=white:s=30x30:r=10:d=4'],
      ...['-filter_complex', filter, '-frames:v', String(N), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const size = W * H * 3;
  return Array.from({ length: raw.length / size }, (_, i) => raw.subarray(i * size, (i + 1) * size));
}

const frameOf = (cameraId: string, i: number): Frame => ({
  cameraId,
  ts: tsOf(i),
  seq: i,
  width: W,
  height: H,
  data: frames[i]!,
});

/** The worker under the square: the square is the bare head, the person box below it. */
const bareHeadAt = (i: number): Detection[] => {
  const x = squareX(i);
  const person: Box = [x - 5, 55, x + 35, 170];
  return [
    { label: 'person', score: 0.9, box: person },
    { label: 'head', score: 0.8, box: [x, 60, x + 30, 90] },
  ];
};

/**
 * Feeds camera `cameraId` as the running service does: ingest's frames reach the recent-frame store
 * `LEAD` frames ahead of detection; detection results reach the pipeline WITHOUT their frame, so only
 * the timestamp links them. Returns the frame index whose detection raised the violation.
 */
function drive(cameraId: string, from: number): number {
  const pipeline = t.services.supervision.pipeline;
  const evidence = t.services.video.evidence;
  let pushed = -1;
  for (let i = from; i < N; i++) {
    for (; pushed < Math.min(i + LEAD, N - 1); pushed++) {
      // ingest was running before this worker came into view: half a second of earlier frames too
      if (pushed + 1 >= from - 5) evidence.frames.push(frameOf(cameraId, pushed + 1));
    }
    const { events } = pipeline.process({ cameraId, frameTs: tsOf(i), detections: bareHeadAt(i) });
    if (events.some((e) => e.kind === 'started')) return i;
  }
  throw new Error(`no violation raised on ${cameraId}`);
}

const luma = (img: Buffer, x: number, y: number) => {
  const i = (y * W + x) * 3;
  return 0.299 * img[i]! + 0.587 * img[i + 1]! + 0.114 * img[i + 2]!;
};
const rgbAt = (img: Buffer, x: number, y: number) => [...img.subarray((y * W + x) * 3, (y * W + x) * 3 + 3)];

async function snapshotOf(cameraId: string) {
  const scope = { enterpriseIds: new Set(['ent-a']), can: () => true, assert: () => {} };
  const v = t.services.supervision.violations.list(scope, { cameraId })[0]!;
  const ev = t.services.video.evidence;
  const snap = ev.forViolation(v.id).find((e) => e.kind === 'snapshot');
  const jpeg = snap ? readFileSync(join(ev.root, snap.path)) : null;
  const pixels = jpeg ? await sharp(jpeg).removeAlpha().raw().toBuffer() : null;
  return { v, snap, jpeg, pixels, unavailable: ev.unavailableFor(v.id) };
}

const cam = (id: string) => ({
  id,
  name: `${id} 炼钢二车间`,
  url: 'rtsp://127.0.0.1:1/none',
  enabled: true,
  // raised after 2 bare-head frames in 0.2 s: the test controls which frame raises it
  rules: { noHelmet: { minHits: 2, window: 3, dwellSeconds: 0.2 } },
});

beforeAll(async () => {
  frames = decodeClip();
  expect(frames).toHaveLength(N);
  t = await startTestService({
    assemble: { labels: () => new Set(LABELS), rings: false },
    extra: {
      evidence: { clips: false, nearestFrameMs: 300 },
      sites: [
        {
          id: 'site-a',
          name: '甲',
          enterpriseId: 'ent-a',
          cameras: [cam('cam-exact'), cam('cam-dropout'), cam('cam-dark')],
        },
      ],
    },
  });
}, 60_000);
afterAll(async () => t?.close());

describe('evidence shows what happened', () => {
  let raisedAfter = 0;

  it('the snapshot is the detection frame (by time), with its box, not the newest frame', async () => {
    const k = drive('cam-exact', 0);
    raisedAfter = k;
    await t.services.supervision.pipeline.idle();
    const { snap, pixels, jpeg } = await snapshotOf('cam-exact');
    expect(snap).toBeDefined();
    expect(snap!.coversFrom).toBe(new Date(tsOf(k)).toISOString());
    const img = pixels!;
    // the square (the bare head) is where it was in frame k...
    expect(luma(img, squareX(k) + 15, 75)).toBeGreaterThan(200);
    expect(luma(frames[k]!, squareX(k) + 15, 75)).toBeGreaterThan(200);
    // ...and not where it is in the newest frame ingest had delivered (k + LEAD)
    expect(luma(img, squareX(k + LEAD) + 15, 75)).toBeLessThan(140);
    // the red violation box is drawn around that square: its left edge at the person box of frame k
    const [r, g, b] = rgbAt(img, squareX(k) - 5, 130);
    expect(r).toBeGreaterThan(170);
    expect(g).toBeLessThan(110);
    expect(b).toBeLessThan(110);
    // the row keeps that box, so a screen outlining it over the picture uses the frame's box
    expect(snap!.frameBox).toEqual([squareX(k) - 5, 55, squareX(k) + 35, 170]);
    // kept for a person to look at (test-results/evidence/)
    mkdirSync('test-results/evidence', { recursive: true });
    writeFileSync('test-results/evidence/snapshot-exact.jpg', jpeg!);
  });

  it('the time and camera are burned into a legible band at the bottom', async () => {
    const { pixels } = await snapshotOf('cam-exact');
    const img = pixels!;
    const bh = timeBandHeight(H, 1);
    let bright = 0;
    let dark = 0;
    let rightmost = 0;
    for (let y = H - bh + 2; y < H - 1; y++)
      for (let x = 0; x < W; x++) {
        const l = luma(img, x, y);
        if (l > 200) {
          bright++;
          rightmost = Math.max(rightmost, x);
        } else if (l < 70) dark++;
      }
    // the whole line fits: the text ends before the frame's edge (not cut off mid-time)
    expect(rightmost).toBeLessThan(W - 4);
    const area = (bh - 3) * W;
    // the frame there is plain grey (~96): bright pixels can only be the band's text, dark its ground
    expect(bright).toBeGreaterThan(150);
    expect(dark).toBeGreaterThan(area * 0.5);
    expect(bright + dark).toBeGreaterThan(area * 0.8);
  });

  it('a black detection frame: the nearest good frame is shown, and the band says it is not the detection frame', async () => {
    const from = SHORT_BLACK[0]! - raisedAfter;
    expect(from).toBeGreaterThanOrEqual(0);
    const k = drive('cam-dropout', from);
    expect(k).toBe(SHORT_BLACK[0]);
    await t.services.supervision.pipeline.idle();
    const { snap, pixels, jpeg, unavailable } = await snapshotOf('cam-dropout');
    expect(unavailable).toEqual([]);
    writeFileSync('test-results/evidence/snapshot-dropout.jpg', jpeg!);
    // frames 12 and 13 are black; 11 (−100 ms) is the nearest good one
    expect(snap!.coversFrom).toBe(new Date(tsOf(k - 1)).toISOString());
    expect(luma(pixels!, squareX(k - 1) + 15, 75)).toBeGreaterThan(200);
    // the picture is not black
    let sum = 0;
    for (let y = 20; y < 120; y += 5) for (let x = 0; x < W; x += 5) sum += luma(pixels!, x, y);
    expect(sum / (20 * 64)).toBeGreaterThan(60);
    // two lines in the band: the second (yellow note) has yellow pixels
    const bh = timeBandHeight(H, 2);
    let yellow = 0;
    for (let y = H - bh; y < H; y++)
      for (let x = 0; x < W; x++) {
        const [r, g, b] = rgbAt(pixels!, x, y);
        if (r! > 110 && g! > 90 && r! - b! > 60) yellow++;
      }
    expect(yellow).toBeGreaterThan(40);
  });

  it('every frame near the detection black: no picture, a typed "no usable frame" record and event', async () => {
    const from = 30 - raisedAfter;
    const k = drive('cam-dark', from);
    expect(k).toBe(30);
    await t.services.supervision.pipeline.idle();
    const { v, snap, unavailable } = await snapshotOf('cam-dark');
    expect(snap).toBeUndefined();
    expect(unavailable).toEqual([
      expect.objectContaining({
        violationId: v.id,
        kind: 'snapshot',
        reason: 'no_usable_frame',
        detectedAt: new Date(tsOf(30)).toISOString(),
        framesLooked: 7, // 27..33, all black
      }),
    ]);
    expect(unavailable[0]!.meanLuma).toBeLessThan(5);
    const events = t.services.db
      .prepare(`SELECT payload FROM outbox WHERE type = 'evidence.unavailable'`)
      .all() as { payload: string }[];
    expect(events.map((e) => JSON.parse(e.payload) as unknown)).toEqual([
      expect.objectContaining({ violationId: v.id, reason: 'no_usable_frame', cameraId: 'cam-dark' }),
    ]);
    expect(LONG_BLACK[0]! <= 27 && LONG_BLACK[1]! >= 33).toBe(true);
    // the desk reads it off the violation's detail
    const r = await t.app.inject({
      method: 'GET',
      url: `/api/violations/${v.id}`,
      headers: { authorization: await t.login('safety-a') },
    });
    expect(r.statusCode).toBe(200);
    const body = r.json<{ evidence: unknown[]; evidenceUnavailable: unknown[] }>();
    expect(body.evidence).toEqual([]);
    const exact = (await snapshotOf('cam-exact')).v;
    const withSnap = await t.app.inject({
      method: 'GET',
      url: `/api/violations/${exact.id}`,
      headers: { authorization: await t.login('safety-a') },
    });
    expect(withSnap.json<{ evidence: { frameBox: number[] }[] }>().evidence[0]!.frameBox).toHaveLength(4);
    expect(body.evidenceUnavailable).toEqual([
      expect.objectContaining({ kind: 'snapshot', reason: 'no_usable_frame', framesLooked: 7 }),
    ]);
  });
});
