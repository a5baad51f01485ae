/**
 * Broadcast fan-out through the durable outbound queue (BullMQ on a real Redis), to a counting
 * stand-in for the platform registered as the Telegram sender.
 *
 * broadcast-capped: 3,000 recipients with TELEGRAM_RATE_PER_SECOND=300, against a platform that refuses
 * (429) whatever would put more than 300 into any one-second window. `rate` is messages per second
 * between the first and the last accepted send; `maxInAnySecond` the most accepted in any 1-s window.
 *
 * broadcast-uncapped: 100,000 recipients, no cap: messages per second from the workers' start to the
 * last send, enqueue speed, and Redis memory per queued recipient (INFO used_memory before and after
 * queueing, workers not yet running) and what stays per recipient once sent (the report, 90 days).
 *
 * Starts its own redis-server unless REDIS_URL is set (then it writes under a fresh prefix and cleans up).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis as SingleRedis } from 'ioredis';
import type { Redis } from '../src/store/redis.js';
import { App } from '../src/app/app.js';
import { configSchema } from '../src/config.js';
import { createLogger } from '../src/core/logger.js';
import { campaignStats } from '../src/outbound/deliver.js';
import { channelRates } from '../src/outbound/capability.js';
import { DurableOutbound } from '../src/outbound/queue.js';
import type { OutboundMessage } from '../src/outbound/types.js';
import { FakeChannel } from '../test/outbound/fake-channel.js';
import { startRedisServer } from '../test/support/redis-server.js';
import type { BenchLine } from './run.js';

const CAP = 300;
const CAPPED_RECIPIENTS = 3_000;
const UNCAPPED_RECIPIENTS = 100_000;

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

async function bot(url: string, env: Record<string, string>) {
  const redis = new SingleRedis(url, { maxRetriesPerRequest: null });
  const prefix = `bench${randomBytes(3).toString('hex')}:`;
  const config = configSchema.parse({ REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', ...env });
  const app = new App({ config, redis, log: createLogger('silent') });
  return {
    app,
    async close() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
        cursor = next;
        if (keys.length) await redis.unlink(...keys);
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}

async function people(app: App, n: number): Promise<string[]> {
  const users = Array.from({ length: n }, (_, i) => `telegram:${100_000_000 + i}`);
  for (let i = 0; i < n; i += 1000) await Promise.all(users.slice(i, i + 1000).map((u) => app.users.seen(u, 'vi')));
  return users;
}

const opening = (user: string, campaign: string): OutboundMessage => ({
  user,
  campaign,
  key: `bc:${campaign}`,
  kind: 'broadcast',
  replies: [
    {
      text: 'Tuần lễ hưởng ứng học tập suốt đời năm 2026 khai mạc sáng 1/10 tại Nhà văn hóa phường. Mời Anh/Chị cùng gia đình tham dự và đăng ký các lớp kỹ năng số miễn phí.',
      link: { label: 'Xem chi tiết', url: 'https://example.vn/tuan-le-hoc-tap' },
      choices: [{ label: 'Dừng nhận tin', value: '/stop' }],
    },
  ],
});

async function capped(url: string): Promise<BenchLine> {
  const { app, close } = await bot(url, { TELEGRAM_RATE_PER_SECOND: String(CAP) });
  const fake = new FakeChannel('telegram', { capPerSecond: CAP });
  app.senders.set('telegram', fake);
  const out = new DurableOutbound(app, { rates: channelRates(app.config), concurrency: app.config.OUTBOUND_CONCURRENCY });
  try {
    await out.ready();
    const users = await people(app, CAPPED_RECIPIENTS);
    await out.enqueue(users.map((u) => opening(u, 'capped')));
    out.start();
    await out.idle();
    const first = fake.times[0] as number;
    const last = fake.times.at(-1) as number;
    const rate = (fake.times.length - 1) / ((last - first) / 1000);
    const stats = await campaignStats(app, 'capped');
    return {
      bench: 'broadcast-capped',
      recipients: CAPPED_RECIPIENTS,
      capPerSecond: CAP,
      sent: stats.sent ?? 0,
      duplicates: fake.duplicates().length,
      seconds: round((last - first) / 1000, 2),
      rate: round(rate, 2),
      ofCap: round(rate / CAP, 4),
      maxInAnySecond: fake.maxInAnySecond(),
      refusedForCap: fake.refusedForCap,
    };
  } finally {
    await out.close();
    await close();
  }
}

async function uncapped(url: string): Promise<BenchLine> {
  const { app, close } = await bot(url, { TELEGRAM_RATE_PER_SECOND: '0' });
  const fake = new FakeChannel('telegram');
  app.senders.set('telegram', fake);
  const out = new DurableOutbound(app, { rates: channelRates(app.config), concurrency: app.config.OUTBOUND_CONCURRENCY });
  try {
    await out.ready();
    const users = await people(app, UNCAPPED_RECIPIENTS);
    const before = await usedMemory(app.redis);
    const e0 = performance.now();
    await out.enqueue(users.map((u) => opening(u, 'uncapped')));
    const enqueueSeconds = (performance.now() - e0) / 1000;
    const queuedMemory = await usedMemory(app.redis);
    const s0 = performance.now();
    out.start();
    await out.idle();
    const seconds = (performance.now() - s0) / 1000;
    const after = await usedMemory(app.redis);
    const stats = await campaignStats(app, 'uncapped');
    return {
      bench: 'broadcast-uncapped',
      recipients: UNCAPPED_RECIPIENTS,
      concurrency: app.config.OUTBOUND_CONCURRENCY,
      sent: stats.sent ?? 0,
      duplicates: fake.duplicates().length,
      seconds: round(seconds, 2),
      messagesPerSecond: Math.round(UNCAPPED_RECIPIENTS / seconds),
      enqueuePerSecond: Math.round(UNCAPPED_RECIPIENTS / enqueueSeconds),
      bytesPerQueuedRecipient: Math.round((queuedMemory - before) / UNCAPPED_RECIPIENTS),
      bytesPerRecipientAfterSending: Math.round((after - before) / UNCAPPED_RECIPIENTS),
    };
  } finally {
    await out.close();
    await close();
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export async function* run(): AsyncGenerator<BenchLine> {
  const server = process.env.REDIS_URL ? undefined : await startRedisServer();
  const url = process.env.REDIS_URL ?? (server?.url as string);
  try {
    yield await capped(url);
    yield await uncapped(url);
  } finally {
    await server?.dispose();
  }
}
