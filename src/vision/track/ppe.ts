import type { Box, Detection, Label } from '../detect/types.ts';
import { area, band, center, containment, height, inside } from './geometry.ts';
import { fitsHead, headRegion, headSpot, headStateAt, type HeadState } from './head-state.ts';
import type { Track } from './tracker.ts';

/**
 * Attaches PPE and object detections to the person wearing or holding them, by geometry alone: a
 * helmet/head box belongs to the person whose head band (top 35% of the box) holds its centre, a
 * vest/no_vest box to the person whose torso band holds it, a phone to the person whose head or
 * hands region holds it. Each detection goes to one person at most (nearest expected spot wins), so
 * two people standing close do not share one helmet.
 */
export type Tri = 'yes' | 'no' | 'unknown';

export interface TrackedPerson {
  trackId: number;
  box: Box;
  score: number;
  /** 'no' = a bare head was seen on this person; 'unknown' = no head seen at all (from `head`) */
  helmet: Tri;
  helmetScore: number;
  /** the head state the helmet fields are read from (head-state.ts), with the box that decided */
  head: HeadState;
  vest: Tri;
  vestScore: number;
  phone: boolean;
  /** a small smoke/fire box at the person's head (only meaningful with a fire/smoke model) */
  smokeAtHead: boolean;
  /** the boxes that decided the above, for the evidence overlay */
  parts: Detection[];
}

const headBand = headRegion;
const torsoBand = (b: Box): Box => band(b, -0.1, 0.1, 1.1, 0.8);
const handsBand = (b: Box): Box => band(b, -0.25, 0.0, 1.25, 0.75);
const torsoSpot = (b: Box): [number, number] => [(b[0] + b[2]) / 2, b[1] + height(b) * 0.4];

interface Candidate {
  det: Detection;
  person: number;
  cost: number;
}

/** Greedy one-to-one assignment of detections with `labels` to people, cheapest first. */
/** What the association reads of a person: a track, or a plain person detection numbered by the caller. */
type PersonRef = Pick<Track, 'id' | 'box' | 'score'>;

function assign(
  people: readonly PersonRef[],
  dets: readonly Detection[],
  labels: readonly Label[],
  fits: (d: Detection, p: Box) => boolean,
  spot: (p: Box) => [number, number],
): Map<number, Detection> {
  const cands: Candidate[] = [];
  for (const det of dets) {
    if (!labels.includes(det.label)) continue;
    people.forEach((t, i) => {
      if (!fits(det, t.box)) return;
      const [cx, cy] = center(det.box);
      const [sx, sy] = spot(t.box);
      cands.push({ det, person: i, cost: Math.hypot(cx - sx, cy - sy) / Math.max(height(t.box), 1) });
    });
  }
  cands.sort((a, b) => a.cost - b.cost || b.det.score - a.det.score);
  const out = new Map<number, Detection>();
  const usedDet = new Set<Detection>();
  for (const c of cands) {
    if (out.has(c.person) || usedDet.has(c.det)) continue;
    out.set(c.person, c.det);
    usedDet.add(c.det);
  }
  return out;
}

export function attachPpe(people: readonly PersonRef[], detections: readonly Detection[]): TrackedPerson[] {
  const heads = assign(people, detections, ['helmet', 'head'], fitsHead, headSpot);
  const vests = assign(
    people,
    detections,
    ['vest', 'no_vest'],
    (d, p) => inside(center(d.box), torsoBand(p)) && containment(d.box, band(p, -0.2, 0, 1.2, 1)) > 0.5,
    torsoSpot,
  );
  const phones = assign(
    people,
    detections,
    ['phone'],
    (d, p) => inside(center(d.box), handsBand(p)),
    headSpot,
  );
  return people.map((t, i) => {
    // the assigned box is the person's head; a box of the other class on the same head (the detector
    // hedging) decides instead when it scores higher
    const head = headStateAt(
      heads.get(i),
      detections.filter((d) => fitsHead(d, t.box)),
    );
    const headDet = head.headBox ? detections.find((d) => d.box === head.headBox) : undefined;
    const vest = vests.get(i);
    const phone = phones.get(i);
    const hb = headBand(t.box);
    const smoke = detections.find(
      (d) =>
        (d.label === 'smoke' || d.label === 'fire') &&
        inside(center(d.box), hb) &&
        area(d.box) <= area(t.box) * 0.05,
    );
    return {
      trackId: t.id,
      box: t.box,
      score: t.score,
      helmet: head.state === 'hard_hat' ? 'yes' : head.state === 'bare' ? 'no' : 'unknown',
      helmetScore: head.score,
      head,
      vest: vest ? (vest.label === 'vest' ? 'yes' : 'no') : 'unknown',
      vestScore: vest?.score ?? 0,
      phone: !!phone,
      smokeAtHead: !!smoke,
      parts: [headDet, vest, phone, smoke].filter((d): d is Detection => !!d),
    };
  });
}
