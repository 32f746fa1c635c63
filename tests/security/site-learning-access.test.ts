import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_PERMISSIONS } from '../../src/platform/auth/permissions.ts';
import { ROLES } from '../../src/platform/auth/roles.ts';
import { launchChromium, openPage, signIn } from '../e2e/browser.ts';
import {
  adaptation,
  adopt,
  BASE,
  call,
  holdCrop,
  ROUTES,
  snapshot,
  startSiteLearningService,
  type FullTestService,
} from './site-learning-harness.ts';

/**
 * The site-learning routes (现场学习, `model:adapt`) under attack. The site model is one per box: every
 * camera on it runs it and every kept crop teaches it, so only an enterprise admin whose enterprise owns
 * all of them may read or change it. Wrong roles get 403, anonymous 401, another enterprise's admin 403
 * `JH_ERR_ADAPT_SHARED_BOX` (also once their camera makes the box shared); a same-site page on another
 * port cannot ride the admin's cookie; bad bodies are coded 4xx. Every refusal leaves the version list,
 * the version in use and the run state as they were. No training runs: versions are seeded as a past
 * `jianhu adapt` left them, and the one allowed adapt fails at once for want of the shipped photos
 * (site-learning-harness.ts).
 */
let t: FullTestService;

beforeAll(async () => {
  t = await startSiteLearningService();
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('site learning routes: roles and tenancy', () => {
  it('answers anonymous callers 401 and every role without model:adapt 403, on each route', async () => {
    const before = snapshot();
    expect(before.status).toMatchObject({ inUse: 2, crops: { confirmed: 2, dismissed: 2 } });
    const roles = ROLES.filter((r) => !ROLE_PERMISSIONS[r].includes('model:adapt'));
    expect(roles.length).toBeGreaterThanOrEqual(5);
    for (const role of roles) {
      const users = t.config.users.filter((u) => u.role === role).map((u) => u.username);
      expect(users.length, role).toBeGreaterThan(0);
      for (const user of users)
        for (const r of ROUTES) {
          const res = await call(user, r.method, r.url, r.method === 'POST' ? '{}' : undefined);
          expect(res.statusCode, `${user} ${r.method} ${r.url}`).toBe(403);
          expect(res.json()).toMatchObject({ code: 'JH_ERR_AUTH_FORBIDDEN', messageZh: expect.any(String) });
        }
    }
    for (const r of ROUTES) {
      const anon = await call(null, r.method, r.url, r.method === 'POST' ? '{}' : undefined);
      expect(anon.statusCode).toBe(401);
      expect(anon.json().code).toBe('JH_ERR_AUTH_MISSING');
      const forged = await t.app.inject({
        method: r.method,
        url: r.url,
        headers: { authorization: `Bearer ${randomBytes(32).toString('base64url')}` },
      });
      expect(forged.statusCode).toBe(401);
    }
    expect(snapshot()).toEqual(before);
  });

  it('keeps an admin of another enterprise from reading, adapting or rolling back A’s model', async () => {
    const before = snapshot();
    for (const r of ROUTES) {
      const res = await call('admin-b', r.method, r.url, r.method === 'POST' ? '{}' : undefined);
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
      expect(res.json().code).toBe('JH_ERR_ADAPT_SHARED_BOX');
      expect(res.body).not.toMatch(/versions|confirmed|sha256/);
    }
    await new Promise((r) => setTimeout(r, 50)); // a run started by mistake would have failed by now
    expect(snapshot()).toEqual(before);
    // A's own admin may (so the refusal above is the tenancy rule, not a broken route)
    const own = await call('admin-a', 'GET', `${BASE}/site`);
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ inUse: 2, crops: { confirmed: 2, dismissed: 2 } });
    const run = await call('admin-a', 'POST', `${BASE}/adapt`);
    expect(run.statusCode, run.body).toBe(202);
    await expect.poll(() => adaptation().status().running).toBe(false);
    expect(adaptation().status().lastError).toMatch(/no hard-hat-workers/);
  });
});

