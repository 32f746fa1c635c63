import sharp from 'sharp';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { SHOTS } from './browser.ts';

// The hazard screens' steps as their users take them, shared by the e2e tests that walk a hazard
// (a violation's, a 群众举报's) through the closed loop: 派单 on the desk, 整改 on a phone, 复核 and
// 销号 on the desk.

export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** A small real photo (the phone's camera stands in as a file chooser). */
export const photo = () =>
  sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 40, g: 140, b: 60 } } })
    .png()
    .toBuffer();

export const stateOf = (page: Page) => page.locator('#hz-state').getAttribute('data-state');

/** `YYYY-MM-DDTHH:mm` in Beijing time, as the datetime-local inputs take it. */
export function bj(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);
}

/**
 * 派单 on the open hazard (已评估): the responsible person picked by id, the deadline as offered (or
 * `deadline`, Beijing time); the hazard is then 整改中 with its deadline shown in Beijing time.
 */
export async function dispatchOnScreen(page: Page, responsibleUserId: number, deadline?: string) {
  await page.selectOption('#hz-responsible', String(responsibleUserId));
  expect(await page.inputValue('#hz-deadline')).not.toBe('');
  if (deadline) await page.fill('#hz-deadline', deadline);
  await page.locator('#hz-dispatch').getByRole('button', { name: '派单' }).click();
  // 15 s: vitest's poll gives up after 1 s, and on the loaded CI machine the screen once still read 已评估
  await expect.poll(() => stateOf(page), { timeout: 15_000 }).toBe('dispatched');
  expect(await page.locator('.facts').first().textContent()).toContain('北京时间');
}

/** The responsible person, signed in on a phone: 隐患整改 → 我的整改 → the hazard → photo + measures. */
export async function rectifyOnPhone(page: Page, hazardId: number, text: string, shot: string) {
  await page.locator('nav a', { hasText: '隐患整改' }).click();
  await page.waitForURL('**/ui/hazards.html*');
  const mine = page.locator(`#hz-mine-list .hazard-card[data-hazard="${hazardId}"]`);
  await expect.poll(() => mine.getAttribute('data-state')).toBe('dispatched');
  await page.screenshot({ path: `${SHOTS}/${shot.replace(/\.png$/, '')}-mine.png`, fullPage: true });
  await mine.click();
  await page
    .locator('#hz-after-photos')
    .setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: await photo() });
  await page.fill('#hz-measures', text);
  await expect.poll(() => page.locator('#hz-rectify .hz-photos img').count()).toBe(1);
  await page.screenshot({ path: `${SHOTS}/${shot}`, fullPage: true });
  await page.getByRole('button', { name: '提交整改' }).click();
  await expect.poll(() => stateOf(page)).toBe('rectified');
  // nothing overflows the phone's width
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
}

/** The reviewer on the desk, the hazard open: reload to see it 已整改, 复核通过, then 销号. */
export async function passReviewAndClose(page: Page, shot: string) {
  await page.reload();
  await expect.poll(() => stateOf(page)).toBe('rectified');
  await expect.poll(() => page.locator('.hz-photos[data-kind="after"] img').count()).toBeGreaterThan(0);
  await page.screenshot({ path: `${SHOTS}/${shot}`, fullPage: true });
  await page.getByRole('button', { name: '复核通过' }).click();
  await expect.poll(() => stateOf(page)).toBe('verified');
  await page.locator('#hz-close').getByRole('button', { name: '销号' }).click();
  await expect.poll(() => stateOf(page)).toBe('closed');
}
