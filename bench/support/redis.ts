import type { Redis } from 'ioredis';
import { startRedisServer, type RedisServer } from '../../test/support/redis-server.js';

/** A redis-server of the benchmark's own (or REDIS_URL when set), so figures are not mixed with other data. */
export async function benchRedis(): Promise<{ url: string; dispose(): Promise<void> }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, dispose: async () => undefined };
  const server: RedisServer = await startRedisServer();
  return { url: server.url, dispose: () => server.dispose() };
}

/** Bytes Redis says it uses, read before and after a bench's writes. */
export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}
