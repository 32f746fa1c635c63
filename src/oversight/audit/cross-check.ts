import type { Db } from '../../platform/store/db.ts';
import type { Problem } from './problems.ts';

/** State tables cross-checked against the chain (filled in below). */
export function crossCheckState(_db: Db, _dataDir: string): Problem[] {
  return [];
}
