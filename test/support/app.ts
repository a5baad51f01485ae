import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { App, type AppOptions, type Capability } from '../../src/app/app.js';
import { capabilities as allCapabilities } from '../../src/app/capabilities.js';
import { configSchema, redisTarget } from '../../src/config.js';
import type { Clock } from '../../src/core/clock.js';
import { createLogger, type Logger } from '../../src/core/logger.js';
import type { Inbound, Reply } from '../../src/core/message.js';
import { connectRedis, connectTarget, inMemoryRedis, whenReady, type Redis } from '../../src/store/redis.js';
import { scanKeys } from '../../src/store/scan.js';

export interface TestAppOptions {
  /** "redis" (default) uses the suite's store; "memory" the in-process stores; "configured" the Redis that `env` names. */
  store?: 'redis' | 'memory' | 'configured';
  redisUrl?: string;
  env?: Record<string, string>;
  clock?: Clock;
  dirs?: AppOptions['dirs'];
  capabilities?: Capability[];
  extra?: Capability[];
  /** The per-person flood limit is off unless a test asks for it ("config": as FLOOD_* configure it). */
  throttle?: AppOptions['throttle'] | 'config';
  /** Silent unless given (or TEST_LOG names a level). */
  log?: Logger;
}

export interface TestApp {
  app: App;
  prefix: string;
  /** Sends one message as `user` and returns the replies. */
  send(user: string, message: string | Omit<Inbound, 'user'>): Promise<Reply[]>;
  close(): Promise<void>;
}

/** The suite's store as the bot would connect to it: one redis-server, or a cluster in the cluster project. */
export function testRedis(log = createLogger('silent')): Redis {
  const target = redisTarget(configSchema.parse(inject('redisEnv')));
  if (!target) throw new Error('the test setup provided no Redis');
  return connectTarget(target, log);
}

/** Deletes every key under `prefix`, on every node. */
export async function removeKeys(redis: Redis, prefix: string): Promise<void> {
  for await (const page of scanKeys(redis, `${prefix}*`)) await Promise.all(page.map((k) => redis.unlink(k)));
}

/** Every key matching a Redis glob pattern, on every node (KEYS on a cluster asks one node only). */
export async function keysMatching(redis: Redis, pattern: string): Promise<string[]> {
  const all: string[] = [];
  for await (const page of scanKeys(redis, pattern)) all.push(...page);
  return all;
}

/** A whole bot on a fresh key prefix, so test files share one redis-server without seeing each other. */
export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const prefix = `t${randomBytes(4).toString('hex')}:`;
  const store = opts.store ?? 'redis';
  const log = opts.log ?? createLogger(process.env.TEST_LOG ?? 'silent');
  // Every test file talks from 127.0.0.1: the limit on new web identities per address is the test's to set.
  const config = configSchema.parse({ LOG_LEVEL: 'silent', REDIS_PREFIX: prefix, WEB_SESSIONS_PER_HOUR: '1000000', ...opts.env });
  const target = redisTarget(config);
  // The production client: it fails fast while Redis is down instead of queueing commands.
  const redis =
    store === 'memory' ? await inMemoryRedis()
    : store === 'configured' && target ? connectTarget(target, log)
    : opts.redisUrl ? connectRedis(opts.redisUrl, log)
    : testRedis(log);
  if (!redis) throw new Error('ioredis-mock (a development dependency) is not installed');
  if (store !== 'memory') await whenReady(redis);
  const app = new App({ config, log, clock: opts.clock, redis, inMemory: store === 'memory', dirs: opts.dirs, throttle: opts.throttle === 'config' ? undefined : (opts.throttle ?? null) });
  await app.use(...(opts.capabilities ?? allCapabilities), ...(opts.extra ?? []));
  app.build();
  return {
    app,
    prefix,
    send: (user, message) => app.bot.handle(typeof message === 'string' ? { user, text: message } : { user, ...message }),
    async close() {
      await app.stop();
      if (store !== 'memory') {
        await removeKeys(redis, prefix);
        redis.disconnect();
      }
    },
  };
}

/** Everything the user would read, joined: for asserting on wording without caring how replies were split. */
export function textOf(replies: Reply[]): string {
  return replies.map((r) => r.text).join('\n');
}

export function choiceValues(replies: Reply[]): string[] {
  return replies.flatMap((r) => r.choices?.map((c) => c.value) ?? []);
}
