import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** `jianhu errors`: the coded-error catalogue every context defines next to its code, in one list. */
describe('jianhu errors', () => {
  it('lists every coded error once, from every context, with its status and both languages', () => {
    const r = spawnSync('node', ['bin/jianhu.mjs', 'errors', '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const all = JSON.parse(r.stdout) as { code: string; status: number; zh: string; en: string }[];
    const codes = all.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual([...codes].sort((a, b) => a.localeCompare(b)));
    for (const e of all) {
      expect(e.code).toMatch(/^JH_ERR_[A-Z0-9]+_[A-Z0-9_]+$/);
      expect(e.status).toBeGreaterThanOrEqual(400);
      expect(e.status).toBeLessThan(600);
      expect(e.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(e.en).toMatch(/[A-Za-z]/);
    }
    for (const code of [
      'JH_ERR_PERMIT_MONITORING_DOWN', // work
      'JH_ERR_CAMERA_SCHEME_UNSUPPORTED', // video
      'JH_ERR_HAZARD_NOT_FOUND', // oversight
      'JH_ERR_HTTP_VALIDATION', // platform
      'JH_ERR_PERMIT_UNKNOWN_KIND', // work kinds
    ])
      expect(codes).toContain(code);
  });

  it('prints a table without --json, and refuses an unknown option with exit 2', () => {
    const table = spawnSync('node', ['bin/jianhu.mjs', 'errors'], { encoding: 'utf8' });
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^JH_ERR_PERMIT_MONITORING_DOWN\t409\t/m);
    const bad = spawnSync('node', ['bin/jianhu.mjs', 'errors', '--yaml'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown option --yaml');
    expect(bad.stdout).toBe('');
  });
});
