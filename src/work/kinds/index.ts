import { blindPlate } from './blind-plate.ts';
import { confinedSpace } from './confined-space.ts';
import { excavation } from './excavation.ts';
import { gasWork } from './gas-work.ts';
import { hotWork } from './hot-work.ts';
import { lifting } from './lifting.ts';
import { buildKindRegistry } from './registry.ts';
import { roadClosure } from './road-closure.ts';
import { temporaryPower } from './temporary-power.ts';
import { workAtHeight } from './work-at-height.ts';

/**
 * The kinds of special work this service runs permits for: the eight of GB 30871-2022 (§5–§12) and
 * 煤气作业 (GB 6222-2005). Registering a kind: add its file (a `defineKind` value, see hot-work.ts)
 * and one entry here.
 */
export const KINDS = buildKindRegistry([
  hotWork,
  confinedSpace,
  blindPlate,
  workAtHeight,
  lifting,
  temporaryPower,
  excavation,
  roadClosure,
  gasWork,
]);

export { buildKindRegistry, KindErrors, type KindRegistry, type KindSummary } from './registry.ts';
export {
  AUTHORITIES,
  defineKind,
  KindDefinitionError,
  type Authority,
  type EscalationReason,
  type ExposureBand,
  type ExposureRule,
  type Gas,
  type GasRequirement,
  type GasRule,
  type KindLevel,
  type Label,
  type LevelRules,
  type WorkKind,
} from './work-kind.ts';
