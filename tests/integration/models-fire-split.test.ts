/**
 * The fire/smoke model's data split (training/datasets.ts): by clip, so no clip's frames land in two splits;
 * the committed test list is exactly the held-back split; frames with a known label error are in no split.
 */
import { readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/vision/detect/manifest.ts';
import { FIRE_LABEL_ERRORS, fireClip, fireSmoke } from '../../training/datasets.ts';

describe('fire/smoke split', () => {
  it('splits by clip, matches the committed test list and drops the frames with label errors', async () => {
    const s = await fireSmoke();
    const clips = (k: 'train' | 'val' | 'test') => new Set(s[k].map((i) => fireClip(i.file)));
    const [train, val, test] = [clips('train'), clips('val'), clips('test')];
    for (const c of val) expect(train.has(c)).toBe(false);
    for (const c of test) expect(train.has(c) || val.has(c)).toBe(false);
    // every frame of the dataset is in exactly one split, except the label errors
    const all = [...s.train, ...s.val, ...s.test].map((i) => basename(i.file));
    expect(new Set(all).size).toBe(all.length);
    expect(all.length + FIRE_LABEL_ERRORS.length).toBe(979);
    for (const f of FIRE_LABEL_ERRORS) expect(all).not.toContain(f);
    const list = readFileSync(join(PROJECT_ROOT, 'training', 'splits', 'fire-smoke-test.txt'), 'utf8');
    expect(list.trim().split('\n')).toEqual(s.test.map((i) => relative(PROJECT_ROOT, i.file)));
  });
});
