import { Counter, Gauge, type Registry } from 'prom-client';
import { HEALTH_STATES, type HealthState } from './types.ts';

const NAMES = [
  'jianhu_ingest_ffmpeg_starts',
  'jianhu_ingest_frames_dropped',
  'jianhu_ingest_frames_total',
  'jianhu_camera_health_state',
];

type Stats = () => Record<string, { spawned: number; dropped: number }>;

/** Ingest's Prometheus series, registered on the service's own registry. */
export function createIngestMetrics(registry: Registry, stats: Stats) {
  // a second IngestService on the same registry (tests) replaces the first one's series
  for (const name of NAMES) registry.removeSingleMetric(name);
  // read from the supervisors' and fan-out's own counters at scrape time (no double bookkeeping)
  new Gauge({
    name: 'jianhu_ingest_ffmpeg_starts',
    help: 'ffmpeg processes started per camera (1 + reconnects)',
    labelNames: ['camera'] as const,
    registers: [registry],
    collect() {
      for (const [camera, s] of Object.entries(stats())) this.set({ camera }, s.spawned);
    },
  });
  new Gauge({
    name: 'jianhu_ingest_frames_dropped',
    help: 'sampled frames dropped because a consumer was still busy (never queued)',
    labelNames: ['camera'] as const,
    registers: [registry],
    collect() {
      for (const [camera, s] of Object.entries(stats())) this.set({ camera }, s.dropped);
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
