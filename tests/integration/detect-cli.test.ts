import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../src/vision/detect/types.ts';

const ROOT = join(import.meta.dirname, '../..');
const CLIP = join(ROOT, '../shared/clips/press-shop-cctv.mp4');
const MODELS = join(ROOT, '../shared/models');
const haveClip = existsSync(CLIP) && existsSync(join(MODELS, 'yolox-nano-coco'));
if (!haveClip)
  console.warn(`detect-cli: SKIPPED — needs ${CLIP} and ${MODELS} (see ../shared/README-models-and-data.md)`);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
function jianhu(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin/jianhu.mjs'), ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 50_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.skipIf(!haveClip)('jianhu detect --json on the factory clip', () => {
  let dir: string;
  const p = (name: string) => join(dir, name);
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jianhu-detect-'));
    // t = 30 s: seven or eight workers in view (checked by eye); five are upright and unoccluded.
    for (const t of [10, 30])
      execFileSync('ffmpeg', ['-v', 'error', '-ss', String(t), '-i', CLIP, '-frames:v', '1', p(`t${t}.png`)]);
    writeFileSync(
      p('corrupt.jpg'),
      Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 7)]),
    );
    await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } })
      .png()
      .toFile(p('tiny.png'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one JSON line per good image, finds the people, and reports each bad image', async () => {
    const images = ['t30.png', 'corrupt.jpg', 'missing.png', 'tiny.png', 't10.png'].map(p);
    // The stage-1 model alone: project models joining the default pipeline must not change this check.
    const r = await jianhu(['detect', '--model', 'yolox-nano-coco', '--json', ...images]);
    expect(r.code).toBe(2); // some images failed; the others were still processed
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.image)).toEqual([p('t30.png'), p('t10.png')]);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(['image', 'width', 'height', 'ms', 'detections']);
      expect([l.width, l.height]).toEqual([640, 352]);
      expect(l.ms).toBeGreaterThan(0);
      for (const d of l.detections) {
        expect(LABELS).toContain(d.label);
        expect(d.score).toBeGreaterThanOrEqual(0.3); // the manifest's threshold for YOLOX-Nano
        const [x1, y1, x2, y2] = d.box;
        expect(0 <= x1 && x1 < x2 && x2 <= 640 && 0 <= y1 && y1 < y2 && y2 <= 352).toBe(true);
      }
    }
    const people30 = lines[0].detections.filter((d: { label: string }) => d.label === 'person');
    expect(people30.length).toBeGreaterThanOrEqual(4);
    // the three men standing together in the middle of the floor (x ≈ 290–430, y ≈ 75–210)
    const middle = people30.filter(
      (d: { box: [number, number, number, number] }) => d.box[0] > 270 && d.box[2] < 440 && d.box[1] < 120,
    );
    expect(middle.length).toBeGreaterThanOrEqual(3);
    expect(lines[1].detections.some((d: { label: string }) => d.label === 'person')).toBe(true);
    const errors = r.stderr.trim().split('\n');
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/corrupt\.jpg: JH_ERR_DETECT_IMAGE_UNREADABLE/);
    expect(errors[1]).toMatch(/missing\.png: JH_ERR_DETECT_IMAGE_NOT_FOUND/);
    expect(errors[2]).toMatch(/tiny\.png: JH_ERR_DETECT_IMAGE_TOO_SMALL: .*1×1/);
  });

  it('--input-size runs YOLOX-Nano and its heads at another size: the same people, boxes in source pixels', async () => {
    const r = await jianhu(['detect', '--input-size', '512', '--json', p('t30.png')]);
    expect(r.code).toBe(0);
    const line = JSON.parse(r.stdout.trim());
    const people = line.detections.filter((d: { label: string }) => d.label === 'person');
    expect(people.length).toBeGreaterThanOrEqual(4);
    for (const d of people) expect(d.box[2] <= 640 && d.box[3] <= 352).toBe(true);
    const bad = await jianhu(['detect', '--input-size', '500', '--json', p('t30.png')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--input-size needs a multiple of 32/);
  });

  it('refuses a model file whose sha256 does not match the manifest, saying where to get it', async () => {
    const bad = join(dir, 'models');
    mkdirSync(join(bad, 'yolox-nano-coco'), { recursive: true });
    writeFileSync(join(bad, 'yolox-nano-coco/yolox_nano_416x416.onnx'), 'not a model');
    const r = await jianhu(['detect', '--json', '--models-dir', bad, p('t10.png')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/JH_ERR_DETECT_MODEL_CHECKSUM/);
    expect(r.stderr).toMatch(/download it from https:\/\/github\.com\//);
  });

  it('explains a missing model directory and an unknown model name', async () => {
    const missing = await jianhu(['detect', '--json', p('t10.png')], {
      JIANHU_MODELS_DIR: join(dir, 'nowhere'),
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/JH_ERR_DETECT_MODEL_MISSING.*download it from/);
    const unknown = await jianhu(['detect', '--model', 'no-such-model', '--json', p('t10.png')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/JH_ERR_DETECT_MODEL_UNKNOWN.*yolox-nano-coco/);
  });
});

describe('jianhu detect usage', () => {
  it('exits 2 with usage when no image is given', async () => {
    const r = await jianhu(['detect', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no image given[\s\S]*usage: jianhu detect/);
  });
});

const HHW_BARE = join(ROOT, '../shared/datasets/hard-hat-workers/images/val/hard_hat_workers497.jpg');
describe.skipIf(!existsSync(HHW_BARE) || !existsSync(join(MODELS, 'yolox-nano-coco')))(
  'jianhu detect --min-score and the head state per person',
  () => {
    type Line = {
      detections: { label: string; score: number; box: number[]; head?: { state: string; score: number } }[];
    };
    const operating: Record<string, number> = {
      person: 0.3,
      helmet: 0.56,
      head: 0.58,
      vest: 0.42,
      no_vest: 0.58,
    };

    it('reports every label down to S, keeps the operating detections, and the head state does not move', async () => {
      const at = await jianhu(['detect', '--json', HHW_BARE]);
      const low = await jianhu(['detect', '--json', '--min-score', '0.05', HHW_BARE]);
      expect([at.code, low.code]).toEqual([0, 0]);
      const a = JSON.parse(at.stdout) as Line;
      const b = JSON.parse(low.stdout) as Line;
      for (const d of a.detections) expect(d.score).toBeGreaterThanOrEqual(operating[d.label] ?? 0.74);
      for (const d of b.detections) expect(d.score).toBeGreaterThanOrEqual(0.05);
      // everything reported at the operating point is still there, and more below it
      for (const d of a.detections) expect(b.detections).toContainEqual(d);
      expect(b.detections.some((d) => d.score < (operating[d.label] ?? 0.74))).toBe(true);
      // the photo: one worker, bare-headed (hard-hat-workers val 497 labels one `head`)
      const person = a.detections.find((d) => d.label === 'person');
      expect(person?.head?.state).toBe('bare');
      expect(b.detections.find((d) => d.label === 'person')?.head).toEqual(person?.head);
    });

    it('refuses a bad S with exit 2 and a coded message (the range: unit-tested)', async () => {
      const r = await jianhu(['detect', '--json', '--min-score', '1.5', HHW_BARE]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/JH_ERR_MIN_SCORE/);
    });
  },
);
