import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { SHOTS } from './browser.ts';

/**
 * The 作业票 desk's screens as permit-desk.test.ts drives them: numbered screenshots, the permit page,
 * the applicant's form, gas tests and measures.
 */

let step = 0;
/** A full-page screenshot, numbered in the order taken: test-results/e2e/permit-desk-NN-name.png. */
export const shot = (page: Page, name: string) =>
  page.screenshot({
    path: `${SHOTS}/permit-desk-${String(++step).padStart(2, '0')}-${name}.png`,
    fullPage: true,
  });

export const state = (page: Page) => page.locator('#pd-state').textContent();
/** The origin the page signed in on (phones over HTTPS, desks over HTTP: each has its own session). */
export const originOf = (page: Page) => new URL(page.url()).origin;
export const openPermit = async (page: Page, id: string) => {
  await page.goto(`${originOf(page)}/ui/permits.html#p/${id}`);
  await page.locator('#pd-state').waitFor();
};

/** The applicant's form, filled and submitted; returns the new permit's id. */
export async function createPermit(
  page: Page,
  f: { kind: string; level?: string; camera: string; machine?: string; place: string },
) {
  await page.click('a[href="/ui/permits.html"]');
  await page.locator('#new-permit').click();
  await page.selectOption('#pc-site', 'site-a');
  await page.selectOption('#pc-kind', f.kind);
  if (f.level) await page.selectOption('#pc-level', f.level);
  await page.fill('#pc-location', f.place);
  await page.fill('#pc-description', '检修作业');
  await page.fill('#pc-workers', 'welder-a');
  await page.fill('#pc-guardian', 'guardian-a');
  await page.check(`input[name="camera"][value="${f.camera}"]`);
  if (f.machine) await page.check(`input[name="machine"][value="${f.machine}"]`);
  await page.fill('#pc-measures', '清除作业点周围可燃物\n配备灭火器材');
  await shot(page, `${f.kind}-create`);
  await page.click('#pc-submit');
  await expect.poll(() => state(page), { timeout: 10_000 }).toBe('待审批');
  return decodeURIComponent(new URL(page.url()).hash.slice('#p/'.length));
}

/** A gas test through the guardian's form; waits for the pass. */
export async function recordGas(page: Page, o2: number, combustible: number) {
  await page.fill('#gas-o2', String(o2));
  await page.fill('#gas-comb', String(combustible));
  await page.click('#gas-submit');
  await expect.poll(() => page.locator('#pd-result').textContent()).toContain('气体分析合格');
}

/** Confirms every safety measure still open, one button at a time. */
export async function confirmAll(page: Page) {
  for (;;) {
    const b = page.locator('button[id^="pd-measure-"]').first();
    if ((await b.count()) === 0) return;
    const id = await b.getAttribute('id');
    await b.click();
    await expect.poll(() => page.locator(`#${id}`).count()).toBe(0);
  }
}
