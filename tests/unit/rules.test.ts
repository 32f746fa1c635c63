import { describe, expect, it } from 'vitest';
import type { Detection } from '../../src/vision/detect/types.ts';
import { resolveRules } from '../../src/supervision/rules/defaults.ts';
import { RuleEngine } from '../../src/supervision/rules/engine.ts';
import { box, headOf, kinds, person, repeat, runScript, square } from './rules-fixtures.ts';

const P = box(100, 300);
const bare = (): Detection[] => [person(P), headOf(P, 'head')];
const helmeted = (): Detection[] => [person(P), headOf(P, 'helmet')];
const nobody = (): Detection[] => [];

describe('no_helmet 未戴安全帽', () => {
  it('fires after inertia + dwell and ends when the hat is back', () => {
    const ev = runScript({}, [...repeat(12, bare), ...repeat(14, helmeted)]);
    expect(kinds(ev, 'no_helmet')).toEqual(['started', 'ended']);
    const started = ev[0]!.violation;
    // first seen at frame 1 (the track is confirmed on its 2nd hit); raised once 3 s have passed
    expect(started.startTs).toBe(1_000_500);
    expect(started.trackId).not.toBeNull();
    expect(started.severity).toBe('high');
    expect(ev[1]!.violation.endTs).toBe(1_000_000 + 11 * 500);
  });

  it('must NOT fire on a flickering bare head (2 of 6 frames) nor on helmets', () => {
    const flicker = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? bare : helmeted));
    expect(kinds(runScript({}, flicker), 'no_helmet')).toEqual([]);
    expect(kinds(runScript({}, repeat(30, helmeted)), 'no_helmet')).toEqual([]);
  });

  it('must NOT fire before the dwell time (2 s of bare head)', () => {
    expect(kinds(runScript({}, [...repeat(4, bare), ...repeat(20, helmeted)]), 'no_helmet')).toEqual([]);
  });

  it('cooldown: the same person is not raised again right away', () => {
    const seq = [...repeat(10, bare), ...repeat(12, helmeted), ...repeat(12, bare)];
    expect(kinds(runScript({}, seq), 'no_helmet')).toEqual(['started', 'ended']);
    const noCooldown = runScript({ rules: { noHelmet: { cooldownSeconds: 0 } } }, seq);
    expect(kinds(noCooldown, 'no_helmet')).toEqual(['started', 'ended', 'started']);
  });

  it('ends when the person leaves the picture', () => {
    const ev = runScript({}, [...repeat(10, bare), ...repeat(20, nobody)]);
    expect(kinds(ev, 'no_helmet')).toEqual(['started', 'ended']);
  });

  it('stays silent without a head model, and reports why', () => {
    const ev = runScript({ labels: ['person'] }, repeat(12, bare));
    expect(ev).toEqual([]);
    const engine = new RuleEngine('c', []);
    engine.process({
      cameraId: 'c',
      ts: 0,
      width: 10,
      height: 10,
      people: [],
      detections: [],
      zones: [],
      permits: { guardianRequired: false, openFlameAllowed: false, kinds: [] },
      labels: new Set(['person']),
    });
    expect(engine.status().find((s) => s.name === 'noHelmet')?.inactiveReason).toMatch(/head/);
  });
});

describe('track fragmentation guard', () => {
  const far = box(700, 300);
  const bareFar = (): Detection[] => [person(far), headOf(far, 'head')];
  it('the same bare head back at the same spot after a long occlusion is not a second alarm', () => {
    // 4 s hidden: the tracker drops the track (3 s) and the violation ends (5 s unseen); same person again
    const seq = [...repeat(10, bare), ...repeat(12, nobody), ...repeat(12, bare)];
    expect(kinds(runScript({}, seq), 'no_helmet')).toEqual(['started', 'ended']);
  });
  it('an active violation is handed to the new track (one update, no new alarm)', () => {
    const seq = [...repeat(10, bare), ...repeat(8, nobody), ...repeat(12, bare)];
    const ev = runScript({ rules: { noHelmet: { clearSeconds: 30 } } }, seq);
    expect(kinds(ev, 'no_helmet')).toEqual(['started', 'updated']);
    expect(ev[1]!.violation.key).toBe(ev[0]!.violation.key);
    expect(ev[1]!.violation.trackId).not.toBe(ev[0]!.violation.trackId);
  });
  it('a different person elsewhere still raises their own', () => {
    const seq = [...repeat(10, bare), ...repeat(12, nobody), ...repeat(12, bareFar)];
    expect(kinds(runScript({}, seq), 'no_helmet')).toEqual(['started', 'ended', 'started']);
  });
});

