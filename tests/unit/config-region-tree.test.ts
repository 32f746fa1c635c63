import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigText } from '../../src/config/load.ts';

function issuesOf(text: string) {
  try {
    loadConfigText(text);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  return [];
}

describe('regions nest (市 → 县 → 镇)', () => {
  it('accepts a 市 with its 县 and a 镇 under the 县', () => {
    const cfg = loadConfigText(`
regions:
  - { id: jincheng, name: 晋城市 }
  - { id: zezhou, name: 泽州县, parent: jincheng }
  - { id: nancun, name: 南村镇, parent: zezhou }
`);
    expect(cfg.regions.map((r) => r.parent)).toEqual([undefined, 'jincheng', 'zezhou']);
  });

  it('refuses an unknown parent and names the region', () => {
    const issues = issuesOf(`
regions:
  - { id: zezhou, name: 泽州县, parent: nowhere }
`);
    expect(issues.map((i) => i.path)).toEqual(['regions[0].parent']);
    expect(issues[0]!.message).toMatch(/"nowhere" is not defined/);
  });

  it('refuses a cycle, and a region that is its own parent', () => {
    const issues = issuesOf(`
regions:
  - { id: a, name: 甲, parent: b }
  - { id: b, name: 乙, parent: c }
  - { id: c, name: 丙, parent: a }
  - { id: d, name: 丁, parent: d }
  - { id: e, name: 戊, parent: a }
`);
    // a, b and c each find the cycle; d is its own parent; e hangs below the cycle and is refused too
    expect(issues.map((i) => i.path)).toEqual([
      'regions[0].parent',
      'regions[1].parent',
      'regions[2].parent',
      'regions[3].parent',
      'regions[4].parent',
    ]);
    expect(issues[0]!.message).toMatch(/own ancestor.*a → b → c → a/);
    expect(issues[3]!.message).toMatch(/d → d/);
  });
});
