import { describe, expect, it } from 'vitest';
import type { Box, Detection } from '../../src/vision/detect/types.ts';
import { Tracker } from '../../src/vision/track/tracker.ts';
import { attachPpe } from '../../src/vision/track/ppe.ts';
import { iou, footPoint } from '../../src/vision/track/geometry.ts';

const person = (box: Box, score = 0.9): Detection => ({ label: 'person', score, box });
const at = (x: number, y = 100, w = 60, h = 160): Box => [x, y, x + w, y + h];

describe('geometry', () => {
  it('iou and foot point', () => {
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(iou([0, 0, 10, 10], [20, 20, 30, 30])).toBe(0);
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(1 / 3);
    expect(footPoint([10, 20, 30, 80])).toEqual([20, 80]);
  });
});

describe('Tracker', () => {
  it('keeps one id for a person walking steadily, confirmed on the second hit', () => {
    const t = new Tracker();
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) {
      const u = t.update(i * 500, [person(at(50 + i * 25))]);
      if (i === 0)
        expect(u.visible).toHaveLength(0); // tentative
      else ids.push(u.visible[0]!.id);
    }
    expect(new Set(ids).size).toBe(1);
  });

  it('follows two people crossing paths without swapping ids (motion prediction)', () => {
    const t = new Tracker();
    let leftId = 0;
    let rightId = 0;
    for (let i = 0; i < 12; i++) {
      const a = person(at(50 + i * 30)); // walks right
      const b = person(at(400 - i * 30, 110)); // walks left
      const u = t.update(i * 500, [a, b]);
      if (i === 1) {
        leftId = u.visible.find((v) => v.box[0] === a.box[0])!.id;
        rightId = u.visible.find((v) => v.box[0] === b.box[0])!.id;
      }
      if (i > 1 && i !== 6) {
        expect(u.visible.find((v) => v.box[0] === a.box[0])?.id).toBe(leftId);
        expect(u.visible.find((v) => v.box[0] === b.box[0])?.id).toBe(rightId);
      }
    }
    expect(leftId).not.toBe(rightId);
  });

  it('survives a short occlusion but drops a track after maxLostMs', () => {
    const t = new Tracker({ maxLostMs: 3000 });
    t.update(0, [person(at(100))]);
    const id = t.update(500, [person(at(110))]).visible[0]!.id;
    // hidden for 2 s
    for (const ts of [1000, 1500, 2000, 2500]) expect(t.update(ts, []).visible).toHaveLength(0);
    expect(t.update(3000, [person(at(160))]).visible[0]?.id).toBe(id);
    // hidden for 4 s: gone
    let removed: number[] = [];
    for (let ts = 3500; ts <= 7500; ts += 500) removed = removed.concat(t.update(ts, []).removed);
    expect(removed).toContain(id);
    t.update(8000, [person(at(160))]);
    expect(t.update(8500, [person(at(160))]).visible[0]!.id).not.toBe(id);
  });

  it('drops a one-frame false positive without ever confirming it', () => {
    const t = new Tracker();
    expect(t.update(0, [person(at(300))]).visible).toHaveLength(0);
    const u = t.update(500, []);
    expect(u.visible).toHaveLength(0);
    expect(u.removed).toHaveLength(1);
  });

  it('uses appearance to keep identities when boxes are ambiguous', () => {
    const t = new Tracker({ distGate: 2 });
    const ea = Float32Array.from([1, 0, 0]);
    const eb = Float32Array.from([0, 1, 0]);
    t.update(0, [person(at(100)), person(at(180))], [ea, eb]);
    const u1 = t.update(500, [person(at(100)), person(at(180))], [ea, eb]);
    const idA = u1.visible.find((v) => v.box[0] === 100)!.id;
    // the two swap places between frames: motion says "same spots", appearance says "swapped"
    const u2 = t.update(1000, [person(at(100)), person(at(180))], [eb, ea]);
    expect(u2.visible.find((v) => v.box[0] === 180)!.id).toBe(idA);
  });

  it('ignores low scores, other labels and out-of-order frames', () => {
    const t = new Tracker();
    t.update(1000, [person(at(0), 0.1), { label: 'helmet', score: 0.9, box: at(0) }]);
    expect(t.all()).toHaveLength(0);
    t.update(2000, [person(at(0))]);
    expect(t.update(1500, [person(at(0))]).visible).toHaveLength(0);
  });
});

describe('attachPpe', () => {
  const tracks = (boxes: Box[]) => {
    const t = new Tracker({ minHits: 1 });
    return t.update(
      0,
      boxes.map((b) => person(b)),
    ).visible;
  };

  it('gives each head to the person it sits on', () => {
    const ppl = tracks([at(100), at(300)]);
    const out = attachPpe(ppl, [
      { label: 'helmet', score: 0.8, box: [115, 100, 145, 130] },
      { label: 'head', score: 0.7, box: [315, 102, 345, 132] },
    ]);
    expect(out.map((p) => p.helmet)).toEqual(['yes', 'no']);
  });

  it('says unknown when no head is seen, and does not take a head from waist height', () => {
    const ppl = tracks([at(100)]);
    expect(attachPpe(ppl, [])[0]!.helmet).toBe('unknown');
    const low = attachPpe(ppl, [{ label: 'head', score: 0.9, box: [115, 190, 145, 220] }]);
    expect(low[0]!.helmet).toBe('unknown');
  });

  it('one helmet is never shared by two overlapping people', () => {
    const ppl = tracks([at(100), at(130)]);
    const out = attachPpe(ppl, [{ label: 'helmet', score: 0.8, box: [135, 100, 165, 130] }]);
    expect(out.filter((p) => p.helmet === 'yes')).toHaveLength(1);
  });

  it('vest on the torso, phone at head or hands', () => {
    const ppl = tracks([at(100)]);
    const out = attachPpe(ppl, [
      { label: 'no_vest', score: 0.8, box: [105, 140, 155, 210] },
      { label: 'phone', score: 0.6, box: [150, 120, 165, 140] },
    ]);
    expect(out[0]!.vest).toBe('no');
    expect(out[0]!.phone).toBe(true);
    const far = attachPpe(ppl, [{ label: 'phone', score: 0.6, box: [400, 120, 415, 140] }]);
    expect(far[0]!.phone).toBe(false);
  });
});
