import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from 'nats';
import type { Browser } from 'playwright-core';
import { validateHubConfig } from '../../src/hub/config.ts';
import { startHub, type RunningHub } from '../../src/hub/hub.ts';
import { startNats, type NatsProcess } from '../helpers/nats-process.ts';
import { startPgCluster, type PgCluster } from '../helpers/pg-cluster.ts';
import {
  HUB_TEST_PASSWORD,
  SimBox,
  healthPayload,
  hubConfigInput,
  permitPayload,
  publish,
  violationPayload,
  waitFor,
} from '../helpers/hub-sim.ts';
import { sha256Hex } from '../../src/platform/events/chain.ts';
import { launchChromium, SHOTS } from './browser.ts';

/** a 1×1 PNG (the snapshot box-b holds) */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** The regulator signs in at the hub and sees the enterprises of both boxes in one ranked overview. */
let pgc: PgCluster;
let nats: NatsProcess;
let nc: NatsConnection;
let hub: RunningHub;
let browser: Browser;

beforeAll(async () => {
  [pgc, nats] = await Promise.all([startPgCluster(), startNats()]);
  nc = await connect({ servers: nats.url });
  hub = await startHub(validateHubConfig(hubConfigInput(nats.url, pgc.url), {}));
  const js = nc.jetstream();
  const a = new SimBox('box-a', ['ent-a']);
  const b = new SimBox('box-b', ['ent-b']);
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  await publish(
    js,
    a.next('camera.healthChanged', 'ent-a', healthPayload('cam-1', null, 'online', hourAgo), hourAgo),
  );
  await publish(
    js,
    a.next('permit.started', 'ent-a', permitPayload('p-a', 'approved', 'active', ['cam-1']), hourAgo),
  );
  await publish(
    js,
    b.next('permit.started', 'ent-b', permitPayload('p-b', 'approved', 'active', ['cam-9']), hourAgo),
  );
  await publish(js, b.next('violation.started', 'ent-b', violationPayload(5, 'cam-9', 'active')));
  const stored = {
    evidenceId: 1,
    violationId: 5,
    cameraId: 'cam-9',
    kind: 'snapshot',
    sha256: sha256Hex(PNG),
    bytes: PNG.length,
  };
  await publish(js, b.next('evidence.stored', 'ent-b', stored));
  // box-b's evidence responder (the box side of #24), answering with the snapshot its chain recorded
  const responder = nc.subscribe('jianhu.rpc.box-b.evidence');
  void (async () => {
    for await (const m of responder)
      m.respond(
        JSON.stringify({
          ok: true,
          contentType: 'image/png',
          sha256: sha256Hex(PNG),
          dataBase64: PNG.toString('base64'),
        }),
      );
  })();
  await waitFor('both boxes at the hub', async () => {
    const r = await hub.pool.query('SELECT count(*) AS n FROM hub_box_heads');
    const v = await hub.pool.query('SELECT evidence_sha256 FROM hub_violations');
    return Number(r.rows[0].n) === 2 && v.rows[0]?.evidence_sha256 ? true : undefined;
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await nc?.close();
  await nats?.remove();
  await pgc?.stop();
});

describe('hub desk in Chromium', () => {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ])
    it(`shows both boxes' enterprises in one overview (${viewport.width}x${viewport.height})`, async () => {
      const page = await browser.newPage({ viewport });
      await page.goto(`${hub.url}/hub/`);
      await page.getByLabel('用户名 Username').fill('reg-z');
      await page.getByLabel('密码 Password').fill(HUB_TEST_PASSWORD);
      await page.getByRole('button', { name: '登录 Sign in' }).click();
      const rows = page.locator('#overview tbody tr');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(2);
      expect(await page.locator('#login').isHidden()).toBe(true);
      const text = await page.locator('#overview').innerText();
      expect(text).toContain('甲钢铁');
      expect(text).toContain('乙铸造');
      expect(text).toContain('box-a');
      expect(text).toContain('box-b');
      expect(text).not.toContain('丙冶金'); // another county's enterprise
      // ent-b works an hour without its camera ever seen: ranked first by unwatched minutes
      expect(await rows.first().getAttribute('data-enterprise')).toBe('ent-b');
      await expect.poll(() => page.locator('#running li.unmonitored').count()).toBe(1);
      expect(await page.locator('#running li.monitored').count()).toBe(1);
      // the violation's evidence, fetched from box-b over NATS with the desk's session cookie
      const link = page.getByRole('link', { name: '证据 Evidence' });
      const evidence = await page.request.get(new URL((await link.getAttribute('href'))!, hub.url).href);
      expect(evidence.status()).toBe(200);
      expect(Buffer.from(await evidence.body()).equals(PNG)).toBe(true);
      // the annex forms of the region: four forms × three formats, downloaded with the same cookie
      expect(await page.locator('#forms a.form-link').count()).toBe(12);
      const ledger = page.locator('#forms a[href*="major-ledger"][href*="format=xlsx"]');
      const xlsx = await page.request.get(new URL((await ledger.getAttribute('href'))!, hub.url).href);
      expect(xlsx.status()).toBe(200);
      expect(xlsx.headers()['content-type']).toContain('spreadsheetml');
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, `hub-desk-${viewport.width}.png`), fullPage: true });
      await page.close();
    });
});
