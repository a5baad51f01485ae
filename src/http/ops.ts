import type { Capability } from '../app/app.js';
import { sendJson, sendText } from './router.js';

const PING_TIMEOUT_MS = 1_000;

/** How long the health probe's key lives: it is only there to see that Redis takes a write. */
const PROBE_TTL_MS = 10_000;

/**
 * /healthz answers 503 while Redis does not take a write (unreachable, or full with maxmemory and
 * noeviction, when it still answers PING), so an orchestrator holds traffic back; /metrics for Prometheus.
 */
export const ops: Capability = {
  name: 'ops',
  register(app) {
    app.router
      .on('GET', '/healthz', async (_req, res) => {
        if (app.inMemory) return sendJson(res, 200, { status: 'ok', store: 'memory' });
        const ok = await Promise.race([
          app.redis.set(`${app.prefix}healthz`, '1', 'PX', PROBE_TTL_MS).then(
            (r) => r === 'OK',
            () => false,
          ),
          new Promise<boolean>((r) => setTimeout(() => r(false), PING_TIMEOUT_MS).unref()),
        ]);
        sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', store: 'redis' });
      })
      .on('GET', '/metrics', async (_req, res) => {
        sendText(res, 200, await app.metrics.registry.metrics(), app.metrics.registry.contentType);
      });
  },
};
