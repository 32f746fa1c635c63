import type { Label } from '../../vision/detect/types.ts';
import { footPoint } from '../../vision/track/geometry.ts';
import type { TrackedPerson } from '../../vision/track/ppe.ts';
import { pointInPolygon } from '../zones/geometry.ts';
import type { RuleName, RuleParams } from './defaults.ts';
import type { Observation, RuleFrame, RuleZone, ViolationType } from './types.ts';

/**
 * The rules, each a pure function from one frame to observations (subject → condition true/false).
 * Debouncing, dwell and cooldown are applied by the engine, the same way for all of them.
 * `needs`: labels without which the rule cannot see anything; it then stays silent (and says so).
 */
export interface Rule {
  name: RuleName;
  type: ViolationType;
  needs: readonly Label[][];
  observe(f: RuleFrame, p: RuleParams): Observation[];
}

const norm = (f: RuleFrame, person: TrackedPerson): [number, number] => {
  const [x, y] = footPoint(person.box);
  return [x / f.width, y / f.height];
};

const zonesOf = (f: RuleFrame, kind: RuleZone['kind']) => f.zones.filter((z) => z.kind === kind);

const zoneAt = (f: RuleFrame, person: TrackedPerson, kind: RuleZone['kind']): RuleZone | undefined =>
  zonesOf(f, kind).find((z) => pointInPolygon(norm(f, person), z.points));

const perPerson = (
  f: RuleFrame,
  test: (person: TrackedPerson) => { value: boolean; zoneId?: string | null },
): Observation[] =>
  f.people.map((person) => {
    const r = test(person);
    return {
      subject: `t${person.trackId}`,
      value: r.value,
      trackId: person.trackId,
      zoneId: r.zoneId ?? null,
      box: person.box,
    };
  });

/** Work areas: where PPE is required. A camera with no work_area zone is all work area. */
const inWorkArea = (f: RuleFrame, person: TrackedPerson): { inside: boolean; zoneId: string | null } => {
  if (zonesOf(f, 'work_area').length === 0) return { inside: true, zoneId: null };
  const z = zoneAt(f, person, 'work_area');
  return { inside: !!z, zoneId: z?.id ?? null };
};

/** What counts as hot work on camera: open flame, or a welding arc / cutting sparks. */
export const HOT_WORK_LABELS: readonly Label[] = ['fire', 'arc'];

export const RULES: readonly Rule[] = [
  {
    name: 'noHelmet',
    type: 'no_helmet',
    needs: [['person'], ['head']],
    observe: (f) =>
      perPerson(f, (p) => {
        const w = inWorkArea(f, p);
        return { value: w.inside && p.helmet === 'no', zoneId: w.zoneId };
      }),
  },
  {
    name: 'noVest',
    type: 'no_vest',
    needs: [['person'], ['no_vest', 'vest']],
    observe: (f) =>
      perPerson(f, (p) => {
        const w = inWorkArea(f, p);
        return { value: w.inside && p.vest === 'no', zoneId: w.zoneId };
      }),
  },
  {
    name: 'phoneUse',
    type: 'phone_use',
    needs: [['person'], ['phone']],
    observe: (f) => perPerson(f, (p) => ({ value: p.phone })),
  },
  {
    name: 'smoking',
    type: 'smoking',
    needs: [['person'], ['smoke', 'fire']],
    observe: (f) => perPerson(f, (p) => ({ value: p.smokeAtHead })),
  },
  {
    name: 'dangerZone',
    type: 'danger_zone_entry',
    needs: [['person']],
    observe: (f) =>
      perPerson(f, (p) => {
        const z = zoneAt(f, p, 'danger_zone');
        return { value: !!z, zoneId: z?.id ?? null };
      }),
  },
  {
    name: 'personDown',
    type: 'person_down',
    needs: [['person']],
    observe: (f, prm) =>
      perPerson(f, (p) => {
        const h = p.box[3] - p.box[1];
        return { value: h > 0 && (p.box[2] - p.box[0]) / h >= prm.aspectMin };
      }),
  },
  {
    name: 'guardianAbsent',
    type: 'guardian_absent',
    needs: [['person']],
    observe: (f) => {
      // Without a guardian post on this camera there is nothing to watch; the engine reports it.
      const posts = zonesOf(f, 'guardian_post');
      if (posts.length === 0) return [];
      const permit = f.permits.guardianRequired;
      return posts.map((z) => {
        const present = f.people.some((p) => pointInPolygon(norm(f, p), z.points));
        return {
          subject: `z${z.id}`,
          value: permit && !present,
          trackId: null,
          zoneId: z.id,
          box: null,
          detail: { permitKinds: f.permits.kinds.join(',') },
        };
      });
    },
  },
  {
    name: 'crowding',
    type: 'crowding',
    needs: [['person']],
    observe: (f, prm) => {
      const areas = zonesOf(f, 'work_area');
      const groups: { id: string | null; people: TrackedPerson[] }[] =
        areas.length === 0
          ? [{ id: null, people: [...f.people] }]
          : areas.map((z) => ({
              id: z.id,
              people: f.people.filter((p) => pointInPolygon(norm(f, p), z.points)),
            }));
      return groups.map((g) => ({
        subject: g.id ? `z${g.id}` : 'frame',
        value: g.people.length > prm.maxPeople,
        trackId: null,
        zoneId: g.id,
        box: null,
        detail: { people: g.people.length, maxPeople: prm.maxPeople },
      }));
    },
  },
  {
    // Hot work on camera: a flame (`fire`) or a welding arc / cutting sparks (`arc`, the most common hot
    // work, which the fire model does not see). Either model alone lets the rule watch.
    name: 'hotWork',
    type: 'hot_work_unpermitted',
    needs: [[...HOT_WORK_LABELS]],
    observe: (f, prm) => {
      const seen = f.detections.filter((d) => HOT_WORK_LABELS.includes(d.label) && d.score >= prm.minScore);
      const best = seen.sort((a, b) => b.score - a.score)[0];
      const o: Observation = {
        subject: 'camera',
        value: !!best && !f.permits.openFlameAllowed,
        trackId: null,
        zoneId: null,
        box: best?.box ?? null,
        // fireScore / arcScore: which evidence raised it, for the officer on the wall
        ...(best ? { detail: { [`${best.label}Score`]: Math.round(best.score * 100) / 100 } } : {}),
      };
      return [o];
    },
  },
];
