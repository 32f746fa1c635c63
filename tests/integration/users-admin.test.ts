import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => {
  await t.close();
});

const call = async (who: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({
    method,
    url,
    headers: { authorization: await t.login(who) },
    ...(payload ? { payload } : {}),
  });

describe('用户与角色 user administration', () => {
  it('lists only the admin’s own enterprise, without secrets', async () => {
    const res = await call('admin-a', 'GET', '/api/users');
    expect(res.statusCode).toBe(200);
    const names = (res.json() as { username: string }[]).map((u) => u.username);
    expect(names).toEqual(['welder-a', 'guardian-a', 'safety-a', 'approver-a', 'admin-a']);
    expect(res.body).not.toMatch(/argon2|password/i);
  });

  it('creates a user in the admin’s enterprise who can then sign in; duplicate names are refused', async () => {
    const created = await call('admin-a', 'POST', '/api/users', {
      username: 'welder-a2',
      displayName: '新焊工',
      role: 'welder',
      password: 'new-password-1',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      username: 'welder-a2',
      role: 'welder',
      enterpriseId: 'ent-a',
      disabled: false,
    });
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'welder-a2', password: 'new-password-1' },
    });
    expect(login.statusCode).toBe(200);
    const again = await call('admin-a', 'POST', '/api/users', {
      username: 'welder-a2',
      displayName: 'x',
      role: 'welder',
      password: 'new-password-1',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('JH_ERR_USER_EXISTS');
  });

  it('refuses the regulator role, other roles, other tenants and self-lockout with codes', async () => {
    const reg = await call('admin-a', 'POST', '/api/users', {
      username: 'reg2',
      displayName: 'x',
      role: 'regulator',
      password: 'long-enough-1',
    });
    expect(reg.json().code).toBe('JH_ERR_USER_ROLE_NOT_ALLOWED');
    expect((await call('safety-a', 'GET', '/api/users')).statusCode).toBe(403);
    const bUser = (await call('admin-b', 'GET', '/api/users')).json() as { userId: number }[];
    const cross = await call('admin-a', 'PATCH', `/api/users/${bUser[0]!.userId}`, { disabled: true });
    expect(cross.statusCode).toBe(404);
    const me = (await call('admin-a', 'GET', '/api/users'))
      .json()
      .find((u: { username: string }) => u.username === 'admin-a');
    const self = await call('admin-a', 'PATCH', `/api/users/${me.userId}`, { disabled: true });
    expect(self.json().code).toBe('JH_ERR_USER_SELF_CHANGE');
  });

  it('disabling a user signs it out at once and records who did it', async () => {
    const token = await t.login('guardian-a');
    const list = (await call('admin-a', 'GET', '/api/users')).json() as {
      userId: number;
      username: string;
    }[];
    const guardian = list.find((u) => u.username === 'guardian-a')!;
    const res = await call('admin-a', 'PATCH', `/api/users/${guardian.userId}`, { disabled: true });
    expect(res.statusCode).toBe(200);
    expect(res.json().disabled).toBe(true);
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: token } });
    expect(me.statusCode).toBe(401);
    const event = t.services.db
      .prepare(`SELECT payload FROM outbox WHERE type = 'user.updated' ORDER BY id DESC LIMIT 1`)
      .get() as { payload: string };
    expect(JSON.parse(event.payload)).toEqual({
      userId: guardian.userId,
      changes: ['disabled'],
      by: 'admin-a',
    });
  });
});
