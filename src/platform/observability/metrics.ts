import { Registry, collectDefaultMetrics, Counter, Histogram } from 'prom-client';

/** One Prometheus registry per service instance (tests build many apps; no global state). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'jianhu_' });
  // prom-client adds gauges named *_total (the sum over the by-type gauges beside them); promtool
  // rejects `_total` on anything but a counter, and sum(jianhu_nodejs_active_handles) says the same.
  for (const kind of ['handles', 'requests', 'resources'])
    registry.removeSingleMetric(`jianhu_nodejs_active_${kind}_total`);
  const httpRequests = new Counter({
    name: 'jianhu_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'jianhu_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return { registry, httpRequests, httpDuration };
}

export type Metrics = ReturnType<typeof createMetrics>;
