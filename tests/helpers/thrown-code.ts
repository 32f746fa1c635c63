import { AppError } from '../../src/platform/shared/errors.ts';

/**
 * What `fn` refuses with: an AppError's code, another Error's name (a definition error, say), or
 * 'no error' when it returns. Lets a table of refusals read as one expect per row.
 */
export function thrownCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e.code;
    if (e instanceof Error) return e.name;
    throw e;
  }
  return 'no error';
}
