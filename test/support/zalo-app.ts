import { capabilities } from '../../src/app/capabilities.js';
import { zaloChannel, type ZaloChannelOptions } from '../../src/channels/zalo/capability.js';
import type { Clock } from '../../src/core/clock.js';
import { createTestApp, type TestApp } from './app.js';
import { listen } from './http.js';
import { ZALO_TEST_ENV, type FakeZalo } from './zalo-fake.js';
import { ZaloWebhookDriver } from './zalo-webhook.js';

export interface ZaloBot {
  t: TestApp;
  url: string;
  driver: ZaloWebhookDriver;
  close(): Promise<void>;
}

/**
 * The whole bot (every capability, the Zalo channel with short back-offs) on the suite's Redis,
 * serving HTTP, started, with ZALO_* pointing at `fake`.
 */
export async function startZaloBot(
  fake: FakeZalo,
  opts: { env?: Record<string, string>; clock?: Clock; zalo?: ZaloChannelOptions; store?: 'redis' | 'memory'; redisUrl?: string } = {},
): Promise<ZaloBot> {
  const t = await createTestApp({
    store: opts.store,
    redisUrl: opts.redisUrl,
    clock: opts.clock,
    env: { ...ZALO_TEST_ENV, ZALO_API_BASE: fake.url, ZALO_OAUTH_BASE: fake.url, ...opts.env },
    capabilities: [...capabilities.filter((c) => c.name !== 'zalo'), zaloChannel({ rateLimitBackoffMs: 20, drainMs: 5000, ...opts.zalo })],
  });
  const http = await listen(t.app);
  await t.app.start();
  const secret = t.app.config.ZALO_WEBHOOK_SECRET === 'app_secret' ? ZALO_TEST_ENV.ZALO_APP_SECRET : ZALO_TEST_ENV.ZALO_OA_SECRET_KEY;
  const driver = new ZaloWebhookDriver({ url: http.url, appId: ZALO_TEST_ENV.ZALO_APP_ID, secret, clock: opts.clock });
  return {
    t,
    url: http.url,
    driver,
    async close() {
      await http.close();
      await t.close();
    },
  };
}