describe('in Chromium', () => {
  let browser: Browser;
  let evil: Server;
  let evilUrl = '';
  beforeAll(async () => {
    const forms = ['adapt', 'rollback']
      .map(
        (a) =>
          `<form id="${a}" method="POST" enctype="text/plain" action="${t.service.url}${BASE}/${a}"></form>`,
      )
      .join('');
    evil = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><meta charset="utf-8"><body>${forms}</body>`);
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => evil?.close(r));
  });

  it('a page on another port, holding admin-a’s cookie, cannot adapt, roll back or read the status', async () => {
    const ctx = await browser.newContext();
    const token = (await t.login('admin-a')).slice('Bearer '.length);
    await ctx.addCookies([{ name: 'jh_token', value: token, url: t.service.url, sameSite: 'Strict' }]);
    const before = snapshot();
    const page = await ctx.newPage();
    await page.goto(evilUrl);
    const read = await page.evaluate(
      async ({ base, url }) => {
        for (const a of ['adapt', 'rollback'])
          for (const body of [undefined, 'go'])
            await fetch(`${base}/${a}`, {
              method: 'POST',
              mode: 'no-cors',
              credentials: 'include',
              ...(body ? { headers: { 'content-type': 'text/plain' }, body } : {}),
            });
        return fetch(url, { credentials: 'include' }).then(
          (r) => r.text(),
          () => 'blocked',
        );
      },
      { base: `${t.service.url}${BASE}`, url: `${t.service.url}${BASE}/site` },
    );
    expect(read).toBe('blocked');
    for (const a of ['adapt', 'rollback']) {
      await page.goto(evilUrl);
      const answer = page.waitForResponse((r) => r.url().endsWith(`/${a}`));
      await page.evaluate((id) => (document.getElementById(id) as HTMLFormElement).submit(), a);
      const res = await answer;
      expect(res.status()).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'JH_ERR_HTTP_CROSS_ORIGIN' });
    }
    expect(snapshot()).toEqual(before);
    // the same cookie from the service's own page works: the refusal is the origin check
    await page.goto(`${t.service.url}/healthz`);
    const own = await page.evaluate(
      (u) => fetch(u, { method: 'POST', headers: { 'x-jianhu-request': '1' } }).then((r) => r.status),
      `${t.service.url}${BASE}/rollback`,
    );
    expect(own).toBe(200);
    expect(adaptation().status().inUse).toBe(1);
    await ctx.close();
  });

  it('the admin screen tells admin-b why site learning is not theirs, and offers no button', async () => {
    const { page, errors } = await openPage(browser);
    await signIn(page, t.service.url, 'admin-b', '/ui/permits.html');
    await page.goto(`${t.service.url}/ui/admin.html`);
    await expect
      .poll(() => page.locator('#admin-adapt #adapt-status').textContent())
      .toContain('JH_ERR_ADAPT_SHARED_BOX');
    expect(await page.locator('#adapt-run, #adapt-rollback, #adapt-versions').count()).toBe(0);
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    await page.context().close();
  });
});

describe('bad input to adapt and rollback', () => {
  it('answers malformed bodies and options the routes do not take with a coded 4xx, changing nothing', async () => {
    const before = snapshot();
    const bad: [string, string, string | undefined, number, string][] = [
      ['rollback', '{"version":', undefined, 400, 'JH_ERR_HTTP_BAD_JSON'],
      ['rollback', '', undefined, 400, 'JH_ERR_HTTP_BAD_JSON'],
      ['rollback', '{"version": 99}', undefined, 400, 'JH_ERR_HTTP_VALIDATION'],
      ['rollback', '{"to": "v1"}', undefined, 400, 'JH_ERR_HTTP_VALIDATION'],
      ['rollback', '[]', undefined, 400, 'JH_ERR_HTTP_VALIDATION'],
      ['rollback', '"v1"', undefined, 400, 'JH_ERR_HTTP_VALIDATION'],
      ['rollback', 'version=1', 'application/x-www-form-urlencoded', 415, 'JH_ERR_HTTP_UNSUPPORTED_MEDIA'],
      ['rollback', `{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`, undefined, 413, 'JH_ERR_HTTP_BODY_TOO_LARGE'],
      ['adapt', '{"steps": 1000000000}', undefined, 400, 'JH_ERR_HTTP_VALIDATION'],
      ['adapt', '{"minCrops": 0}', undefined, 400, 'JH_ERR_HTTP_VALIDATION'],
      ['adapt', '{', undefined, 400, 'JH_ERR_HTTP_BAD_JSON'],
    ];
    for (const [route, payload, type, status, code] of bad) {
      const res = await call('admin-a', 'POST', `${BASE}/${route}`, payload, type);
      expect(res.statusCode, `${route} ${payload.slice(0, 40)}`).toBe(status);
      expect(res.json()).toMatchObject({ code, message: expect.any(String), messageZh: expect.any(String) });
    }
    expect(snapshot()).toEqual(before);
    // an empty object, or no body, is a rollback; with nothing left to undo, a coded 409
    expect((await call('admin-a', 'POST', `${BASE}/rollback`, '{}')).json().inUse).toBeNull();
    const none = await call('admin-a', 'POST', `${BASE}/rollback`);
    expect(none.statusCode).toBe(409);
    expect(none.json().code).toBe('JH_ERR_ADAPT_NOTHING_TO_ROLL_BACK');
  });
});

describe('a box shared by two enterprises', () => {
  it('lets neither admin change the shared model; B’s crops keep it shared after B’s camera goes', async () => {
    adopt('site version three');
    const cam = await call(
      'admin-b',
      'POST',
      '/api/cameras',
      JSON.stringify({
        id: 'cam-b1',
        name: '乙 1号',
        siteId: 'site-b',
        url: 'rtsp://127.0.0.1:1/b1',
        enabled: false,
      }),
    );
    expect(cam.statusCode, cam.body).toBe(201);
    const before = snapshot();
    expect(before.status.inUse).toBe(3);
    const refusedAll = async () => {
      for (const user of ['admin-a', 'admin-b'])
        for (const r of ROUTES) {
          const res = await call(user, r.method, r.url, r.method === 'POST' ? '{}' : undefined);
          expect(res.statusCode, `${user} ${r.method} ${r.url}`).toBe(403);
          expect(res.json().code).toBe('JH_ERR_ADAPT_SHARED_BOX');
        }
    };
    await refusedAll();
    // B's camera raises a no-hard-hat violation (its crop is kept), then B removes the camera
    expect(await holdCrop(9100, 'ent-b', 'site-b', 'cam-b1')).toBe(true);
    const gone = await call('admin-b', 'DELETE', '/api/cameras/cam-b1');
    expect(gone.statusCode, gone.body).toBe(204);
    await refusedAll();
    const after = snapshot();
    expect(after.registry).toBe(before.registry);
    expect(after.status.inUse).toBe(3);
    expect(after.status.running).toBe(false);
  });
});
