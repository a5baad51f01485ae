import { performance } from 'node:perf_hooks';
import type { BenchLine } from './run.js';
import { createApp } from '../src/app/create.js';
import { parseExactJson } from '../src/channels/zalo/exact-json.js';
import { zaloSignature } from '../src/channels/zalo/signature.js';
import { configSchema } from '../src/config.js';
import { createLogger } from '../src/core/logger.js';
import { listenHttp } from '../src/http/server.js';
import { startFakeZalo, ZALO_TEST_ENV } from '../test/support/zalo-fake.js';
import { ZaloWebhookDriver } from '../test/support/zalo-webhook.js';
import { benchRedis } from './support/redis.js';

const PEOPLE = 1000;
const CONCURRENCY = 32;
/** The paced phase: well below saturation, so the figures are response times, not queueing. */
const PACED_EVENTS = 600;
const PACED_PER_SECOND = 40;
/** Each person follows, opens the settings by number, and goes back to the menu. */
const SCRIPT: ((d: ZaloWebhookDriver, user: string) => Promise<{ status: number }>)[] = [
  (d, u) => d.follow(u),
  (d, u) => d.text(u, '4'),
  (d, u) => d.text(u, '/menu'),
];

function percentile(sorted: number[], p: number): number {
  return Number((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0).toFixed(2));
}

const ascending = (a: number, b: number) => a - b;

/**
 * The Zalo webhook end to end through the real bot and a local fake of the OA API (same process):
 * at a steady pace, how fast the webhook answers (Zalo wants 200 within 2 s) and how long until the
 * reply reaches the OA API; then flat out, how many events a second one instance takes. Also the cost
 * of checking one event's signature and reading its JSON exactly.
 */
export async function* run(): AsyncGenerator<BenchLine> {
  const server = await benchRedis();
  const fake = await startFakeZalo();
  // The OA quota (ZALO_SEND_RATE_PER_MIN, 3,000 a minute by default) would hold replies back once the
  // run had sent that many in a minute, until the next minute: a wait that measures the quota, not the bot.
  const config = configSchema.parse({
    ...ZALO_TEST_ENV,
    ZALO_API_BASE: fake.url,
    ZALO_OAUTH_BASE: fake.url,
    ZALO_SEND_RATE_PER_MIN: 100_000,
    REDIS_URL: server.url,
    REDIS_PREFIX: 'bz:',
    LOG_LEVEL: 'silent',
  });
  const app = await createApp({ config, log: createLogger('silent') });
  try {
    const { port } = await listenHttp(app.http, 0, '127.0.0.1');
    await new Promise((r) => (app.redis.status === 'ready' ? r(null) : app.redis.once('ready', r)));
    await app.start();
    const driver = new ZaloWebhookDriver({ url: `http://127.0.0.1:${port}`, appId: ZALO_TEST_ENV.ZALO_APP_ID, secret: ZALO_TEST_ENV.ZALO_OA_SECRET_KEY });
    // Paced: one new follower every 1/PACED_PER_SECOND s, each answered before the next comes.
    const acks: number[] = [];
    const replies: number[] = [];
    const pending: Promise<void>[] = [];
    let refused = 0;
    for (let i = 0; i < PACED_EVENTS; i++) {
      const user = String(8_000_000_000_000_000_000n + BigInt(i));
      pending.push(
        (async () => {
          const sent = Date.now();
          const t0 = performance.now();
          const res = await driver.follow(user);
          acks.push(performance.now() - t0);
          if (res.status !== 200) refused++;
          await fake.waitFor(() => fake.deliveredTo(user).length > 0, 'a reply', 30_000);
          replies.push((fake.deliveredTo(user)[0]?.at ?? NaN) - sent);
        })(),
      );
      await new Promise((r) => setTimeout(r, 1000 / PACED_PER_SECOND));
    }
    await Promise.all(pending);
    acks.sort(ascending);
    replies.sort(ascending);
    yield {
      bench: 'zalo-webhook-paced',
      events: PACED_EVENTS,
      perSecond: PACED_PER_SECOND,
      refused,
      ackP50Ms: percentile(acks, 50),
      ackP99Ms: percentile(acks, 99),
      ackMaxMs: percentile(acks, 100),
      targetAckMs: 2000,
      replyP50Ms: percentile(replies, 50),
      replyP99Ms: percentile(replies, 99),
    };

    // Flat out: CONCURRENCY people at once, each waiting for a reply before writing again.
    const loadAcks: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < PEOPLE) {
          const user = String(9_000_000_000_000_000_000n + BigInt(next++));
          for (const [i, step] of SCRIPT.entries()) {
            const t0 = performance.now();
            const res = await step(driver, user);
            loadAcks.push(performance.now() - t0);
            if (res.status !== 200) refused++;
            await fake.waitFor(() => fake.deliveredTo(user).length > i, 'a reply', 30_000);
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    loadAcks.sort(ascending);
    yield {
      bench: 'zalo-webhook-load',
      events: loadAcks.length,
      concurrency: CONCURRENCY,
      refused,
      eventsPerSecond: Math.round(loadAcks.length / seconds),
      ackP50Ms: percentile(loadAcks, 50),
      ackP99Ms: percentile(loadAcks, 99),
      targetAckMs: 2000,
      oauthCalls: fake.oauthCalls.length,
    };

    const body = Buffer.from(JSON.stringify({ app_id: ZALO_TEST_ENV.ZALO_APP_ID, user_id_by_app: '552177279717587', event_name: 'user_send_text', timestamp: '1767225600001', sender: { id: '8634598218540286321' }, recipient: { id: '2491302944280861639' }, message: { msg_id: 'a3f1b9c2d4e5f60718293a4b5c6d7e8f', text: 'Kế hoạch 162-KH/TU giao báo cáo trước ngày nào?' } }));
    const rounds = 100_000;
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) {
      parseExactJson(body.toString('utf8'));
      zaloSignature(ZALO_TEST_ENV.ZALO_APP_ID, body, '1767225600001', ZALO_TEST_ENV.ZALO_OA_SECRET_KEY);
    }
    yield { bench: 'zalo-verify-parse', bodyBytes: body.length, microsPerEvent: Number((((performance.now() - t0) * 1000) / rounds).toFixed(2)) };
  } finally {
    await app.stop();
    app.http.server.closeAllConnections();
    await app.http.close();
    await fake.close();
    app.redis.disconnect();
    await server.dispose();
  }
}
