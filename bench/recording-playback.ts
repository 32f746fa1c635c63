/**
 * npm run bench:recording-playback [-- --seconds 65 --clicks 5]
 * Playback start of a recorded minute: the real service records a streams-sim camera (cam1: the
 * factory clip when present) under a permit with 60 s segments, then Debian's Chromium opens the
 * audit page as the regulator and clicks 录像 `clicks` times; each time from the click to the first
 * decoded picture (`video.dataset.startMs`: timeline request, segment download, MSE append, decode).
 * Ends with one JSON line.
 */
import { parseArgs } from 'node:util';
import { startSim } from '../streams-sim/index.ts';
import { launchChromium, openPage, signIn } from '../tests/e2e/browser.ts';
import { api, ensureCameraOnline, readyPermit, startE2EService } from '../tests/e2e/harness.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '65' }, clicks: { type: 'string', default: '5' } },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sim = await startSim({ cameras: ['cam1'] });
const svc = await startE2EService([{ id: 'cam1', name: '1号', url: sim.url('cam1') }], {
  evidence: { clips: false },
  recording: { segmentSeconds: 60, preRollSeconds: 0, postRollSeconds: 0 },
});
try {
  await ensureCameraOnline(svc, 'cam1');
  const permit = await readyPermit(svc, { cameraId: 'cam1' });
  await api(svc, 'guardian-a', 'POST', `/api/permits/${permit.id}/start`);
  await sleep(Number(values.seconds) * 1000);
  await api(svc, 'guardian-a', 'POST', `/api/permits/${permit.id}/complete`);
  await sleep(2000);
  const tl = (await api(svc, 'regulator-z', 'GET', `/api/recordings/permits/${permit.id}`)).json as {
    segments: { bytes: number; startedAt: string; endedAt: string }[];
  };
  const first = tl.segments[0]!;
  const browser = await launchChromium();
  const { page } = await openPage(browser);
  await signIn(page, svc.url, 'regulator-z', '/ui/regulator.html');
  const starts: number[] = [];
  for (let i = 0; i < Number(values.clicks); i++) {
    await page.goto(`${svc.url}/ui/audit.html?enterprise=ent-a`);
    const button = page.locator(`tr[data-permit="${permit.id}"] .play-recording`);
    await button.waitFor({ timeout: 20_000 });
    await button.click();
    await page.waitForFunction(
      () => (document.querySelector('#recording-video') as HTMLVideoElement | null)?.dataset.startMs,
      null,
      { timeout: 30_000 },
    );
    starts.push(
      await page.evaluate(() =>
        Number((document.querySelector('#recording-video') as HTMLVideoElement).dataset.startMs),
      ),
    );
  }
  await browser.close();
  const sorted = [...starts].sort((a, b) => a - b);
  const seconds = (Date.parse(first.endedAt) - Date.parse(first.startedAt)) / 1000;
  const result = {
    bench: 'recording-playback',
    firstSegmentSeconds: Math.round(seconds * 10) / 10,
    firstSegmentBytes: first.bytes,
    startMs: starts,
    medianStartMs: sorted[Math.floor(sorted.length / 2)],
    maxStartMs: sorted.at(-1),
  };
  console.log(
    `a recorded minute (${result.firstSegmentSeconds} s, ${(first.bytes / 1e6).toFixed(2)} MB): click → first picture ` +
      `median ${result.medianStartMs} ms, max ${result.maxStartMs} ms over ${starts.length} clicks`,
  );
  console.log(JSON.stringify(result));
} finally {
  await svc.close();
  await sim.stop();
}
