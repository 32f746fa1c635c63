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

/**
 * The torso of a detected person: `m` as fractions of the person's whole height. A box shorter than
 * `wholeAspect` × its width is taken for a person cut off below (by the frame's edge, a railing, a
 * machine; the person detector boxes only what it sees), whose whole height is `wholeAspect` × width;
 * the torso is placed on that height and clipped to the box. Without it, a fixed map put the torso of
 * a person seen from the waist up across the face (safety-vest-v4 training torsos matched at IoU ≥ 0.5:
 * 13 % of boxes under 1.6 × as tall as wide, 77 % of those over 2.4 ×; models/ppe-vest.card.md).
 * `wholeAspect` 0 or absent, or a box so flat the torso would start below it: the plain map.
 */
export function torsoOfPerson(person: Box, m: PersonFractions, wholeAspect = 0): Box {
  const w = person[2] - person[0];
  const h = person[3] - person[1];
  const whole = Math.max(h, wholeAspect * w);
  if (m[1] * whole >= h) return partOfPerson(person, m);
  return [
    person[0] + m[0] * w,
    person[1] + m[1] * whole,
    person[0] + m[2] * w,
    Math.min(person[1] + m[3] * whole, person[3]),
  ];
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
