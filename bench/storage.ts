/**
 * What a person costs in Redis, and what erasing one costs as the store grows.
 *
 * - citizen-memory: citizens registered through the real bot (consent, profile, year file), each with 5
 *   activities with evidence links, a session and the news opt-in; Redis used_memory per citizen
 *   (target at most 2,048 bytes).
 * - erase: /deletedata for such a citizen with 10,000 and with 1,000,000 other people's keys present;
 *   the ratio of the median times (target at most 1.5: erasure reads the person's own index, no scan).
 */
import { Redis } from 'ioredis';
import type { App } from '../src/app/app.js';
import { createApp } from '../src/app/create.js';
import { configSchema } from '../src/config.js';
import { createLogger } from '../src/core/logger.js';
import type { Reply } from '../src/core/message.js';
import { LearningStore } from '../src/learning/store.js';
import { DirectOutbound } from '../src/outbound/direct.js';
import { Subscriptions } from '../src/reminders/subscriptions.js';
import type { BenchLine } from './run.js';
import { benchRedis, usedMemory } from './support/redis.js';

const CITIZENS = 1_000;
const CONCURRENCY = 32;
const WARM_UP = 32;
const ERASED = 15;
const NAMES = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường', 'Phạm Thị Dung', 'Hoàng Văn Em', 'Vũ Thị Giang', 'Đặng Văn Hải', 'Bùi Thị Lan'];

function choice(replies: Reply[], label: string): string {
  const found = replies.flatMap((r) => r.choices ?? []).find((c) => c.label.includes(label));
  if (!found) throw new Error(`no choice "${label}"`);
  return found.value;
}

/** A registered citizen with 5 activities with evidence links and the news opt-in, as a person would make them. */
async function citizen(app: App, user: string, n: number): Promise<void> {
  const send = (m: string | { choice: string }) => app.bot.handle(typeof m === 'string' ? { user, text: m } : { user, ...m });
  await send('/menu');
  await send({ choice: 'learning' });
  await send({ choice: 'yes' });
  await send(`${NAMES[n % NAMES.length]} ${NAMES[Math.floor(n / NAMES.length) % NAMES.length]}`);
  await send('1985');
  await send('son la');
  await send({ choice: choice(await send('to hieu'), 'Tô Hiệu') });
  await send({ choice: 'resident' });
  await send(`0912 ${String(100_000 + n).slice(-6, -3)} ${String(n % 1000).padStart(3, '0')}`);
  for (let a = 0; a < 5; a++) {
    await send('/menu');
    await send({ choice: 'learning' });
    await send({ choice: 'log' });
    await send(`1${a}/03/2026`);
    await send({ choice: 'course' });
    await send(`Lớp bồi dưỡng kỹ năng số ${a + 1}`);
    await send('2');
    await send('1 3 5');
    await send(`https://drive.example.vn/minh-chung/${n}-${a}.jpg`);
  }
  await new Subscriptions(app.redis, app.prefix, app.clock).subscribeNews(user);
}

async function many(count: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (next < count) await work(next++); }));
}

/** Other people's keys, in the shapes the bot writes most of: send-once marks, sessions, records. */
async function fill(redis: Redis, prefix: string, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 5_000) {
    const p = redis.pipeline();
    for (let j = i; j < Math.min(to, i + 5_000); j++) {
      const u = `zalo:${7_000_000_000 + j}`;
      if (j % 3 === 0) p.set(`${prefix}out:once:{c:news:${j % 16}}:news:lw:${j} ${u}`, 'd:sent', 'EX', 86_400);
      else if (j % 3 === 1) p.set(`${prefix}s:{u:${u}}`, '{"v":1,"lang":"vi","flow":"main","step":"menu","data":{}}', 'EX', 86_400);
      else p.hset(`${prefix}u:{u:${u}}`, 'f', '1', 'l', '1');
    }
    await p.exec();
  }
}

async function eraseTimes(app: App, round: string): Promise<number[]> {
  const times: number[] = [];
  const out = new DirectOutbound(app);
  for (let i = 0; i < ERASED; i++) {
    const user = `telegram:${round}${i}`;
    await citizen(app, user, 900_000 + i);
    await out.enqueue([{ user, campaign: `bc-${round}`, key: `bc:${round}`, kind: 'broadcast', replies: [{ text: 'Thông báo' }] }]);
    await app.bot.handle({ user, text: '/deletedata' });
    const t0 = performance.now();
    await app.bot.handle({ user, choice: 'yes' });
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

export async function* run(): AsyncGenerator<BenchLine> {
  const server = await benchRedis();
  const prefix = 'bst:';
  const config = configSchema.parse({ REDIS_URL: server.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' });
  const app = await createApp({ config, log: createLogger('silent'), throttle: null });
  const probe = new Redis(server.url);
  try {
    await new Promise((r) => (app.redis.status === 'ready' ? r(null) : app.redis.once('ready', r)));
    // A few citizens first, so that what the server holds once (scripts, client buffers) is not counted per citizen.
    await many(WARM_UP, (i) => citizen(app, `telegram:${199_000_000 + i}`, i));
    const before = await usedMemory(probe);
    await many(CITIZENS, (i) => citizen(app, `telegram:${200_000_000 + i}`, i));
    const after = await usedMemory(probe);
    const store = new LearningStore(app.redis, prefix, app.clock, app.log, app.areas);
    const logged = (await store.activities('telegram:200000007', 2026)).length;
    if (logged !== 5) throw new Error(`a citizen has ${logged} activities, not 5: the bench did not build what it measures`);
    yield { bench: 'citizen-memory', citizens: CITIZENS, activitiesEach: logged, bytesPerCitizen: Math.round((after - before) / CITIZENS), targetBytes: 2048 };

    await fill(probe, prefix, 0, 10_000);
    const small = await eraseTimes(app, '31');
    await fill(probe, prefix, 10_000, 1_000_000);
    const large = await eraseTimes(app, '32');
    const median = (xs: number[]) => xs[Math.floor(xs.length / 2)] as number;
    yield {
      bench: 'erase',
      keysAtEnd: await probe.dbsize(),
      medianMsWith10k: Number(median(small).toFixed(2)),
      medianMsWith1M: Number(median(large).toFixed(2)),
      ratio: Number((median(large) / median(small)).toFixed(2)),
      target: 1.5,
    };
  } finally {
    probe.disconnect();
    await app.stop();
    app.redis.disconnect();
    await server.dispose();
  }
}
