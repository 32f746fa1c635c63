/**
 * Pure helpers of the stage-2 plugins that work on the people stage 1 found (the vest classifier and
 * the person-crop hard hat): which people to look at, and a part of a person's box.
 */
import type { Box, Detection } from '../types.ts';

/** A region given as fractions of a person box: [left, top, right, bottom] (may reach outside it). */
export type PersonFractions = [number, number, number, number];

export function partOfPerson(person: Box, m: PersonFractions): Box {
  const w = person[2] - person[0];
  const h = person[3] - person[1];
  return [person[0] + m[0] * w, person[1] + m[1] * h, person[0] + m[2] * w, person[1] + m[3] * h];
}

/** The `max` largest people scoring at least `minScore`, largest (nearest, best resolved) first. */
export function largestPeople(
  context: readonly Detection[] | undefined,
  minScore: number,
  max: number,
): Detection[] {
  return (context ?? [])
    .filter((d) => d.label === 'person' && d.score >= minScore)
    .sort((a, b) => area(b.box) - area(a.box))
    .slice(0, max);
}

const area = (b: Box): number => (b[2] - b[0]) * (b[3] - b[1]);
