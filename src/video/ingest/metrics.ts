import { Counter, Gauge, type Registry } from 'prom-client';
import { HEALTH_STATES, type HealthState } from './types.ts';

const NAMES = [
  'jianhu_ingest_ffmpeg_starts_total',
  'jianhu_ingest_frames_dropped_total',
  'jianhu_ingest_frames_total',
  'jianhu_camera_health_state',
];

type Stats = () => Record<string, { spawned: number; dropped: number }>;

/** Ingest's Prometheus series, registered on the service's own registry. */
export function createIngestMetrics(registry: Registry, stats: Stats) {
  // a second IngestService on the same registry (tests) replaces the first one's series
  for (const name of NAMES) registry.removeSingleMetric(name);
  // Read from the supervisors' and fan-out's own counts at scrape time (no double bookkeeping). They
  // only ever grow, so Prometheus gets them as counters (named *_total, which promtool insists on);
  // a count that went down (a supervisor rebuilt for a reconfigured camera) adds nothing rather than
  // making the counter go backwards.
  const seen = { spawned: new Map<string, number>(), dropped: new Map<string, number>() };
  const countFromStats = (counter: Counter<'camera'>, key: 'spawned' | 'dropped') => {
    for (const [camera, s] of Object.entries(stats())) {
      const before = seen[key].get(camera) ?? 0;
      if (s[key] > before) counter.inc({ camera }, s[key] - before);
      else if (!seen[key].has(camera)) counter.inc({ camera }, 0); // the series exists from the start
      seen[key].set(camera, s[key]);
    }
  };
  new Counter({
    name: 'jianhu_ingest_ffmpeg_starts_total',
    help: 'ffmpeg processes started per camera (1 + reconnects)',
    labelNames: ['camera'] as const,
    registers: [registry],
    collect() {
      countFromStats(this, 'spawned');
    },
  });
  new Counter({
    name: 'jianhu_ingest_frames_dropped_total',
    help: 'sampled frames dropped because a consumer was still busy (never queued)',
    labelNames: ['camera'] as const,
    registers: [registry],
    collect() {
      countFromStats(this, 'dropped');
    },
  });
  const frames = new Counter({
    name: 'jianhu_ingest_frames_total',
    help: 'sampled frames decoded per camera',
    labelNames: ['camera'] as const,
    registers: [registry],
  });
  const state = new Gauge({
    name: 'jianhu_camera_health_state',
    help: '1 for the state each camera is in, 0 otherwise',
    labelNames: ['camera', 'state'] as const,
    registers: [registry],
  });
  return {
    frames,
    setState(camera: string, s: HealthState) {
      for (const x of HEALTH_STATES) state.set({ camera, state: x }, x === s ? 1 : 0);
    },
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
