import { confinedSpace } from './confined-space.ts';
import { hotWork } from './hot-work.ts';
import { buildKindRegistry } from './registry.ts';

/**
 * The kinds of special work this service runs permits for. Registering a kind: add its file
 * (a `defineKind` value, see hot-work.ts) and one entry here.
 */
export const KINDS = buildKindRegistry([hotWork, confinedSpace]);

export { buildKindRegistry, KindErrors, type KindRegistry, type KindSummary } from './registry.ts';
export {
  AUTHORITIES,
  defineKind,
  KindDefinitionError,
  type Authority,
  type EscalationReason,
  type Gas,
  type GasRule,
  type KindLevel,
  type LevelRules,
  type WorkKind,
} from './work-kind.ts';
