import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const HHW = join(ROOT, '../shared/datasets/hard-hat-workers');
const SV_TEST = join(ROOT, '../shared/datasets/safety-vest-v4/test');
const dir = mkdtempSync(join(tmpdir(), 'jianhu-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function jianhu(args: string[], timeout = 50_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin/jianhu.mjs'), 'eval', ...args],
      { cwd: ROOT, timeout },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('jianhu eval', () => {
  it('refuses a missing folder and an empty one with exit 2 and a coded message (bad flags: unit-tested)', async () => {
    const a = await jianhu(['--dataset', join(dir, 'nope'), '--format', 'voc']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('JH_ERR_EVAL_DATASET');
    const c = await jianhu(['--dataset', dir, '--format', 'voc']);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('JH_ERR_EVAL_EMPTY');
  });

  const CSS = join(ROOT, '../shared/datasets/construction-site-safety');
  it.skipIf(!existsSync(HHW) || !existsSync(CSS))(
    'with no dataset: every PPE model on every source, labelled in-source or held-out-source (1 image a set)',
    async () => {
      // four model loads and seven sets: more than one image each would make this a benchmark
      const r = await jianhu(['--limit', '1', '--json'], 100_000);
      expect(r.code).toBe(0);
      const s = JSON.parse(r.stdout) as {
        minScore: number;
        rows: {
          model: string;
          source: string;
          kind: string;
          set: string;
          images: number;
          classes: { label: string; at: { iou: number; ap: number }[] }[];
          bareHeads?: { heads: number; asHead: number; asHelmet: number; missed: number };
          crops?: { crops: number };
          headStates?: Record<string, Record<string, number>>;
        }[];
        notMeasured: { model: string; source: string }[];
      };
      expect(s.minScore).toBe(0.05);
      const kinds = s.rows.map((x) => `${x.model} ${x.source} ${x.kind} ${x.set}`);
      expect(kinds).toEqual([
        'ppe-hardhat hard-hat-workers in-source test',
        'ppe-hardhat safety-vest-v4 in-source test',
        'ppe-hardhat construction-site-safety held-out-source valid+test',
        'ppe-vest safety-vest-v4 in-source test',
        'ppe-vest construction-site-safety held-out-source valid+test',
        'ppe-vest-head safety-vest-v4 in-source test',
        'ppe-vest-head construction-site-safety held-out-source valid+test',
      ]);
      for (const row of s.rows) {
        expect(row.images).toBe(1);
        for (const c of row.classes) expect(c.at.map((a) => a.iou)).toEqual([0.3, 0.5]);
        if (row.model === 'ppe-hardhat') {
          const b = row.bareHeads!;
          expect(b.asHead + b.asHelmet + b.missed).toBe(b.heads);
          // the per-person head state needs labelled persons: construction-site-safety alone has them
          expect(row.headStates !== undefined).toBe(row.source === 'construction-site-safety');
        } else if (row.model === 'ppe-vest') expect(row.crops?.crops).toBeGreaterThanOrEqual(0);
        else expect(row.crops).toBeUndefined(); // torso crops are the crop classifier's figure
      }
      // a held-out figure for a source the shipped model trained on needs a retrained model: said, not faked
      expect(s.notMeasured.map((n) => `${n.model} ${n.source}`)).toEqual([
        'ppe-hardhat hard-hat-workers',
        'ppe-hardhat safety-vest-v4',
        'ppe-vest safety-vest-v4',
        'ppe-vest-head safety-vest-v4',
      ]);
    },
    110_000,
  );

  it.skipIf(!existsSync(HHW))(
    'prints AP, precision/recall and a confusion summary for a labelled VOC list',
    async () => {
      const list = join(dir, 'list.txt');
      writeFileSync(
        list,
        ['hard_hat_workers102.jpg', 'hard_hat_workers103.jpg']
          .map((f) => join(HHW, 'images', 'test', f))
          .join('\n'),
      );
      const r = await jianhu([
        '--dataset',
        join(HHW, 'images', 'test'),
        '--format',
        'voc',
        '--list',
        list,
        '--model',
        'ppe-hardhat',
        '--json',
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as {
        images: number;
        classes: { label: string; gts: number; ap: number }[];
      };
      expect(report.images).toBe(2);
      const helmet = report.classes.find((c) => c.label === 'helmet');
      expect(helmet?.gts).toBeGreaterThan(0);
      expect(helmet?.ap).toBeGreaterThan(0.3);
    },
  );

  it.skipIf(!existsSync(SV_TEST))(
    "prints the vest model card's torso-crop accuracy on the held-back test split (same pairing as training)",
    async () => {
      const r = await jianhu([
        ...['--dataset', SV_TEST, '--format', 'yolo', '--model', 'yolox-nano-coco,ppe-vest', '--json'],
      ]);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as { crops?: { crops: number; fromDetected: number; acc: number } };
      const card = JSON.parse(readFileSync(join(ROOT, 'models/ppe-vest.eval.json'), 'utf8')) as {
        crops: { crops: number; fromDetected: number; acc: number };
      };
      expect(report.crops?.crops).toBe(card.crops.crops);
      expect(report.crops?.fromDetected).toBe(card.crops.fromDetected);
      expect(report.crops?.acc).toBeCloseTo(card.crops.acc, 6);
    },
    60_000,
  );

  interface Report {
    images: number;
    classes: { label: string; gts: number; ap: number; precision: number; recall: number }[];
    frame?: { recall: number; fpRate: number };
  }
  const sameFigures = (got: Report, card: Report): void => {
    expect(got.images).toBe(card.images);
    expect(got.classes.map((c) => [c.label, c.gts])).toEqual(card.classes.map((c) => [c.label, c.gts]));
    got.classes.forEach((c, i) => {
      const want = card.classes[i] as Report['classes'][number];
      expect(c.ap).toBeCloseTo(want.ap, 6);
      expect(c.precision).toBeCloseTo(want.precision, 6);
      expect(c.recall).toBeCloseTo(want.recall, 6);
    });
    if (!card.frame) return expect(got.frame).toBeUndefined();
    expect(got.frame?.recall).toBeCloseTo(card.frame.recall, 6);
    expect(got.frame?.fpRate).toBeCloseTo(card.frame.fpRate, 6);
  };

  it.skipIf(!existsSync(HHW))(
    "prints the hard-hat model card's figures on the held-back hard-hat-workers test split",
    async () => {
      const r = await jianhu([
        ...['--dataset', join(HHW, 'images', 'test'), '--format', 'voc', '--model', 'ppe-hardhat', '--json'],
      ]);
      expect(r.code).toBe(0);
      const card = JSON.parse(readFileSync(join(ROOT, 'models/ppe-hardhat.eval.json'), 'utf8')) as {
        hhw: Report;
      };
      sameFigures(JSON.parse(r.stdout) as Report, card.hhw);
    },
    60_000,
  );

  it.skipIf(!existsSync(join(ROOT, '../shared/datasets/fire-smoke-cctv')))(
    "prints the fire/smoke model card's figures, frame level included, on the held-back clips",
    async () => {
      const r = await jianhu([
        ...['--dataset', join(ROOT, '../shared/datasets/fire-smoke-cctv'), '--format', 'yolo'],
        ...['--list', join(ROOT, 'training/splits/fire-smoke-test.txt'), '--model', 'fire-smoke', '--json'],
      ]);
      expect(r.code).toBe(0);
      const card = JSON.parse(readFileSync(join(ROOT, 'models/fire-smoke.eval.json'), 'utf8')) as {
        test: Report;
      };
      sameFigures(JSON.parse(r.stdout) as Report, card.test);
    },
    60_000,
  );
});
