import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { App } from '../../src/app/app.js';
import { createApp } from '../../src/app/create.js';
import { configSchema } from '../../src/config.js';
import { createLogger } from '../../src/core/logger.js';
import { listen, postJson } from '../support/http.js';
import { issuedWebId } from '../support/web.js';
import { freePort } from '../support/redis-server.js';
import { startFakeZalo, ZALO_TEST_ENV, type FakeZalo } from '../support/zalo-fake.js';
import { ZaloWebhookDriver } from '../support/zalo-webhook.js';

interface WebReply {
  text: string;
  choices: { label: string; value: string }[];
}

/**
 * The web chat's answer rendered the way a Zalo reader must see it: every text, the question's choices
 * numbered, and command choices (offers beside the question) as the command to type.
 */
function expectZaloToMatchWeb(zaloText: string | undefined, web: WebReply[]): void {
  expect(web.length).toBeGreaterThan(0);
  for (const reply of web) {
    expect(zaloText).toContain(reply.text.trim());
    const answers = reply.choices.filter((c) => !c.value.startsWith('/'));
    const list = answers.map((c, i) => `${i + 1}. ${c.label}`).join('\n');
    if (list) expect(zaloText).toContain(list);
    for (const c of reply.choices.filter((c) => c.value.startsWith('/'))) expect(zaloText).toContain(`${c.label}: gõ ${c.value}`);
  }
}

describe('the bot as createApp builds it, with ZALO_* pointing at a fake Zalo', () => {
  let fake: FakeZalo;
  let app: App;
  let redis: Redis;
  let http: Awaited<ReturnType<typeof listen>>;
  const prefix = `tzs${randomBytes(3).toString('hex')}:`;

  beforeAll(async () => {
    fake = await startFakeZalo();
    redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
    const config = configSchema.parse({ ...ZALO_TEST_ENV, ZALO_API_BASE: fake.url, ZALO_OAUTH_BASE: fake.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' });
    // The script types faster than any person; the flood throttle has tests of its own.
    app = await createApp({ config, redis, log: createLogger('silent'), throttle: null });
    http = await listen(app);
    await app.start();
  });
  afterAll(async () => {
    await http.close();
    await app.stop();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await fake.close();
  });

  it('serves a Zalo user the same menu and the same flows the web chat offers', async () => {
    const driver = new ZaloWebhookDriver({ url: http.url, appId: ZALO_TEST_ENV.ZALO_APP_ID, secret: ZALO_TEST_ENV.ZALO_OA_SECRET_KEY });
    const parity = await issuedWebId(http.url);
    const web = async (body: object) => (await postJson(`${http.url}/api/chat`, { user: parity, ...body })).json.replies as WebReply[];
    const zaloUser = '5210987654321098765';

    await driver.follow(zaloUser);
    const [welcome] = await fake.textsFor(zaloUser, 1);
    expectZaloToMatchWeb(welcome, await web({ text: '/start' }));
    await driver.text(zaloUser, '/menu');
    const menu = (await fake.textsFor(zaloUser, 2))[1];
    const webMenu = await web({ text: '/menu' });
    expect(webMenu.at(-1)?.choices.map((c) => c.value)).toEqual(['qa', 'learning', 'news', 'settings']);
    expectZaloToMatchWeb(menu, webMenu);

    // Every menu entry by its number, then back to the menu, on both channels.
    const entries = webMenu.at(-1)?.choices ?? [];
    for (const [i, entry] of entries.entries()) {
      const before = fake.textsTo(zaloUser).length;
      await driver.text(zaloUser, String(i + 1));
      const texts = await fake.textsFor(zaloUser, before + 1);
      expectZaloToMatchWeb(texts[before], await web({ choice: entry.value }));
      await driver.text(zaloUser, '/menu');
      await fake.textsFor(zaloUser, before + 2);
      await web({ text: '/menu' });
    }
    expect(fake.calls.every((c) => c.path === '/v3.0/oa/message/cs' && c.error === 0)).toBe(true);
  });
});

describe('npm start with ZALO_* set', { timeout: 180_000 }, () => {
  it('serves the Zalo webhook from the real process and stops cleanly on SIGTERM', async () => {
    const fake = await startFakeZalo();
    const port = await freePort();
    const prefix = `tzp${randomBytes(3).toString('hex')}:`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, ...ZALO_TEST_ENV, ZALO_API_BASE: fake.url, ZALO_OAUTH_BASE: fake.url, REDIS_URL: inject('redisUrl'), REDIS_PREFIX: prefix, PORT: String(port), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await fake.waitFor(() => output.includes('Zalo Official Account channel on POST /webhooks/zalo'), 'the bot to start', 20_000);
      const driver = new ZaloWebhookDriver({ url: `http://127.0.0.1:${port}`, appId: ZALO_TEST_ENV.ZALO_APP_ID, secret: ZALO_TEST_ENV.ZALO_OA_SECRET_KEY });
      const user = '6123456789012345678';
      expect((await driver.follow(user)).status).toBe(200);
      const [welcome] = await fake.textsFor(user, 1);
      expect(welcome).toContain('Xin chào');
      await driver.text(user, '/menu');
      expect((await fake.textsFor(user, 2))[1]).toContain('1. Hỏi về kế hoạch\n2. Công dân học tập');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await fake.close();
      const redis = new Redis(inject('redisUrl'));
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  });
});
