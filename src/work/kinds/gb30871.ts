import type { GasRule } from './work-kind.ts';

/** Time units for the kind files. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/**
 * Gas limits common to GB 30871-2022 §5.3 / §6.3 and 应急管理部令第13号, shared by the kind files
 * (a kind with other limits, e.g. 煤气作业 under GB 6222, declares its own).
 * H2S MAC 10 mg/m³ ≈ 7 ppm and CO PC-STEL 30 mg/m³ ≈ 24 ppm (GBZ 2.1, converted to ppm).
 */
export const GB30871_GAS_LIMITS: GasRule['limits'] = Object.freeze({
  o2MinPct: 19.5,
  o2MaxPct: 21,
  combustibleHighLelPct: 0.5,
  combustibleLowLelPct: 0.2,
  h2sMaxPpm: 7,
  coMaxPpm: 24,
});

/**
 * The gas rule of a kind that analyses only where hazardous media are present (GB 30871-2022 §4:
 * 盲板抽堵, 高处, 临时用电 in a fire/explosion area, 动土 in pits): a passing combustible sample no older
 * than 30 min before start when the permit declares an LEL or a toxic risk.
 */
export const GAS_WITH_HAZARDOUS_MEDIA: GasRule = Object.freeze({
  mustMeasure: ['combustible'] as const,
  limits: GB30871_GAS_LIMITS,
  requiredBeforeStart: 'hazardous_media',
  freshMs: 30 * MINUTE,
  continuousMs: null,
  exposure: null,
});

/** The gas rule of a kind with no gas analysis (吊装, 断路). */
export const NO_GAS_ANALYSIS: GasRule = Object.freeze({
  mustMeasure: [] as const,
  limits: GB30871_GAS_LIMITS,
  requiredBeforeStart: 'never',
  freshMs: 30 * MINUTE,
  continuousMs: null,
  exposure: null,
});
