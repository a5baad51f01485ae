import type { Capability } from '../app/app.js';
import { isCluster, type Redis } from '../store/redis.js';

const PROBE_TIMEOUT_MS = 1_000;

/** How long the health probe's key lives: it is only there to see that Redis takes a write. */
const PROBE_TTL_MS = 10_000;

/**
 * Whether Redis takes a write now (a PING answers even when writes fail: full with maxmemory and
 * noeviction, a replica after a failover, a cluster with slots uncovered) and, on a cluster, whether
 * every master says it is ok.
 */
async function storeTakesWrites(redis: Redis, key: string): Promise<boolean> {
  const wrote = (await redis.set(key, '1', 'PX', PROBE_TTL_MS)) === 'OK';
  if (!wrote || !isCluster(redis)) return wrote;
  const states = await Promise.all(redis.nodes('master').map((node) => node.cluster('INFO') as Promise<string>));
  return states.length > 0 && states.every((info) => /cluster_state:ok/.test(info));
}

/** /healthz answers 503 while Redis takes no writes, so an orchestrator holds traffic back; /metrics for Prometheus. */
export const ops: Capability = {
  name: 'ops',
  register(app) {
    app.http.get('/healthz', async (_req, reply) => {
      if (app.inMemory) return { status: 'ok', store: 'memory' };
      const ok = await Promise.race([
        storeTakesWrites(app.redis, `${app.prefix}healthz`).catch(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(false), PROBE_TIMEOUT_MS).unref()),
      ]);
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', store: 'redis' });
    });
    app.http.get('/metrics', async (_req, reply) => reply.type(app.metrics.registry.contentType).send(await app.metrics.registry.metrics()));
  },
};