describe('no_vest 未穿反光衣 (work areas only)', () => {
  const noVest = (): Detection[] => [person(P), { label: 'no_vest', score: 0.8, box: [105, 340, 175, 440] }];
  it('fires inside a work area', () => {
    const zones = [square('wa', 'work_area', 0, 0, 0.5, 1)];
    const ev = runScript({ zones }, repeat(12, noVest));
    expect(kinds(ev, 'no_vest')).toEqual(['started']);
    expect(ev[0]!.violation.zoneId).toBe('wa');
  });
  it('must NOT fire outside the work area', () => {
    const zones = [square('wa', 'work_area', 0.6, 0, 1, 1)];
    expect(kinds(runScript({ zones }, repeat(12, noVest)), 'no_vest')).toEqual([]);
  });
});

describe('phone_use 打电话/玩手机', () => {
  it('fires for a phone at the head', () => {
    const ph = (): Detection[] => [person(P), { label: 'phone', score: 0.6, box: [170, 310, 185, 335] }];
    expect(kinds(runScript({}, repeat(10, ph)), 'phone_use')).toEqual(['started']);
  });
  it('must NOT fire for a phone lying far away', () => {
    const ph = (): Detection[] => [person(P), { label: 'phone', score: 0.6, box: [600, 800, 615, 820] }];
    expect(kinds(runScript({}, repeat(10, ph)), 'phone_use')).toEqual([]);
  });
});

describe('smoking 吸烟', () => {
  const smoke = (): Detection[] => [person(P), { label: 'smoke', score: 0.6, box: [150, 320, 165, 335] }];
  it('is OFF by default (no model supports it)', () => {
    expect(kinds(runScript({}, repeat(12, smoke)), 'smoking')).toEqual([]);
    expect(resolveRules().smoking.enabled).toBe(false);
  });
  it('fires when explicitly enabled with a smoke-capable model', () => {
    expect(kinds(runScript({ rules: { smoking: { enabled: true } } }, repeat(12, smoke)), 'smoking')).toEqual(
      ['started'],
    );
  });
});

describe('danger_zone_entry 闯入危险区', () => {
  const zones = [square('dz', 'danger_zone', 0.4, 0.4, 0.6, 0.6)];
  const walker = (inside: (i: number) => boolean) =>
    Array.from({ length: 12 }, (_, i) => () => [person(inside(i) ? box(460, 300) : box(100 + i * 10, 100))]);
  it('fires for a person who stays in the zone', () => {
    const ev = runScript({ zones }, [
      ...repeat(3, () => [person(box(300, 300))]),
      ...repeat(5, () => [person(box(460, 300))]),
    ]);
    expect(kinds(ev, 'danger_zone_entry')).toEqual(['started']);
    expect(ev[0]!.violation.zoneId).toBe('dz');
  });
  it('must NOT fire for a person passing through the zone in one frame', () => {
    // foot point (500, 500) is inside only in frame 5
    const seq = Array.from({ length: 12 }, (_, i) => () => [person(box(60 + i * 88, 300))]);
    expect(kinds(runScript({ zones }, seq), 'danger_zone_entry')).toEqual([]);
    expect(
      kinds(
        runScript(
          { zones },
          walker((i) => i === 5),
        ),
        'danger_zone_entry',
      ),
    ).toEqual([]);
  });
});

describe('person_down 人员倒地', () => {
  const lying = (): Detection[] => [person([100, 500, 320, 590])];
  const standing = (): Detection[] => [person([160, 390, 240, 590])];
  it('fires after lying for ≥ 5 s', () => {
    expect(kinds(runScript({}, [...repeat(2, standing), ...repeat(14, lying)]), 'person_down')).toEqual([
      'started',
    ]);
  });
  it('must NOT fire for someone bending down for 2 s', () => {
    const seq = [...repeat(4, standing), ...repeat(4, lying), ...repeat(10, standing)];
    expect(kinds(runScript({}, seq), 'person_down')).toEqual([]);
  });
});

