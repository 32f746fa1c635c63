import { parseArgs } from 'node:util';

/**
 * bench:detect's flags (pure: argv in, options out). Two presets: the default run (≈ 12–15 min on 2
 * cores) and --quick (≈ 5–8 min: fewer rounds, shorter slices and windows, fewer steps); any flag
 * given overrides the preset.
 */
export interface BenchOptions {
  /** (a)/(b) side-by-side rounds and the seconds each slice measures */
  rounds: number;
  sliceS: number;
  /** (c) camera counts tried, all showing the factory clip, and the window per step */
  steps: number[];
  windowS: number;
  /** (d) camera counts of the mix (a quarter on active permits), and its window */
  mixSteps: number[];
  mixWindowS: number;
  /** seconds every step runs before its window opens (cameras connect, people and idleness settle) */
  settleS: number;
  /** variants of the idle clip, each with its motion at another moment, so idle cameras do not all move at once */
  idleVariants: number;
  /** a YAML config whose ingest and detect sections are used (default: the built-in defaults) */
  config: string | undefined;
  /** override ingest.idleKeyframesOnly for the run (undefined: the config's) */
  idleKeyframesOnly: boolean | undefined;
  /** override ingest.idleKeyframesAfterSeconds (undefined: the config's) */
  idleAfterS: number | undefined;
  skip: Set<'ratio' | 'default' | 'mix' | 'sim'>;
  quick: boolean;
}

const list = (v: string) =>
  v
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      slice: { type: 'string' },
      steps: { type: 'string' },
      window: { type: 'string' },
      'mix-steps': { type: 'string' },
      'mix-window': { type: 'string' },
      settle: { type: 'string' },
      'idle-variants': { type: 'string' },
      config: { type: 'string' },
      'idle-keyframes': { type: 'string' },
      'idle-after': { type: 'string' },
      skip: { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick === true;
  const positive = (name: string, v: string | undefined, def: number) => {
    if (v === undefined) return def;
    const n = Number(v);
    if (!(n > 0)) throw new Error(`--${name} needs a positive number, got ${v}`);
    return n;
  };
  const steps = (name: string, v: string | undefined, def: number[]) => {
    if (v === undefined) return def;
    const s = list(v);
    if (s.length === 0) throw new Error(`--${name} needs camera counts, e.g. 8,16,24`);
    return s.sort((a, b) => a - b);
  };
  const ik = values['idle-keyframes'];
  if (ik !== undefined && ik !== 'on' && ik !== 'off') throw new Error('--idle-keyframes takes on or off');
  const skip = new Set((values.skip ?? '').split(',').filter(Boolean));
  for (const s of skip)
    if (s !== 'ratio' && s !== 'default' && s !== 'mix' && s !== 'sim')
      throw new Error(`--skip takes ratio, default, mix, sim; got ${s}`);
  return {
    quick,
    rounds: Math.round(positive('rounds', values.rounds, quick ? 2 : 3)),
    // 36 s ≈ one loop of the factory clip (36.8 s): (b) then sees every part of it, as (a) does (it runs
    // through the clip faster than real time); people, and so vest crops, differ along the clip
    sliceS: positive('slice', values.slice, quick ? 12 : 36),
    // 20 between 16 and 24: on 2 cores with the sim beside the service the answer lies there
    steps: steps('steps', values.steps, quick ? [8, 16, 20, 24, 32] : [8, 16, 20, 24, 32, 40]),
    windowS: positive('window', values.window, quick ? 8 : 15),
    mixSteps: steps(
      'mix-steps',
      values['mix-steps'],
      quick ? [16, 24, 32, 48, 64] : [16, 24, 32, 48, 64, 80],
    ),
    mixWindowS: positive('mix-window', values['mix-window'], quick ? 14 : 28),
    settleS: positive('settle', values.settle, quick ? 4 : 6),
    idleVariants: Math.round(positive('idle-variants', values['idle-variants'], 7)),
    config: values.config,
    idleKeyframesOnly: ik === undefined ? undefined : ik === 'on',
    idleAfterS:
      values['idle-after'] === undefined
        ? undefined
        : Math.round(positive('idle-after', values['idle-after'], 1)),
    skip: skip as BenchOptions['skip'],
  };
}
