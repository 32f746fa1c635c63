/**
 * What the `arc` head adds to the default pipeline per frame (part of `npm run bench:models`): the whole
 * default pipeline (merged stage 1 + vest, answers reused per camera as in the service) with and without
 * `arc`, in alternating rounds on the same frames so both see the same machine. Reports wall time and the
 * process's CPU time per frame (one onnxruntime thread; CPU time is the steadier figure on a shared box).
 */
import { loadManifest } from '../src/vision/detect/manifest.ts';
import { DetectionPipeline, defaultModelNames } from '../src/vision/detect/pipeline.ts';
import type { RgbImage } from '../src/vision/detect/types.ts';

export async function arcCost(frames: readonly RgbImage[], rounds = 3): Promise<Record<string, unknown>> {
  const base = defaultModelNames(loadManifest()).filter((n) => n !== 'arc');
  const opts = { modelsDir: '../shared/models', threads: 1 };
  const without = await DetectionPipeline.create({ ...opts, models: base });
  const withArc = await DetectionPipeline.create({ ...opts, models: [...base, 'arc'] });
  let key = 0;
  const perFrame = async (p: DetectionPipeline) => {
    const cam = `cam-${key++}`;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const [i, f] of frames.entries()) await p.detect(f, { key: cam, ts: i * 500 });
    const cpu = process.cpuUsage(cpu0);
    return {
      ms: (performance.now() - t0) / frames.length,
      cpuMs: (cpu.user + cpu.system) / 1000 / frames.length,
    };
  };
  await perFrame(without);
  await perFrame(withArc);
  const r: { without: { ms: number; cpuMs: number }; withArc: { ms: number; cpuMs: number } }[] = [];
  for (let k = 0; k < rounds; k++)
    r.push({ without: await perFrame(without), withArc: await perFrame(withArc) });
  await without.close();
  await withArc.close();
  const mean = (side: 'without' | 'withArc', f: 'ms' | 'cpuMs') =>
    r.reduce((a, x) => a + x[side][f], 0) / r.length;
  const out = {
    models: { without: base, withArc: [...base, 'arc'] },
    frames: frames.length,
    ms: { without: +mean('without', 'ms').toFixed(2), withArc: +mean('withArc', 'ms').toFixed(2) },
    cpuMs: { without: +mean('without', 'cpuMs').toFixed(2), withArc: +mean('withArc', 'cpuMs').toFixed(2) },
    addedCpu: +(mean('withArc', 'cpuMs') / mean('without', 'cpuMs') - 1).toFixed(3),
    addedWall: +(mean('withArc', 'ms') / mean('without', 'ms') - 1).toFixed(3),
  };
  console.log(
    `default pipeline with and without arc, ${frames.length} frames of one camera at 2 fps, ${rounds} alternating rounds:`,
  );
  console.log(
    `  without arc  ${out.ms.without} ms/frame wall, ${out.cpuMs.without} ms/frame CPU (${base.join(' + ')})`,
  );
  console.log(`  with arc     ${out.ms.withArc} ms/frame wall, ${out.cpuMs.withArc} ms/frame CPU`);
  console.log(
    `  added by arc ${(out.addedCpu * 100).toFixed(1)} % CPU, ${(out.addedWall * 100).toFixed(1)} % wall`,
  );
  return out;
}
