import { describe, expect, it } from 'vitest';
import { HubConfigError, loadHubConfigFile, validateHubConfig } from '../../src/hub/config.ts';
import { hubConfigInput } from '../helpers/hub-sim.ts';

const base = () => hubConfigInput('nats://127.0.0.1:4222', 'postgres://u@127.0.0.1:5432/hub');
const issues = (raw: unknown, env: NodeJS.ProcessEnv = {}): string[] => {
  try {
    validateHubConfig(raw, env);
    return [];
  } catch (e) {
    if (e instanceof HubConfigError) return e.issues;
    throw e;
  }
};

describe('hub config (fail closed)', () => {
  it('accepts the test config and fills defaults', () => {
    const c = validateHubConfig(base(), {});
    expect(c.nats.stream.duplicateWindowSeconds).toBe(120);
    expect(c.nats.durable).toBe('jianhu-hub');
  });

  it('rejects unknown keys, dangling references and an enterprise on two boxes', () => {
    expect(issues({ ...base(), extra: 1 }).join()).toMatch(/additional/);
    const b = base();
    expect(issues({ ...b, boxes: [...b.boxes, { id: 'box-x', enterpriseIds: ['ent-a'] }] }).join()).toMatch(
      /"ent-a" already belongs to box "box-a"/,
    );
    expect(issues({ ...b, boxes: [{ id: 'box-x', enterpriseIds: ['nope'] }] }).join()).toMatch(
      /no enterprise "nope"/,
    );
    expect(issues({ ...b, store: {} }).join()).toMatch(/store: give url or urlEnv/);
  });

  it('wants exactly one password source per user, and its variable set', () => {
    const b = base();
    const user = { username: 'r', displayName: 'r', regionId: 'zezhou' };
    expect(issues({ ...b, users: [user] }).join()).toMatch(/exactly one/);
    expect(issues({ ...b, users: [{ ...user, passwordEnv: 'HUB_PW' }] }).join()).toMatch(/HUB_PW is not set/);
    expect(issues({ ...b, users: [{ ...user, passwordEnv: 'HUB_PW' }] }, { HUB_PW: 'x' })).toEqual([]);
  });

  it('refuses a natsServer section whose box rights disagree with the hub registry', () => {
    const nkey = `U${'A'.repeat(55)}`;
    const natsServer = {
      storeDir: '/x',
      hubNkey: nkey,
      boxes: [{ boxId: 'box-a', nkey: `U${'B'.repeat(55)}`, enterprises: ['ent-a', 'ent-b'] }],
    };
    expect(issues({ ...base(), natsServer }).join()).toMatch(/box "box-a" may publish for \[ent-a, ent-b\]/);
  });
});

describe('config/hub.example.yaml', () => {
  it('is a valid hub config once its variables are set', () => {
    const env = { JIANHU_HUB_PG_URL: 'postgres://u@127.0.0.1/hub', JIANHU_HUB_REG_PASSWORD: 'a-password' };
    const c = loadHubConfigFile('config/hub.example.yaml', env);
    expect(c.boxes.map((b) => b.id)).toEqual(['jinfeng-1', 'huayang-1']);
    expect(() => loadHubConfigFile('config/hub.example.yaml', {})).toThrow(HubConfigError);
  });
});
