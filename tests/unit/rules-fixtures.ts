import type { Box, Detection, Label } from '../../src/vision/detect/types.ts';
import { LABELS } from '../../src/vision/detect/types.ts';
import { RuleEngine } from '../../src/supervision/rules/engine.ts';
import type { RulesConfig } from '../../src/supervision/rules/config.schema.ts';
import type { CameraPermits, RuleEvent, RuleZone } from '../../src/supervision/rules/types.ts';
import { attachPpe } from '../../src/vision/track/ppe.ts';
import { Tracker } from '../../src/vision/track/tracker.ts';

/** Scripted detection sequences run through the real tracker → PPE → rules chain (all pure). */
export const W = 1000;
export const H = 1000;
export const box = (x: number, y: number, w = 80, h = 200): Box => [x, y, x + w, y + h];
export const person = (b: Box): Detection => ({ label: 'person', score: 0.9, box: b });
export const headOf = (b: Box, label: 'helmet' | 'head'): Detection => ({
  label,
  score: 0.8,
  box: [b[0] + 20, b[1], b[2] - 20, b[1] + 40],
});

export interface Script {
  zones?: RuleZone[];
  rules?: Partial<RulesConfig>;
  labels?: Label[];
  permits?: (ts: number) => CameraPermits;
  fps?: number;
}

export function runScript(script: Script, frames: ((i: number, ts: number) => Detection[])[]): RuleEvent[] {
  const engine = new RuleEngine('cam-1', [script.rules]);
  const tracker = new Tracker();
  const dt = 1000 / (script.fps ?? 2);
  const events: RuleEvent[] = [];
  frames.forEach((f, i) => {
    const ts = 1_000_000 + i * dt;
    const dets = f(i, ts);
    const { visible } = tracker.update(
      ts,
      dets.filter((d) => d.label === 'person'),
    );
    events.push(
      ...engine.process({
        cameraId: 'cam-1',
        ts,
        width: W,
        height: H,
        people: attachPpe(visible, dets),
        detections: dets,
        zones: script.zones ?? [],
        permits: script.permits?.(ts) ?? { guardianRequired: false, openFlameAllowed: false, kinds: [] },
        labels: new Set(script.labels ?? LABELS),
      }),
    );
  });
  return events;
}

/** `n` frames produced by `f`. */
export const repeat = (n: number, f: (i: number, ts: number) => Detection[]) =>
  Array.from({ length: n }, () => f);

export const kinds = (events: RuleEvent[], type?: string) =>
  events.filter((e) => !type || e.violation.type === type).map((e) => e.kind);

/** A square zone, normalised coordinates. */
export const square = (
  id: string,
  kind: RuleZone['kind'],
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): RuleZone => ({
  id,
  kind,
  points: [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ],
});
