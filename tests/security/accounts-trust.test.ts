import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { validateConfig } from '../../src/config/load.ts';
import { createServices } from '../../src/services.ts';
import { createLogger } from '../../src/platform/shared/logger.ts';
import { startFullTestService, testConfigInput, TEST_PASSWORD } from '../helpers/test-service.ts';

/**
 * #23's account findings, as the attacker did them:
 * - an enterprise admin creates `regulator2` as a welder and keeps its token; operations later add
 *   `regulator2` to the config as a regulator; on restart the old token became a regulator session;
 * - two parallel creates of one username both answered 201 and the second moved the account into
 *   another enterprise (an upsert).
 */
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Users = Record<string, unknown>[];

/** The service on a kept data folder, as `jianhu serve` builds it (stop, edit config, start again). */
async function boot(dir: string, users?: (base: Users) => Users) {
  const input = testConfigInput(dir);
  if (users) input.users = users(input.users as Users);
  const services = await createServices(validateConfig(input), { logger: createLogger('silent') });
  const app = await buildApp(services, { logRequests: false });
  await app.ready();
  return {
    app,
    async close() {
      await app.close();
      await services.close();
    },
  };
}

async function login(app: FastifyInstance, username: string, password = TEST_PASSWORD) {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  expect(res.statusCode, res.body).toBe(200);
  return `Bearer ${(res.json() as { token: string }).token}`;
}
const get = (app: FastifyInstance, url: string, authorization: string) =>
  app.inject({ method: 'GET', url, headers: { authorization } });

describe('config sync never adopts an account made through the API', () => {
  it('refuses to start, naming the user, instead of turning the old token into a regulator', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jianhu-adopt-'));
    dirs.push(dir);
    const first = await boot(dir);
    const created = await first.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { authorization: await login(first.app, 'admin-a') },
      payload: { username: 'regulator2', displayName: '假监管', role: 'welder', password: 'welder-pass-123' },
    });
    expect(created.statusCode).toBe(201);
    const kept = await login(first.app, 'regulator2', 'welder-pass-123');
    await first.close();

    // operations add regulator2 to the config as the region's regulator
    const withRegulator = (base: Users) => [
      ...base,
      {
        username: 'regulator2',
        displayName: '监管二',
        role: 'regulator',
        regionId: 'zezhou',
        password: 'regulator-pass-1',
      },
    ];
    await expect(boot(dir, withRegulator)).rejects.toMatchObject({
      code: 'JH_ERR_AUTH_CONFIG_USER_TAKEN',
      details: { username: 'regulator2' },
      message: expect.stringContaining('"regulator2"'),
    });

    // the refused start changed nothing: the account is still the welder the admin made
    const again = await boot(dir);
    const me = await get(again.app, '/api/me', kept);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      user: { username: 'regulator2', role: 'welder' },
      enterpriseIds: ['ent-a'],
    });
    await again.close();
  });

  it('a change of role, enterprise, region or password in the config ends that user’s sessions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jianhu-sync-'));
    dirs.push(dir);
    const first = await boot(dir);
    const tokens = {
      welder: await login(first.app, 'welder-a'),
      safetyB: await login(first.app, 'safety-b'),
      regulator: await login(first.app, 'regulator-z'),
      guardian: await login(first.app, 'guardian-a'),
      unchanged: await login(first.app, 'approver-a'),
    };
    await first.close();
    const edited = await boot(dir, (base) =>
      base.map((u) => {
        const user = u as Record<string, unknown>;
        if (user.username === 'welder-a') return { ...user, role: 'guardian' };
        if (user.username === 'safety-b') return { ...user, enterpriseId: 'ent-a' };
        if (user.username === 'regulator-z') return { ...user, regionId: 'other-county' };
        if (user.username === 'guardian-a') return { ...user, password: 'a-new-password-1' };
        return user;
      }),
    );
    for (const [who, token] of Object.entries(tokens)) {
      const res = await get(edited.app, '/api/me', token);
      expect(res.statusCode, who).toBe(who === 'unchanged' ? 200 : 401);
    }
    await edited.close();
  });
});

describe('user creation is an INSERT', () => {
  it('two truly parallel creates of one name: one 201, one 409, the first account unchanged', async () => {
    const t = await startFullTestService();
    try {
      const base = t.service.url;
      const [a, b] = [await t.login('admin-a'), await t.login('admin-b')];
      const create = (authorization: string, password: string) =>
        fetch(`${base}/api/users`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'twin', displayName: '双胞胎', role: 'welder', password }),
        });
      // both requests are on the wire before either is answered (argon2 hashing takes ~100 ms)
      const [ra, rb] = await Promise.all([create(a, 'password-of-a-1'), create(b, 'password-of-b-1')]);
      const statuses = [ra.status, rb.status].sort();
      expect(statuses).toEqual([201, 409]);
      const loser = ra.status === 409 ? ra : rb;
      expect(((await loser.json()) as { code: string }).code).toBe('JH_ERR_USER_EXISTS');
      const [winnerAdmin, winnerEnt, winnerPw, loserPw] =
        ra.status === 201
          ? [a, 'ent-a', 'password-of-a-1', 'password-of-b-1']
          : [b, 'ent-b', 'password-of-b-1', 'password-of-a-1'];
      const listed = (await (
        await fetch(`${base}/api/users`, { headers: { authorization: winnerAdmin } })
      ).json()) as {
        username: string;
        enterpriseId: string;
      }[];
      expect(listed.find((u) => u.username === 'twin')).toMatchObject({ enterpriseId: winnerEnt });
      const signIn = (password: string) =>
        fetch(`${base}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'twin', password }),
        });
      expect((await signIn(winnerPw)).status).toBe(200);
      expect((await signIn(loserPw)).status).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('a role change through the API ends the user’s sessions', async () => {
    const t = await startFullTestService();
    try {
      const admin = await t.login('admin-a');
      const welder = await t.login('welder-a');
      const users = (
        await t.app.inject({ method: 'GET', url: '/api/users', headers: { authorization: admin } })
      ).json() as {
        userId: number;
        username: string;
      }[];
      const id = users.find((u) => u.username === 'welder-a')!.userId;
      const patched = await t.app.inject({
        method: 'PATCH',
        url: `/api/users/${id}`,
        headers: { authorization: admin },
        payload: { role: 'guardian' },
      });
      expect(patched.statusCode).toBe(200);
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: welder } }))
          .statusCode,
      ).toBe(401);
    } finally {
      await t.close();
    }
  });
});
