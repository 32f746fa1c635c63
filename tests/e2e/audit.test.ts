import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startSim, type Sim } from '../../streams-sim/index.ts';
import { SHOTS, launchChromium, openPage, signIn } from './browser.ts';
import {
  api,
  ensureCameraOnline,
  readyPermit,
  startE2EService,
  waitForHealth,
  type E2EService,
} from './harness.ts';

// 监管 regulator audit: a permit works on cam1, the camera fails for a few seconds (streams-sim drops
// it), comes back; the regulator of the region sees the permit's coverage below 100 % with the gap
// on its timeline, and exports the audit as XLSX with progress.
let sim: Sim;
let svc: E2EService;
let browser: Browser;
let permitNumber = '';

beforeAll(async () => {
  sim = await startSim({ cameras: ['cam1'], port: 0 });
  svc = await startE2EService([{ id: 'cam1', name: '1号转炉平台 动火点', url: sim.url('cam1') }], {
    evidence: { clips: false },
  });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await svc?.close();
  await sim?.stop();
});

describe('监管 regulator audit', () => {
  it('shows the coverage gap a camera fault left in a permit, and exports it', async () => {
    const { id, number } = await readyPermit(svc, { cameraId: 'cam1' });
    permitNumber = number;
    await ensureCameraOnline(svc, 'cam1');
    const started = await api(svc, 'guardian-a', 'POST', `/api/permits/${id}/start`);
    expect(started.json.state, JSON.stringify(started.json)).toBe('active');
    await new Promise((r) => setTimeout(r, 2000));

    // The camera drops out; ingest reports it, the gate suspends the permit; then it comes back.
    await sim.fault('cam1', 'drop');
    await waitForHealth(svc, 'cam1', (s) => s !== null && s !== 'online');
    await new Promise((r) => setTimeout(r, 3000));
    await sim.fault('cam1', 'restore');
    await waitForHealth(svc, 'cam1', (s) => s === 'online');
    await new Promise((r) => setTimeout(r, 1500));

    const { page, errors } = await openPage(browser, {
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true,
    });
    // the regulator lands on the region's overview (监管总览); the per-permit audit is one click away
    await signIn(page, svc.url, 'regulator-z', '/ui/regulator.html');
    await page.goto(`${svc.url}/ui/audit.html`);
    await page.locator('#f-enterprise').selectOption('ent-a');
    const row = page.locator(`tr.audit-row`, { hasText: permitNumber });
    await row.waitFor({ timeout: 15_000 });
    const coverage = Number((await row.locator('td.coverage').textContent())!.replace('%', ''));
    expect(coverage).toBeLessThan(100);
    expect(coverage).toBeGreaterThan(0);
    expect(await row.locator('.gap-mark').count()).toBeGreaterThanOrEqual(1);
    const gapLine = await row.locator('.gap-line').first().textContent();
    expect(gapLine).toContain('中断');
    // the cause in words, Chinese first, from the camera's health record (not a state code)
    expect(gapLine).toMatch(/cam1 (离线|卡顿无画面)：/);
    expect(await row.locator('.badge').first().textContent()).not.toBe('全程监控');
    await page.screenshot({ path: `${SHOTS}/audit-gap.png`, fullPage: true });

    // Export: XLSX of the permit audit, with progress shown until the file is ready.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-xlsx')]);
    await page.locator('#export-label', { hasText: '导出完成' }).waitFor();
    const file = readFileSync((await download.path())!);
    expect(file.subarray(0, 2).toString()).toBe('PK'); // a real XLSX (zip)
    expect(download.suggestedFilename()).toMatch(/^permit-audit-ent-a-.*\.xlsx$/);
    await page.screenshot({ path: `${SHOTS}/audit-export.png` });
    expect(errors).toEqual([]);
  });
});
