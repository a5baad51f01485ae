import { Redis } from 'ioredis';
import type { BenchLine } from './run.js';
import { createApp } from '../src/app/create.js';
import { configSchema } from '../src/config.js';
import { createLogger } from '../src/core/logger.js';
import { benchRedis, usedMemory } from './support/redis.js';

const PEOPLE = 100_000;
const CONCURRENCY = 64;

/**
 * Redis memory per idle session: 100,000 people each say /start through the real bot (engine, session
 * store, user directory) and then go quiet. Reports the session keys alone and everything a person costs.
 */
export async function* run(): AsyncGenerator<BenchLine> {
  const server = await benchRedis();
  const prefix = 'bs:';
  const config = configSchema.parse({ REDIS_URL: server.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' });
  const app = await createApp({ config, log: createLogger('silent'), throttle: null });
  const probe = new Redis(server.url);
  try {
    await new Promise((r) => (app.redis.status === 'ready' ? r(null) : app.redis.once('ready', r)));
    const before = await usedMemory(probe);
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < PEOPLE) {
          const i = next++;
          await app.bot.handle({ user: `telegram:${100_000_000 + i}`, text: '/start' });
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const after = await usedMemory(probe);
    let sessionBytes = 0;
    const sample = 1000;
    for (let i = 0; i < sample; i++) sessionBytes += (await probe.memory('USAGE', `${prefix}s:{u:telegram:${100_000_000 + i * 97}}`)) ?? 0;
    yield {
      bench: 'sessions',
      sessions: PEOPLE,
      bytesPerSession: Math.round(sessionBytes / sample),
      bytesPerIdlePerson: Math.round((after - before) / PEOPLE),
      targetBytes: 1024,
      startsPerSecond: Math.round(PEOPLE / seconds),
    };
  } finally {
    probe.disconnect();
    app.redis.disconnect();
    await server.dispose();
  }
}
