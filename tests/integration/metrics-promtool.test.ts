import { spawnSync } from 'node:child_process';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetectMetrics } from '../../src/vision/detect/detect-metrics.ts';
import { startFullTestService } from '../helpers/test-service.ts';

/**
 * /metrics as Prometheus's own linter reads it: `promtool check metrics` (Debian package
 * prometheus, installed by scripts/setup.sh) must exit 0 and report nothing. The service is the one
 * `jianhu serve` starts, with a camera that cannot be reached, so ingest's per-camera series carry
 * values (ffmpeg starts and retries against a closed port).
 */
let t: Awaited<ReturnType<typeof startFullTestService>>;

beforeAll(async () => {
  t = await startFullTestService({
    extra: {
      sites: [
        {
          id: 'site-a',
          name: '甲',
          enterpriseId: 'ent-a',
          cameras: [{ id: 'cam-gone', name: '断线', url: 'rtsp://127.0.0.1:1/gone' }],
        },
      ],
    },
  });
});
afterAll(async () => {
  await t?.close();
});

function promtool(exposition: string) {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  if (r.error) throw new Error(`promtool not found (run scripts/setup.sh): ${r.error.message}`);
  return { code: r.status, problems: `${r.stdout}${r.stderr}`.trim() };
}

async function scrape(): Promise<string> {
  const res = await t.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  return res.body;
}

describe('/metrics passes promtool check metrics', () => {
  it('with a camera being retried: no problems, exit 0', async () => {
    let body = await scrape();
    const deadline = Date.now() + 30_000;
    while (!/jianhu_ingest_ffmpeg_starts_total\{camera="cam-gone"\} [1-9]/.test(body)) {
      if (Date.now() > deadline) throw new Error(`ingest never started ffmpeg:\n${body}`);
      await new Promise((r) => setTimeout(r, 250));
      body = await scrape();
    }
    expect(body).toMatch(/# TYPE jianhu_ingest_frames_dropped_total counter/);
    expect(body).toMatch(/jianhu_camera_health_state\{camera="cam-gone",state="[a-z_]+"\} 1/);
    expect(promtool(body)).toEqual({ code: 0, problems: '' });
  });

  it('the detection series too (the test service runs without model files, so they are built here)', async () => {
    const registry = new Registry();
    const detect = createDetectMetrics(registry);
    detect.frames.inc({ outcome: 'inferred' });
    detect.inference.observe(0.03);
    detect.latency.observe(0.2);
    detect.cameras.set(1);
    expect(promtool(await registry.metrics())).toEqual({ code: 0, problems: '' });
  });

  it('promtool does catch a gauge named *_total (the check can fail)', () => {
    const bad = '# HELP x_total a count\n# TYPE x_total gauge\nx_total 1\n';
    const r = promtool(bad);
    expect(r.code).not.toBe(0);
    expect(r.problems).toContain('non-counter metrics should not have "_total" suffix');
  });
});
