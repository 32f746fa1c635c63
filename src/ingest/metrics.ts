import { Counter, Gauge, type Registry } from 'prom-client';
import { HEALTH_STATES, type HealthState } from './types.ts';

/** Ingest's Prometheus series, registered on the service's own registry. */
export function createIngestMetrics(registry: Registry) {
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
