import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/** A quoted module specifier, built so that this file's own import scanners do not read it as one. */
const q = (spec: string) => `'${spec}'`;

/** Runs the folder rule of `npm run check` on a made-up src/ tree. */
function check(files: Record<string, string>): { status: number | null; out: string } {
  const root = mkdtempSync(join(tmpdir(), 'jh-folders-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const r = spawnSync('node', ['scripts/check-folder-deps.mjs', root], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

// each case runs the checker as a process over a tree: seconds on a loaded machine, not the unit default 5 s
describe('folder dependency rule (npm run check)', { timeout: 30_000 }, () => {
  it('passes the real src/', () => {
    const r = spawnSync('node', ['scripts/check-folder-deps.mjs'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('refuses a context importing upwards, and names the file', () => {
    const r = check({
      'platform/shared/a.ts': `import { b } from ${q('../../work/permits/b.ts')};\nexport const a = b;\n`,
      'work/permits/b.ts': 'export const b = 1;\n',
    });
    expect(r.status).toBe(1);
    expect(r.out).toContain('platform may not import work: platform/shared/a.ts → work/permits/b.ts');
  });

  it('refuses a value-import cycle between two capability folders of one context', () => {
    const r = check({
      'work/permits/a.ts': `import { b } from ${q('../locks/b.ts')};\nexport const a = () => b;\n`,
      'work/locks/b.ts': `import { a } from ${q('../permits/a.ts')};\nexport const b = () => a;\n`,
    });
    expect(r.status).toBe(1);
    expect(r.out).toContain('value-import cycle between folders: work/locks ↔ work/permits');
  });

  it('lets type-only imports go both ways (they vanish at run time)', () => {
    const r = check({
      'work/permits/a.ts': `import type { B } from ${q('../locks/b.ts')};\nexport type A = B;\nexport const a = 1;\n`,
      'work/locks/b.ts': `import { type A } from ${q('../permits/a.ts')};\nexport type B = A | number;\nexport const b = 2;\n`,
      'platform/shared/c.ts': `import type { A } from ${q('../../work/permits/a.ts')};\nexport type C = A;\n`,
    });
    expect(r.out).toContain('folder-deps: OK');
    expect(r.status).toBe(0);
  });

  it('refuses an unknown top-level folder until the rule names it', () => {
    const r = check({
      'gateway/x.ts': `import { y } from ${q('../platform/shared/y.ts')};\nexport const x = y;\n`,
      'platform/shared/y.ts': 'export const y = 1;\n',
    });
    expect(r.status).toBe(1);
    expect(r.out).toContain('src/gateway/ is not a known context');
  });
});
