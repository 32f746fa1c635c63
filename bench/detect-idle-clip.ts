import { cached, DEFAULT_CACHE_DIR, ENCODE, runFfmpeg, SIM_FPS } from '../streams-sim/clips.ts';

/**
 * bench:detect's idle scene for the mix (d), built at run time into var/sim-cache/ (gitignored; the
 * factory clip and frames of it are never committed): the press shop with nobody in it, light sensor
 * noise on every frame, and once per loop a few seconds of motion — a crate-sized patch of the scene
 * sliding across the floor (a cart going by), so the camera's motion gauge fires without a person.
 *
 * "Nobody in it": the temporal median of the clip's first 14 s (4 frames/s, 51 of them) keeps what
 * stands still and removes the people walking through; on the frame this takes, YOLOX-Nano finds no
 * person (checked by the bench at run time: idle cameras' person detections are counted and printed).
 */
export const IDLE_LOOP_S = 28;
export const IDLE_MOTION_S = 3;

/** The empty press shop as a 1 s still clip (the source of every variant). */
function backgroundClip(factory: string, cacheDir: string): Promise<string> {
  return cached(cacheDir, `idle-bg:v1:${factory}`, (tmp) =>
    runFfmpeg([
      '-t',
      '14',
      '-i',
      factory,
      '-vf',
      // the third median frame: the median over input frames 2–52 (0.5–13 s)
      `fps=4,tmedian=radius=25,select='eq(n\\,2)',loop=loop=-1:size=1:start=0,setpts=N/${SIM_FPS}/TB`,
      '-t',
      '1',
      ...ENCODE,
      '-qp',
      '8',
      tmp,
    ]),
  );
}

/**
 * `variants` idle clips of IDLE_LOOP_S s each, variant k moving at k × IDLE_LOOP_S ÷ variants s into
 * its loop, so idle cameras (given variants in turn) do not all move at once.
 */
export async function idleSceneClips(
  factory: string,
  variants: number,
  cacheDir = DEFAULT_CACHE_DIR,
): Promise<{ clips: string[]; motionAtS: number[] }> {
  const bg = await backgroundClip(factory, cacheDir);
  const clips: string[] = [];
  const motionAtS: number[] = [];
  for (let k = 0; k < variants; k++) {
    const t0 = Math.round(((k * IDLE_LOOP_S) / variants) * 10) / 10;
    const t1 = Math.min(IDLE_LOOP_S, t0 + IDLE_MOTION_S);
    motionAtS.push(t0);
    // 640 px + the patch's 100 px crossed in IDLE_MOTION_S seconds
    const speed = (640 + 100) / IDLE_MOTION_S;
    const graph =
      `[0:v]split[a][b];[b]crop=100:90:335:9[p];[a]noise=alls=4:allf=t[n];` +
      `[n][p]overlay=x='-100+(t-${t0})*${speed}':y=232:enable='between(t,${t0},${t1})',format=yuv420p`;
    clips.push(
      await cached(cacheDir, `idle-scene:v1:${bg}:${t0}:${t1}`, (tmp) =>
        runFfmpeg([
          '-stream_loop',
          '-1',
          '-i',
          bg,
          '-filter_complex',
          graph,
          '-t',
          String(IDLE_LOOP_S),
          ...ENCODE,
          tmp,
        ]),
      ),
    );
  }
  return { clips, motionAtS };
}
