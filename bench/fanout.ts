/**
 * fanout: a broadcast to 100,000 and to 1,000,000 citizens of one commune, queued the way the broadcast
 * service queues it (the audience read page by page, each page enqueued on the durable outbound queue,
 * workers not started). Reports Redis memory while the messages wait, and the bot's peak heap above
 * where it started: the heap stays the same whatever the audience size (`heapRatio`, 1M against 100k,
 * near 1), while Redis grows with the queue.
 *
 * Each size gets a redis-server of its own (or the one REDIS_URL names). The people are written
 * straight into the directory's records and area index (a million conversations would take hours);
 * everything after that is the bot's own code.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis as SingleRedis } from 'ioredis';
import { App } from '../src/app/app.js';
import { audiencePages } from '../src/broadcast/audience.js';
import { configSchema } from '../src/config.js';
import { createLogger } from '../src/core/logger.js';
import { channelRates } from '../src/outbound/capability.js';
import { DurableOutbound } from '../src/outbound/queue.js';
import type { OutboundMessage } from '../src/outbound/types.js';
import { personTag } from '../src/store/keys.js';
import type { BenchLine } from './run.js';
import { benchRedis, usedMemory } from './support/redis.js';

const AREA = 'son-la.to-hieu';
const SIZES = [100_000, 1_000_000];

/** People in the directory with their area, as the bot records them (UserDirectory: record, then area index). */
async function people(redis: SingleRedis, prefix: string, n: number): Promise<void> {
  const now = String(Date.now());
  for (let i = 0; i < n; i += 10_000) {
    const p = redis.pipeline();
    const users: string[] = [];
    for (let j = i; j < Math.min(n, i + 10_000); j++) {
      const user = `zalo:${8_000_000_000 + j}`;
      users.push(user);
      p.hset(`${prefix}u:${personTag(user)}`, 'firstSeen', now, 'lastSeen', now, 'lang', 'vi', 'area', AREA);
    }
    p.sadd(`${prefix}area-users:${AREA}`, ...users);
    await p.exec();
  }
}

function heapUsed(): number {
  return process.memoryUsage().heapUsed;
}

async function fanout(n: number): Promise<BenchLine> {
  const server = await benchRedis();
  const redis = new SingleRedis(server.url, { maxRetriesPerRequest: null });
  const prefix = `fo${randomBytes(3).toString('hex')}:`;
  const config = configSchema.parse({ REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' });
  const app = new App({ config, redis, log: createLogger('silent') });
  const out = new DurableOutbound(app, { rates: channelRates(config), concurrency: config.OUTBOUND_CONCURRENCY });
  try {
    await out.ready();
    await people(redis, prefix, n);
    const before = await usedMemory(redis);
    (globalThis as { gc?: () => void }).gc?.();
    const heapStart = heapUsed();
    let peak = heapStart;
    const sampler = setInterval(() => (peak = Math.max(peak, heapUsed())), 10);
    const t0 = performance.now();
    let queued = 0;
    const reply = { text: 'Tuần lễ hưởng ứng học tập suốt đời năm 2026 khai mạc sáng 1/10 tại Nhà văn hóa xã. Mời Anh/Chị cùng gia đình tham dự.' };
    for await (const page of audiencePages(app, { areas: [AREA], role: 'citizens', lang: 'any', channel: 'any' })) {
      const messages: OutboundMessage[] = page.map((r) => ({ user: r.user, campaign: 'fanout', key: 'bc:fanout', kind: 'broadcast', replies: [reply] }));
      queued += (await out.enqueue(messages)).queued;
      peak = Math.max(peak, heapUsed());
    }
    clearInterval(sampler);
    const seconds = (performance.now() - t0) / 1000;
    const queuedBytes = (await usedMemory(redis)) - before;
    if (queued !== n) throw new Error(`queued ${queued} of ${n}: the bench did not build what it measures`);
    return {
      bench: 'fanout',
      recipients: n,
      seconds: Math.round(seconds),
      queuedPerSecond: Math.round(n / seconds),
      redisMBWhileQueued: Math.round(queuedBytes / 1e6),
      bytesPerQueuedRecipient: Math.round(queuedBytes / n),
      heapStartMB: Math.round(heapStart / 1e6),
      peakHeapAboveStartMB: Math.round((peak - heapStart) / 1e6),
    };
  } finally {
    await out.close();
    redis.disconnect();
    await server.dispose();
  }
}

export async function* run(): AsyncGenerator<BenchLine> {
  const lines: BenchLine[] = [];
  for (const n of SIZES) {
    const line = await fanout(n);
    lines.push(line);
    yield line;
  }
  const [small, large] = lines as [BenchLine, BenchLine];
  const heap = (l: BenchLine) => Number(l.heapStartMB) + Number(l.peakHeapAboveStartMB);
  yield { bench: 'fanout-heap', peakHeapMBAt100k: heap(small), peakHeapMBAt1M: heap(large), heapRatio: Number((heap(large) / heap(small)).toFixed(2)), target: 'about 1 (constant in the audience size)' };
}
