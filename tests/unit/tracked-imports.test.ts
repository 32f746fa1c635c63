/**
 * Every relative import in the tracked source resolves to a tracked file. A file that exists only in a
 * working copy (an ignore rule matched it, or it was never added) makes a fresh clone fail where the
 * author's copy works: training/data/augment.ts was once kept out of git by a `data/` rule, and no
 * trainer ran from a clone. Read from `git ls-files`, so the test means the same here and in CI.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/vision/detect/manifest.ts';

const tracked = new Set(
  execFileSync('git', ['ls-files', '-z'], { cwd: PROJECT_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean),
);
const sources = [...tracked].filter((f) => /\.(ts|mts|mjs|js)$/.test(f) && !f.startsWith('node_modules/'));

/** Relative specifiers of static imports/exports and dynamic import() calls. */
function relativeSpecifiers(code: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm;
  for (const m of code.matchAll(re)) out.push(m[2] as string);
  return out;
}

describe('tracked imports', () => {
  it('finds the relative specifiers of static, re-export and dynamic imports', () => {
    const code = [
      "import { a } from './a.ts';",
      "export { b } from '../b.ts';",
      "import './side-effect.mjs';",
      "const c = await import('./c.ts');",
      "import x from 'node:fs';",
    ].join('\n');
    expect(relativeSpecifiers(code)).toEqual(['./a.ts', '../b.ts', './side-effect.mjs', './c.ts']);
  });

  it('checks a real number of files', () => {
    expect(sources.length).toBeGreaterThan(100);
  });

  it('every relative import of a tracked file names a tracked file', () => {
    const missing: string[] = [];
    // this file's own examples above are strings, not imports
    for (const file of sources.filter((f) => f !== 'tests/unit/tracked-imports.test.ts')) {
      const code = readFileSync(join(PROJECT_ROOT, file), 'utf8');
      for (const spec of relativeSpecifiers(code)) {
        const target = normalize(join(dirname(file), spec));
        // browser modules may import through the static server's URL space; only files are checked
        if (!/\.(ts|mts|mjs|js|json)$/.test(target)) continue;
        if (!tracked.has(target)) missing.push(`${file} → ${spec}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
