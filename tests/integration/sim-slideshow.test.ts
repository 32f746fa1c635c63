import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSlideshowClip, runFfmpeg } from '../../streams-sim/clips.ts';
import { frameStats } from '../../src/video/ingest/frame-stats.ts';
import { DEFAULT_THRESHOLDS } from '../../src/video/ingest/health-machine.ts';

const dir = mkdtempSync(join(tmpdir(), 'jianhu-slides-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('buildSlideshowClip', () => {
  it('letterboxes each image, reports the timeline and mapping, never looks frozen, and caches', async () => {
    const wide = join(dir, 'wide.png');
    const tall = join(dir, 'tall.png');
    await runFfmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x240', '-frames:v', '1', wide]);
    await runFfmpeg(['-f', 'lavfi', '-i', 'smptebars=size=200x400', '-frames:v', '1', tall]);
    const out = join(dir, 'show.mp4');
    const clip = await buildSlideshowClip([wide, tall], out, { secondsPerImage: 1 });
    expect(clip.durationS).toBe(2);
    expect(clip.timeline).toEqual([
      { image: wide, fromS: 0, toS: 1, scale: 1.5, padX: 80, padY: 0 },
      { image: tall, fromS: 1, toS: 2, scale: 0.9, padX: 230, padY: 0 },
    ]);
    const probe = spawnSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'stream=width,height,codec_name:format=duration', '-of', 'json', out],
      {
        encoding: 'utf8',
      },
    );
    const info = JSON.parse(probe.stdout) as {
      streams: { width: number; height: number; codec_name: string }[];
      format: { duration: string };
    };
    expect(info.streams[0]).toMatchObject({ width: 640, height: 360, codec_name: 'h264' });
    expect(Number(info.format.duration)).toBeCloseTo(2, 0);
    // two frames of the same still image, 0.4 s apart, must still differ (noise), or health says frozen
    const raw = spawnSync(
      'ffmpeg',
      [
        '-v',
        'error',
        '-i',
        out,
        '-vf',
        'select=eq(n\\,2)+eq(n\\,12)',
        '-fps_mode',
        'passthrough',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        '-',
      ],
      {
        maxBuffer: 1 << 24,
      },
    ).stdout;
    const size = 640 * 360 * 3;
    expect(raw.length).toBe(2 * size);
    const a = frameStats(raw.subarray(0, size), 640, 360, null);
    const b = frameStats(raw.subarray(size), 640, 360, a.grid);
    expect(b.changed!).toBeGreaterThan(DEFAULT_THRESHOLDS.minChange * 10);
    const mtime = statSync(out).mtimeMs;
    await buildSlideshowClip([wide, tall], out, { secondsPerImage: 1 });
    expect(statSync(out).mtimeMs).toBe(mtime); // unchanged inputs: not rebuilt
  });
});
