import { join } from 'node:path';
import { redisTarget, type Config } from '../config.js';
import type { Logger } from '../core/logger.js';
import { dataPaths } from '../core/paths.js';
import { findRedisServer, startPrivateRedis } from './private-server.js';
import { connectRedis, connectTarget, describeTarget, inMemoryRedis, type Redis } from './redis.js';

export interface OpenedStore {
  redis: Redis;
  /** 'configured': REDIS_URL, Sentinel or Cluster; 'private': a redis-server this bot runs on DATA_DIR; 'memory': nothing survives a restart. */
  kind: 'configured' | 'private' | 'memory';
  /** What to tell the operator at start, in one line. */
  summary: string;
  /** Closes the client and stops a private redis-server this process started. */
  close(): Promise<void>;
}

export class NoStoreError extends Error {}

/** The folder of the private redis-server: DATA_DIR/redis, by default data/redis beside the code. */
export function privateRedisDir(config: Config): string {
  return join(config.DATA_DIR ?? dataPaths.data, 'redis');
}

/**
 * The bot's Redis: the configured one; without one, a private redis-server with the append-only file
 * on when one is installed (on `env.PATH`); only without that, an in-process emulation (a development dependency).
 */
export async function openStore(config: Config, log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<OpenedStore> {
  const target = redisTarget(config);
  if (target) {
    const redis = connectTarget(target, log);
    return { redis, kind: 'configured', summary: `Redis: ${describeTarget(target)}`, close: async () => redis.disconnect() };
  }
  const bin = findRedisServer(env.PATH ?? '');
  if (bin) {
    const server = await startPrivateRedis(bin, privateRedisDir(config));
    const redis = connectRedis(server.url, log);
    const how = server.owned ? 'started a private redis-server' : 'using the private redis-server already running';
    return {
      redis,
      kind: 'private',
      summary: `No REDIS_URL: ${how} on ${server.url}; records are kept in ${server.dir} (append-only file on) and survive a restart`,
      async close() {
        redis.disconnect();
        await server.stop();
      },
    };
  }
  const redis = await inMemoryRedis();
  if (!redis) {
    throw new NoStoreError(
      'No Redis: set REDIS_URL (or REDIS_SENTINELS, REDIS_CLUSTER_NODES), or install redis-server (Debian/Ubuntu: apt-get install redis-server) so the bot can run its own.',
    );
  }
  return {
    redis,
    kind: 'memory',
    summary: 'No REDIS_URL and no redis-server installed: records are kept in this process only and NOTHING SURVIVES A RESTART (install redis-server to keep them)',
    close: async () => redis.disconnect(),
  };
}
