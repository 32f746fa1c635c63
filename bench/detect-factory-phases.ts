import { execFileSync } from 'node:child_process';
import { cached, DEFAULT_CACHE_DIR, ENCODE, runFfmpeg } from '../streams-sim/clips.ts';

/**
 * bench:detect's people cameras, each given one of `phases` copies of the (normalised) factory clip that
 * start k × duration ÷ phases seconds in and wrap around, built into var/sim-cache/ (gitignored; the clip
 * is never committed). Why: streams-sim starts every camera of a step at the clip's start, so with one
 * clip all cameras of the service path showed the same 12–20 s of it in each measured window, while the
 * limit loop (a) decodes the whole clip; the two then paid for different scenes (a quiet run read 1.16
 * vest crops per frame in (a) against 0.50 in (b)). With the phases, the cameras of a step together
 * cover the clip as (a) does.
 */
export async function factoryPhases(
  factory: string,
  phases: number,
  cacheDir = DEFAULT_CACHE_DIR,
): Promise<string[]> {
  const duration = Number(
    execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', factory], {
      encoding: 'utf8',
    }).trim(),
  );
  const out: string[] = [];
  for (let k = 0; k < phases; k++) {
    // whole seconds: the clip's keyframes (GOP 1 s), so phase 0 is the clip itself
    const at = Math.floor((k * duration) / phases);
    if (at === 0) {
      out.push(factory);
      continue;
    }
    const graph =
      `[0:v]trim=start=${at},setpts=PTS-STARTPTS[a];[0:v]trim=end=${at},setpts=PTS-STARTPTS[b];` +
      `[a][b]concat=n=2:v=1:a=0[v]`;
    out.push(
      await cached(cacheDir, `factory-phase:v1:${factory}:${at}`, (tmp) =>
        runFfmpeg(['-i', factory, '-filter_complex', graph, '-map', '[v]', ...ENCODE, tmp]),
      ),
    );
  }
  return out;
}
