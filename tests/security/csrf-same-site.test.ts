import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachLiveRelay, type LiveRelay } from '../../src/video/live/live-relay.ts';
import { launchChromium } from '../e2e/browser.ts';
import { call, startPermitsHarness, type PermitsHarness } from '../integration/permits-harness.ts';
import { permitBody } from '../helpers/permit-body.ts';

/**
 * Same-site CSRF as found in #23: the session cookie is SameSite=Strict, but a "site" ignores ports, so
 * a page served from ANOTHER PORT of the same host is same-site and Chromium sends the cookie. The
 * attacker's page (a real HTTP server on its own port, in real Chromium holding approver-a's cookie)
 * tries a text/plain fetch, a text/plain form post and a WebSocket to the live relay. Each must now
 * fail, the permit must stay awaiting approval, and the same call from the service's own page must
 * still work (so the refusal is the origin check, not a broken call).
 */
let h: PermitsHarness;
let browser: Browser;
let ctx: BrowserContext;
let evil: Server;
let evilUrl = '';
let permitId = '';
let relay: LiveRelay;

const MIN = 60_000;

beforeAll(async () => {
  h = await startPermitsHarness({ live: true, start: Date.now() });
  relay = attachLiveRelay(h.app.server, h.services);
  const body = permitBody(
    h.clock.now(),
    { location: '2号转炉平台', description: '更换烟道法兰', measures: ['清除10米内可燃物'] },
    6 * 60 * MIN,
  );
  const created = await call(h, 'safety-a', 'POST', '/api/permits', body);
  expect(created.status).toBe(201);
  permitId = created.body.id as string;
  await call(h, 'safety-a', 'POST', `/api/permits/${permitId}/submit`);
  await call(h, 'admin-a', 'PUT', '/api/approvers/approver-a/authority', { authority: 'leader' });

  const target = h.url;
  const page = `<!doctype html><meta charset="utf-8"><body>
<form id="f" method="POST" enctype="text/plain" action="${target}/api/permits/${permitId}/approve">
<input name="x" value="y"></form></body>`;
  evil = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(req.url === '/form' ? page : '<!doctype html><title>evil</title>');
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;

  browser = await launchChromium();
  ctx = await browser.newContext();
  const token = (await h.login('approver-a')).slice('Bearer '.length);
  // What the UI's saveSession() sets (src/ui/public/common.js).
  await ctx.addCookies([{ name: 'jh_token', value: token, url: target, sameSite: 'Strict' }]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  relay?.close();
  await new Promise((r) => evil?.close(r));
  await h?.close();
});

const state = async () =>
  ((await call(h, 'safety-a', 'GET', `/api/permits/${permitId}`)).body.permit as { state: string }).state;

describe('a page on another port of the same host, with the victim cookie', () => {
  it('cannot approve a permit with a text/plain fetch', async () => {
    const page = await ctx.newPage();
    await page.goto(`${evilUrl}/`);
    // no-cors: the attacker cannot read the answer, but before #23 the server acted on it.
    await page.evaluate(async (u) => {
      await fetch(u, {
        method: 'POST',
        mode: 'no-cors',
        credentials: 'include',
        headers: { 'content-type': 'text/plain' },
        body: 'approve',
      });
    }, `${h.url}/api/permits/${permitId}/approve`);
    expect(await state()).toBe('awaiting_approval');
    await page.close();
  });

  it('cannot approve it with an auto-submitted text/plain form (top-level POST)', async () => {
    const page = await ctx.newPage();
    await page.goto(`${evilUrl}/form`);
    const answer = page.waitForResponse((r) => r.url().includes('/approve'));
    await page.evaluate(() => (document.getElementById('f') as HTMLFormElement).submit());
    const res = await answer;
    expect(res.status()).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'JH_ERR_HTTP_CROSS_ORIGIN' });
    expect(res.headers()['x-content-type-options']).toBe('nosniff');
    expect(await state()).toBe('awaiting_approval');
    await page.close();
  });

  it('cannot open the live relay WebSocket (cross-site WebSocket hijacking)', async () => {
    const page = await ctx.newPage();
    await page.goto(`${evilUrl}/`);
    const outcome = await page.evaluate(
      (u) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(u);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
          setTimeout(() => resolve('timeout'), 5000);
        }),
      `${h.url.replace('http', 'ws')}/live/cam-weld`,
    );
    expect(outcome).toBe('refused');
    await page.close();
  });

  it('the same calls still work from the service own page (the check is the origin, nothing else)', async () => {
    const page = await ctx.newPage();
    await page.goto(`${h.url}/healthz`);
    const ws = await page.evaluate(
      (u) =>
        new Promise<string>((resolve) => {
          const s = new WebSocket(u);
          s.onopen = () => {
            resolve('open');
            s.close();
          };
          s.onerror = () => resolve('refused');
          setTimeout(() => resolve('timeout'), 5000);
        }),
      `${h.url.replace('http', 'ws')}/live/cam-weld`,
    );
    expect(ws).toBe('open');
    // a same-origin text/plain call is still refused: a JSON body or the x-jianhu-request header is required
    const plain = await page.evaluate(async (u) => {
      const r = await fetch(u, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
      return { status: r.status, body: (await r.json()) as { code: string } };
    }, `${h.url}/api/permits/${permitId}/approve`);
    expect(plain).toMatchObject({ status: 415, body: { code: 'JH_ERR_HTTP_NEEDS_JSON' } });
    const status = await page.evaluate(async (u) => {
      const r = await fetch(u, { method: 'POST', headers: { 'x-jianhu-request': '1' } });
      return r.status;
    }, `${h.url}/api/permits/${permitId}/approve`);
    expect(status).toBe(200);
    expect(await state()).toBe('approved');
    await page.close();
  });
});

describe('the same attack without a browser (a forged Origin over plain HTTP)', () => {
  it('refuses a cookie POST whose Origin is another port, and one with no Origin at all', async () => {
    const token = (await h.login('approver-a')).slice('Bearer '.length);
    for (const origin of ['http://127.0.0.1:1', undefined]) {
      const res = await fetch(`${h.url}/api/permits/${permitId}/approve`, {
        method: 'POST',
        headers: {
          cookie: `jh_token=${token}`,
          'content-type': 'application/json',
          ...(origin ? { origin } : {}),
        },
        body: '{}',
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe('JH_ERR_HTTP_CROSS_ORIGIN');
    }
  });
});
