import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { TEST_PASSWORD } from '../helpers/test-service.ts';

/**
 * The browser side of the e2e tests: Debian's Chromium, pages that collect their console errors,
 * signing in through the real form, and reading what a canvas shows. The service side is harness.ts.
 */

/** Screenshots land here; CI keeps test-results/ as artifacts. */
export const SHOTS = join('test-results', 'e2e');
mkdirSync(SHOTS, { recursive: true });

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Debian's Chromium (installed by scripts/setup.sh); `fakeVideo` feeds a .y4m file as the camera;
 * `args` adds switches (e.g. --host-resolver-rules to reach the service by a plant host name).
 */
export async function launchChromium(opts: { fakeVideo?: string; args?: string[] } = {}): Promise<Browser> {
  const args = [...CHROMIUM_ARGS, ...(opts.args ?? [])];
  if (opts.fakeVideo)
    args.push(
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${opts.fakeVideo}`,
    );
  return chromium.launch({ executablePath: process.env.JIANHU_CHROMIUM ?? '/usr/bin/chromium', args });
}

export interface WatchedPage {
  page: Page;
  /** console errors and uncaught page errors seen so far; a test fails if any remain */
  errors: string[];
}

export async function openPage(browser: Browser, ctx: BrowserContextOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ locale: 'zh-CN', ...ctx });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { page, errors };
}

/** Signs in through the real form and waits for the role's home page. */
export async function signIn(page: Page, baseUrl: string, username: string, home: string): Promise<void> {
  await page.goto(`${baseUrl}/ui/`);
  await page.fill('#username', username);
  await page.fill('#password', TEST_PASSWORD);
  await Promise.all([page.waitForURL(`**${home}*`), page.click('#login-submit')]);
}

/** Mean absolute difference of two PNG screenshots' bytes is not meaningful; compare canvas pixels. */
export async function canvasSignature(page: Page, selector: string): Promise<number[]> {
  // A small grid of sampled luma values from the canvas as the compositor shows it.
  const shot = await page.locator(selector).screenshot();
  const sharp = (await import('sharp')).default;
  const { data } = await sharp(shot)
    .resize(16, 9, { fit: 'fill' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return [...data];
}

export function meanAbsDiff(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / a.length;
}

/**
 * A machine's QR label (its PNG) as a phone camera would see it, for Chromium's fake camera
 * (`launchChromium({ fakeVideo })`): on a white page, 640x480, a few frames Chromium loops. Written
 * into `dir`; answers the .y4m file.
 */
export function labelAsCameraVideo(png: Buffer, dir: string): string {
  const pngPath = join(dir, 'qr.png');
  writeFileSync(pngPath, png);
  const y4m = join(dir, 'qr.y4m');
  execFileSync('ffmpeg', [
    ...['-y', '-loglevel', 'error', '-loop', '1', '-i', pngPath],
    ...['-vf', 'scale=300:300,pad=640:480:170:90:white,format=yuv420p', '-r', '10', '-frames:v', '10', y4m],
  ]);
  return y4m;
}
