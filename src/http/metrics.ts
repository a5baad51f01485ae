import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per app (tests build many apps in one process). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'xhht_' });
  return {
    registry,
    updates: new Counter({ name: 'xhht_updates_total', help: 'Inbound messages handled', labelNames: ['channel'], registers: [registry] }),
    errors: new Counter({ name: 'xhht_errors_total', help: 'Inbound messages that failed', labelNames: ['channel', 'kind'], registers: [registry] }),
    latency: new Histogram({
      name: 'xhht_handler_seconds',
      help: 'Time to handle one inbound message, session read and write included',
      labelNames: ['channel'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
