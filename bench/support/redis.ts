import { startRedisServer, type RedisServer } from '../../test/support/redis-server.js';

/** A redis-server of the benchmark's own (or REDIS_URL when set), so figures are not mixed with other data. */
export async function benchRedis(): Promise<{ url: string; dispose(): Promise<void> }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, dispose: async () => undefined };
  const server: RedisServer = await startRedisServer();
  return { url: server.url, dispose: () => server.dispose() };
}
