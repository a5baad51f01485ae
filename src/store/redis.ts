import { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';
import type { Logger } from '../core/logger.js';

export type { Redis };

/**
 * The client for sessions and records. It fails fast while Redis is unreachable (no offline queue),
 * so a user hears "please try again" at once instead of waiting; it keeps reconnecting in the
 * background and logs the outage once, not on every retry.
 */
export function connectRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    // Commands issued in the same tick by messages handled side by side share one socket write:
    // syscalls were the largest cost of a conversation turn under load (bench webhook).
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    // A command caught by a disconnect fails; replaying it later (a session lock, a stale write)
    // would act on a conversation that has moved on and lock the person out after Redis returns.
    autoResendUnfulfilledCommands: false,
    connectTimeout: 5_000,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2_000),
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.error({ err: err.message, url: redactUrl(url) }, 'Redis is unreachable; retrying in the background');
  });
  redis.on('ready', () => {
    if (down) log.info({ url: redactUrl(url) }, 'Redis is reachable again');
    down = false;
  });
  return redis;
}

/** Without REDIS_URL the records live in an in-process Redis emulation, lost when the bot stops. */
export function inMemoryRedis(): Redis {
  return new RedisMock() as unknown as Redis;
}

/** Resolves once the client can take commands. */
export function whenReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => redis.once('ready', () => resolve()));
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://?';
  }
}
