import { describe, expect, it } from 'vitest';
import { ConfigError, applyEnvOverrides, loadConfigText } from '../../src/config/load.ts';

const base = `
regions: [{ id: r1, name: 县 }]
enterprises: [{ id: e1, name: 企业, regionId: r1 }]
`;

function issuesOf(text: string) {
  try {
    loadConfigText(text);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  return [];
}

describe('config validation', () => {
  it('accepts an empty file with every default filled in', () => {
    const cfg = loadConfigText('{}');
    expect(cfg.server.port).toBe(8780);
    expect(cfg.store.path).toBe('data/jianhu.db');
    expect(Object.isFrozen(cfg.server)).toBe(true);
  });

  it('reports an unknown key, a camera without url and a two-point zone, each with path and line', () => {
    const issues = issuesOf(`${base}
colour: blue
sites:
  - id: s1
    name: 车间
    enterpriseId: e1
    cameras:
      - id: c1
        name: 一号
      - id: c2
        name: 二号
        url: rtsp://x/c2
        zones:
          - { id: z1, name: 危险区, kind: danger_zone, points: [[0, 0], [1, 1]] }
`);
    expect(issues.map((i) => i.path)).toEqual([
      'colour',
      'sites[0].cameras[0].url',
      'sites[0].cameras[1].zones[0].points',
    ]);
    expect(issues[0]!.message).toMatch(/unknown key "colour"/);
    expect(issues[1]!.message).toMatch(/missing required key "url"/);
    expect(issues[2]!.message).toMatch(/at least 3/);
    expect(issues[0]!.line).toBe(5);
    expect(issues[2]!.line).toBe(17);
  });

  it('names where a replaced key went: retention.videoDays → recording.retention', () => {
    const issues = issuesOf(`${base}
retention:
  videoDays: 40
`);
    expect(issues.map((i) => i.path)).toEqual(['retention.videoDays']);
    expect(issues[0]!.message).toMatch(/replaced by recording\.retention/);
  });

  it('cross-checks references, duplicates and user tenancy', () => {
    const issues = issuesOf(`${base}
sites:
  - { id: s1, name: a, enterpriseId: nope }
  - { id: s1, name: b, enterpriseId: e1 }
users:
  - { username: reg, displayName: 监管, role: regulator, password: long-enough-1 }
`);
    expect(issues.map((i) => i.path)).toEqual(['sites[1].id', 'sites[0].enterpriseId', 'users[0].regionId']);
  });

  it('rejects YAML syntax errors with a line', () => {
    const issues = issuesOf('server: [1, 2\n');
    expect(issues[0]!.path).toBe('(yaml)');
    expect(issues[0]!.line).toBeGreaterThan(0);
  });

  it('applies environment overrides with typed values', () => {
    const raw = applyEnvOverrides({}, { JIANHU_PORT: '9001', JIANHU_CFG__mqtt__embedded: 'false' });
    expect(raw).toEqual({ server: { port: 9001 }, mqtt: { embedded: false } });
  });

  it('rejects an override that breaks the schema', () => {
    expect(() => loadConfigText('{}', 'x', { JIANHU_PORT: 'eighty' })).toThrow(ConfigError);
  });
});
