import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { App, type AppOptions, type Capability } from '../../src/app/app.js';
import { capabilities as allCapabilities } from '../../src/app/capabilities.js';
import { configSchema } from '../../src/config.js';
import type { Clock } from '../../src/core/clock.js';
import { createLogger, type Logger } from '../../src/core/logger.js';
import type { Inbound, Reply } from '../../src/core/message.js';
import { connectRedis, whenReady } from '../../src/store/redis.js';

export interface TestAppOptions {
  /** "redis" (default) uses the suite's redis-server; "memory" the in-process stores. */
  store?: 'redis' | 'memory';
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

/** A whole bot on a fresh key prefix, so test files share one redis-server without seeing each other. */
export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const prefix = `t${randomBytes(4).toString('hex')}:`;
  const store = opts.store ?? 'redis';
  const log = opts.log ?? createLogger(process.env.TEST_LOG ?? 'silent');
  // The production client: it fails fast while Redis is down instead of queueing commands.
  const redis = store === 'redis' ? connectRedis(opts.redisUrl ?? inject('redisUrl'), log) : undefined;
  if (redis) await whenReady(redis);
  // Every test file talks from 127.0.0.1: the limit on new web identities per address is the test's to set.
  const config = configSchema.parse({ LOG_LEVEL: 'silent', REDIS_PREFIX: prefix, WEB_SESSIONS_PER_HOUR: '1000000', ...opts.env });
  const app = new App({ config, log, clock: opts.clock, redis, dirs: opts.dirs, throttle: opts.throttle === 'config' ? undefined : (opts.throttle ?? null) });
  await app.use(...(opts.capabilities ?? allCapabilities), ...(opts.extra ?? []));
  app.build();
  return {
    app,
    prefix,
    send: (user, message) => app.bot.handle(typeof message === 'string' ? { user, text: message } : { user, ...message }),
    async close() {
      await app.stop();
      if (redis) {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length) await redis.del(...keys);
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
