import { createApp } from '../src/app/create.js';
import { configSchema } from '../src/config.js';
import { createLogger } from '../src/core/logger.js';
import { claim } from '../src/outbound/deliver.js';
import type { Outbound, OutboundMessage } from '../src/outbound/types.js';
import { REMINDERS } from '../src/reminders/capability.js';
import { obligationBoard, unitsOwing } from '../src/reminders/board.js';
import { bucketOf } from '../src/store/keys.js';
import type { BenchLine } from './run.js';
import { benchRedis } from './support/redis.js';

const SUBSCRIBERS = 20_000;
const OFFICER_UNITS = 500;
const OFFICERS_PER_UNIT = 2;

/**
 * The scheduler's own cost, without delivery: its outbound only claims each message's key (the
 * exactly-once mark a real queue sets too) and counts. Figures: an idle minute's tick (what every
 * instance pays every minute), a Learning Week announcement to 20,000 subscribers, a deadline
 * morning for 1,000 officers in 500 commune units, and the console's deadlines board of the province then.
 */
export async function* run(): AsyncGenerator<BenchLine> {
  const server = await benchRedis();
  let now = new Date('2027-09-20T10:00:00+07:00');
  const config = configSchema.parse({ REDIS_URL: server.url, REDIS_PREFIX: 'brem:', LOG_LEVEL: 'silent' });
  const app = await createApp({ config, log: createLogger('silent'), clock: { now: () => now } });
  let sent = 0;
  const counting: Outbound = {
    async enqueue(messages: OutboundMessage[]) {
      const claimed = await Promise.all(messages.map((m) => claim(app, m)));
      const queued = claimed.filter(Boolean).length;
      sent += queued;
      return { queued, duplicates: messages.length - queued };
    },
  };
  try {
    await new Promise((r) => (app.redis.status === 'ready' ? r(null) : app.redis.once('ready', r)));
    const { reminders: r, scheduler } = app.need(REMINDERS);
    const communes = app.areas.children('son-la').map((a) => a.id);
    for (let i = 0; i < SUBSCRIBERS; i += 1000) {
      const tx = app.redis.pipeline();
      for (let j = i; j < i + 1000; j++) {
        const user = `telegram:${200_000_000 + j}`;
        tx.hset(`brem:u:${user}`, 'firstSeen', '1', 'lastSeen', '1', 'lang', 'vi', 'area', communes[j % communes.length] as string);
        // Where Subscriptions keeps them: in buckets by person (the bench wrote one key before they moved, and counted no news).
        tx.hset(`brem:rem:news:{n${bucketOf(user)}}`, user, '1');
      }
      await tx.exec();
    }
    for (let u = 0; u < OFFICER_UNITS; u++)
      for (let k = 0; k < OFFICERS_PER_UNIT; k++) {
        const user = `zalo:${300_000_000 + u * OFFICERS_PER_UNIT + k}`;
        await app.users.seen(user, 'vi');
        // 500 units: each commune of the data many times over, as distinct (synthetic) areas would be.
        await r.subs.subscribe(user, { kind: 'ubnd_xa', area: communes[u % communes.length] as string });
      }
    app.outbound = counting;

    const tickAt = async (iso: string) => {
      now = new Date(iso);
      const started = process.hrtime.bigint();
      await scheduler.tick();
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    // Minutes without a send time: what each minute costs (each tick claims its own minute).
    await tickAt('2027-09-24T07:29:00+07:00');
    let idle = 0;
    for (let m = 30; m < 50; m++) idle += await tickAt(`2027-09-24T07:${m}:00+07:00`);

    sent = 0;
    const newsMs = await tickAt('2027-09-24T08:00:30+07:00');
    const news = sent;

    await tickAt('2027-12-06T07:59:00+07:00');
    sent = 0;
    const deadlineMs = await tickAt('2027-12-07T08:00:30+07:00');

    // The console's deadlines board of the province that morning: every report, every unit, the reminders' marks.
    const boardRuns: number[] = [];
    let boardUnits = 0;
    for (let i = 0; i < 5; i++) {
      const started = process.hrtime.bigint();
      boardUnits = 0;
      for (const { obligation, units } of unitsOwing(r, 'son-la')) boardUnits += (await obligationBoard(r, obligation, units, '2027-12-07'))?.rows.length ?? 0;
      boardRuns.push(Number(process.hrtime.bigint() - started) / 1e6);
    }

    yield {
      bench: 'reminders',
      idleTickMs: Math.round((idle / 20) * 100) / 100,
      newsSubscribers: SUBSCRIBERS,
      newsMessages: news,
      newsTickMs: Math.round(newsMs),
      newsMessagesPerSecond: Math.round(news / (newsMs / 1000)),
      officers: OFFICER_UNITS * OFFICERS_PER_UNIT,
      deadlineMessages: sent,
      deadlineTickMs: Math.round(deadlineMs),
      boardUnitRows: boardUnits,
      boardMedianMs: Math.round(boardRuns.sort((a, b) => a - b)[2] as number),
    };
  } finally {
    app.redis.disconnect();
    await server.dispose();
  }
}
