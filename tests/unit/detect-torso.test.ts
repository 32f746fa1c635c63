import { describe, expect, it } from 'vitest';
import { chooseWholeAspect, torsoHitRate, type TorsoPair } from '../../src/cli/commands/eval-crops.ts';
import { partOfPerson, torsoOfPerson } from '../../src/vision/detect/plugins/people.ts';
import type { Box } from '../../src/vision/detect/types.ts';

const MAP: [number, number, number, number] = [0, 0.2, 1, 0.6];

describe('torso estimate from a person box (pure)', () => {
  it('a whole person (box at least wholeAspect × as tall as wide) gets the plain map', () => {
    const person: Box = [10, 0, 110, 300]; // 100 × 300: aspect 3
    expect(torsoOfPerson(person, MAP, 2.8)).toEqual(partOfPerson(person, MAP));
    expect(torsoOfPerson(person, MAP, 2.8)).toEqual([10, 60, 110, 180]);
  });

  it('a person cut off below is placed on the whole height wholeAspect × width, clipped to the box', () => {
    // 100 wide, 120 tall (seen from the waist up): whole height 280 → torso 56..168, clipped at 120
    expect(torsoOfPerson([10, 0, 110, 120], MAP, 2.8)).toEqual([10, 56, 110, 120]);
    // the plain map would have put the torso over the face: 24..72
    expect(torsoOfPerson([10, 0, 110, 120], MAP, 0)).toEqual([10, 24, 110, 72]);
  });

  it('a box so flat the torso would start below it falls back to the plain map', () => {
    // 100 wide, 40 tall: 0.2 × 280 = 56 ≥ 40
    expect(torsoOfPerson([0, 0, 100, 40], MAP, 2.8)).toEqual(partOfPerson([0, 0, 100, 40], MAP));
  });

  it('chooseWholeAspect picks the grid value that finds most labelled torsos; off wins ties', () => {
    const pair = (person: Box | null, torso: Box): TorsoPair => ({ file: 'f', person, torso, y: 0 });
    const pairs = [
      // waist-up person: torso at the bottom of the box
      pair([0, 0, 100, 120], [0, 55, 100, 120]),
      // whole person: plain map
      pair([0, 0, 100, 300], [0, 60, 100, 180]),
      // no detected person: not counted
      pair(null, [0, 0, 10, 10]),
    ];
    expect(torsoHitRate(pairs, MAP, 0)).toBe(0.5);
    expect(torsoHitRate(pairs, MAP, 2.8)).toBe(1);
    const chosen = chooseWholeAspect(pairs, MAP, [0, 1.2, 2.8, 3]);
    expect(chosen.wholeAspect).toBe(2.8);
    expect(chosen.tried.map((t) => t.hitRate)).toEqual([0.5, 0.5, 1, 1]);
    expect(chooseWholeAspect([pairs[1]!], MAP, [0, 2.8]).wholeAspect).toBe(0);
  });
});