describe('guardian_absent 监护人离岗', () => {
  const zones = [square('post', 'guardian_post', 0, 0, 0.3, 1)];
  const guardian = (): Detection[] => [person(box(100, 300))];
  const hot = () => ({ guardianRequired: true, openFlameAllowed: true, kinds: ['hot_work'] });
  it('must NOT fire when the guardian steps out of frame for 2 s', () => {
    const seq = [...repeat(10, guardian), ...repeat(4, nobody), ...repeat(20, guardian)];
    expect(kinds(runScript({ zones, permits: hot }, seq), 'guardian_absent')).toEqual([]);
  });
  it('fires after ≥ 30 s away during an active hot-work permit, ends on return', () => {
    // 50 s away: raised at 30 s, updated every 10 s while it lasts, ended after the return
    const seq = [...repeat(4, guardian), ...repeat(100, nobody), ...repeat(20, guardian)];
    const ev = runScript({ zones, permits: hot }, seq);
    expect(kinds(ev, 'guardian_absent')).toEqual(['started', 'updated', 'updated', 'ended']);
    expect(ev[0]!.violation.startTs).toBe(1_000_000 + 4 * 500);
    expect(ev[0]!.violation.detail.permitKinds).toBe('hot_work');
  });
  it('must NOT fire without an active permit', () => {
    const seq = [...repeat(4, guardian), ...repeat(70, nobody)];
    expect(kinds(runScript({ zones }, seq), 'guardian_absent')).toEqual([]);
  });
  it('a person outside the post does not count as the guardian', () => {
    const seq = [...repeat(4, guardian), ...repeat(70, () => [person(box(700, 300))])];
    expect(kinds(runScript({ zones, permits: hot }, seq), 'guardian_absent')).toEqual(['started']);
  });
});

describe('crowding 聚集', () => {
  const crowd = (n: number) => () => Array.from({ length: n }, (_, k) => person(box(20 + k * 120, 300)));
  it('fires for more than 5 people for ≥ 10 s', () => {
    const ev = runScript({}, repeat(24, crowd(7)));
    expect(kinds(ev, 'crowding')).toEqual(['started']);
    expect(ev.find((e) => e.violation.type === 'crowding')!.violation.detail.people).toBe(7);
  });
  it('must NOT fire for a brief gathering or 5 people', () => {
    expect(kinds(runScript({}, [...repeat(12, crowd(7)), ...repeat(10, crowd(2))]), 'crowding')).toEqual([]);
    expect(kinds(runScript({}, repeat(30, crowd(5))), 'crowding')).toEqual([]);
  });
});

describe('hot_work_unpermitted 疑似动火', () => {
  const fire = (): Detection[] => [{ label: 'fire', score: 0.8, box: [500, 500, 560, 560] }];
  it('fires on fire without a hot-work permit', () => {
    expect(kinds(runScript({}, repeat(10, fire)), 'hot_work_unpermitted')).toEqual(['started']);
  });
  it('must NOT fire while a hot-work permit is active, nor on weak fire scores', () => {
    const permits = () => ({ guardianRequired: true, openFlameAllowed: true, kinds: ['hot_work'] });
    expect(kinds(runScript({ permits }, repeat(10, fire)), 'hot_work_unpermitted')).toEqual([]);
    const weak = () => [
      { label: 'fire' as const, score: 0.3, box: [0, 0, 9, 9] as [number, number, number, number] },
    ];
    expect(kinds(runScript({}, repeat(10, weak)), 'hot_work_unpermitted')).toEqual([]);
  });
  const arc = (): Detection[] => [{ label: 'arc', score: 0.7, box: [300, 400, 320, 418] }];
  it('fires on a welding arc without a hot-work permit, with only the arc model loaded', () => {
    const ev = runScript({ labels: ['person', 'arc'] }, repeat(10, arc));
    expect(kinds(ev, 'hot_work_unpermitted')).toEqual(['started']);
    expect(ev[0]!.violation.detail).toEqual({ arcScore: 0.7 });
    expect(ev[0]!.violation.box).toEqual([300, 400, 320, 418]);
  });
  it('must NOT fire on an arc while a hot-work permit is active, nor on weak arc scores', () => {
    const permits = () => ({ guardianRequired: true, openFlameAllowed: true, kinds: ['hot_work'] });
    expect(kinds(runScript({ permits }, repeat(10, arc)), 'hot_work_unpermitted')).toEqual([]);
    const weak = (): Detection[] => [{ label: 'arc', score: 0.3, box: [0, 0, 9, 9] }];
    expect(kinds(runScript({}, repeat(10, weak)), 'hot_work_unpermitted')).toEqual([]);
  });
  it('stays silent with neither a fire nor an arc model', () => {
    expect(
      kinds(runScript({ labels: ['person', 'smoke'] }, repeat(10, arc)), 'hot_work_unpermitted'),
    ).toEqual([]);
  });
});

describe('resolveRules', () => {
  it('overrides field by field: global → site → camera', () => {
    const r = resolveRules(
      { noHelmet: { dwellSeconds: 5 } },
      { noHelmet: { minHits: 2 } },
      { noHelmet: { severity: 'low' } },
    );
    expect(r.noHelmet).toMatchObject({ dwellMs: 5000, minHits: 2, severity: 'low', window: 6 });
    expect(resolveRules({}, { enabled: false }).dangerZone.enabled).toBe(false);
  });
});
