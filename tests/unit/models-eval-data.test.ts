import { describe, expect, it } from 'vitest';
import { parseVoc, parseYolo } from '../../src/cli/commands/eval-data.ts';
import { parseEvalArgs } from '../../src/cli/commands/eval.ts';

describe('parseVoc', () => {
  it('maps dataset names to our labels and skips unknown or broken objects', () => {
    const xml = `<annotation>
      <object><name>helmet</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>11</xmax><ymax>12</ymax></bndbox></object>
      <object><name>head</name><bndbox><xmin>20</xmin><ymin>20</ymin><xmax>30</xmax><ymax>35</ymax></bndbox></object>
      <object><name>dog</name><bndbox><xmin>0</xmin><ymin>0</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object>
      <object><name>head</name><bndbox><xmin>9</xmin><ymin>0</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object>
    </annotation>`;
    expect(parseVoc(xml)).toEqual([
      { label: 'helmet', box: [1, 2, 11, 12] },
      { label: 'head', box: [20, 20, 30, 35] },
    ]);
  });
});

describe('parseYolo', () => {
  const names = ['capacete', 'colete_refletivo', 'sem_capacete', 'sem_colete_refletivo'];
  it('denormalises boxes and maps the Portuguese class names', () => {
    const gts = parseYolo('2 0.5 0.5 0.25 0.5\n1 0.25 0.25 0.5 0.5\nbad line\n', names, 400, 200);
    expect(gts).toEqual([
      { label: 'head', box: [150, 50, 250, 150] },
      { label: 'vest', box: [0, 0, 200, 100] },
    ]);
  });
  it('treats the fire set "default" class as a negative frame (no boxes)', () => {
    expect(parseYolo('1 0.5 0.5 1 1', ['Fire', 'default', 'smoke'], 100, 100)).toEqual([]);
    expect(parseYolo('0 0.5 0.5 1 1', ['Fire', 'default', 'smoke'], 100, 100)[0]?.label).toBe('fire');
  });
});

describe('parseEvalArgs', () => {
  it('requires a dataset and a known format, validates labels and mappings', () => {
    expect(parseEvalArgs(['--format', 'voc'])).toMatch(/--dataset/);
    expect(parseEvalArgs(['--dataset', 'x', '--format', 'coco'])).toMatch(/--format/);
    expect(parseEvalArgs(['--dataset', 'x', '--format', 'voc', '--labels', 'hat'])).toMatch(/unknown label/);
    expect(parseEvalArgs(['--dataset', 'x', '--format', 'voc', '--map', 'hat=cap'])).toMatch(/bad pair/);
    const ok = parseEvalArgs(['--dataset', 'x', '--format', 'yolo', '--map', 'hat=helmet', '--json']);
    expect(typeof ok).toBe('object');
    if (typeof ok === 'object') {
      expect(ok.map.hat).toBe('helmet');
      expect(ok.json).toBe(true);
    }
  });
});
