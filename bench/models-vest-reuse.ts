/**
 * Part of `npm run bench:models` (#25): would a longer vest reuse window spare crops? The whole default
 * pipeline on 30 s of the factory clip at 2 fps (one camera), `ppe-vest` options.reuseMs 2, 3, 4 and 6 s
 * (a reused answer is re-anchored to the person's new box while IoU ≥ 0.5 and keeps its original time, so
 * reuseMs is the oldest answer ever served). Counts crops the model classified per frame; no timing.
 */
import { loadManifest } from '../src/vision/detect/manifest.ts';
import { DetectionPipeline } from '../src/vision/detect/pipeline.ts';
import { clipFramesRgb } from '../tests/helpers/clip-frame.ts';

export async function benchVestReuse(clip: string, modelsDir: string): Promise<void> {
  const frames = clipFramesRgb(clip, 0, 60, 2);
  const base = loadManifest();
  const rows: { reuseMs: number; cropsPerFrame: number; answersPerFrame: number }[] = [];
  for (const reuseMs of [2000, 3000, 4000, 6000]) {
    const models = base.models.map((m) =>
      m.name === 'ppe-vest' ? { ...m, options: { ...m.options, reuseMs } } : m,
    );
    const p = await DetectionPipeline.create({ modelsDir, threads: 1, manifest: { ...base, models } });
    let answers = 0;
    for (const [i, f] of frames.entries())
      answers += (await p.detect(f, { key: 'cam', ts: i * 500 })).filter(
        (d) => d.label === 'vest' || d.label === 'no_vest',
      ).length;
    const crops = p.counts()['ppe-vest.runs'] ?? 0;
    rows.push({
      reuseMs,
      cropsPerFrame: +(crops / frames.length).toFixed(2),
      answersPerFrame: +(answers / frames.length).toFixed(2),
    });
    await p.close();
  }
  console.log(
    `vest answers reused, ${frames.length} frames of one camera at 2 fps: crops classified per frame`,
  );
  for (const r of rows)
    console.log(
      `  reuse ≤ ${r.reuseMs / 1000} s: ${r.cropsPerFrame} crops/frame (${r.answersPerFrame} people answered)`,
    );
  console.log(JSON.stringify({ bench: 'models', vestReuseWindow: rows }));
}
