import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectOutbound } from '../../src/outbound/direct.js';
import { REMINDERS } from '../../src/reminders/capability.js';
import { campaignStats, statusOf } from '../../src/outbound/deliver.js';
import type { ChannelSender } from '../../src/core/delivery.js';
import { FakeClock } from '../support/clock.js';
import { startRedisServer } from '../support/redis-server.js';
import { capabilities } from '../../src/app/capabilities.js';
import { zaloChannel } from '../../src/channels/zalo/capability.js';
import { createTestApp, removeKeys } from '../support/app.js';
import { listen } from '../support/http.js';
import { startZaloBot, type ZaloBot } from '../support/zalo-app.js';
import { startFakeZalo, ZALO_TEST_ENV, type FakeZalo } from '../support/zalo-fake.js';
import { ZaloWebhookDriver } from '../support/zalo-webhook.js';

let nextId = 7_100_000_000_000_000_000n;
const zaloUser = () => String(++nextId);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setUp(opts: Parameters<typeof startZaloBot>[1] = {}, fake?: FakeZalo): Promise<{ fake: FakeZalo; bot: ZaloBot; sender: ChannelSender }> {
  const f = fake ?? (await startFakeZalo());
  if (!fake) cleanups.push(() => f.close());
  const bot = await startZaloBot(f, opts);
  cleanups.push(() => bot.close());
  const sender = bot.t.app.senders.get('zalo');
  if (!sender) throw new Error('the Zalo sender is not registered');
  return { fake: f, bot, sender };
}

describe('Zalo proactive messages', () => {
  it('sends text inside the 7-day window, a template outside it, and nothing without a template', async () => {
    const clock = new FakeClock('2026-09-25T01:00:00Z');
    const { fake, bot, sender } = await setUp({ clock });
    const u = zaloUser();
    await bot.t.app.users.seen(`zalo:${u}`, 'vi');
    const reminder = [{ text: 'Hạn nộp báo cáo: 10/12/2026.', choices: [{ label: 'Đã nộp', value: '/reported occ-1' }, { label: 'Nhắc lại sau', value: '/snooze occ-1' }] }];
    const template = { id: 'tpl-reminder-1', data: { obligation: 'Báo cáo năm', deadline: '10/12/2026' } };

    clock.advance(6 * 86_400_000);
    expect(await sender.send(u, reminder, { template })).toEqual({ status: 'sent' });
    const [text] = fake.textsTo(u);
    // The chat waits elsewhere, so commands are spelled out instead of numbers.
    expect(text).toContain('Đã nộp: gõ /reported occ-1');
    expect(text).not.toMatch(/^1\. /m);

    clock.advance(2 * 86_400_000);
    const calls = fake.calls.length;
    expect(await sender.send(u, reminder)).toEqual({ status: 'undeliverable', reason: 'outside_7_day_window' });
    expect(fake.calls.length).toBe(calls);
    expect(await sender.send(u, reminder, { template })).toEqual({ status: 'sent' });
    expect(fake.delivered.at(-1)).toMatchObject({ endpoint: 'template', userId: u, templateId: 'tpl-reminder-1', templateData: template.data });
  });

  it('shows a deadline reminder\'s answers as short words, and "đã nộp" typed in Zalo marks it reported', async () => {
    const clock = new FakeClock('2026-06-03T07:00:00+07:00');
    const { fake, bot } = await setUp({ clock });
    const u = zaloUser();
    await bot.driver.follow(u);
    await fake.textsFor(u, 1);
    const unit = { kind: 'ubnd_xa', area: 'son-la.to-hieu' };
    await bot.t.app.roles.grant(`zalo:${u}`, { role: 'officer', ...unit, grantedAt: clock.now().getTime() });
    const { reminders, scheduler } = bot.t.app.need(REMINDERS);
    await reminders.subs.subscribe(`zalo:${u}`, unit);

    clock.set('2026-06-03T08:00:30+07:00');
    await scheduler.tick();
    const reminder = (await fake.textsFor(u, 2))[1];
    expect(reminder).toContain('còn 7 ngày');
    expect(reminder).toContain('👉 Anh/Chị gõ trả lời: Đã nộp / Nhắc lại sau');
    expect(reminder).not.toContain('/reported');

    await bot.driver.text(u, 'nhắc lại sau');
    expect((await fake.textsFor(u, 3))[2]).toContain('tôi sẽ nhắc lại "Báo cáo 6 tháng');
    await bot.driver.text(u, 'Đã nộp');
    expect((await fake.textsFor(u, 4))[3]).toContain('✅ Đã ghi nhận UBND xã, phường, đặc khu, Phường Tô Hiệu');
    expect(await reminders.marks.reported('sl_2547_bao_cao_6_thang@20260610', unit)).toBeDefined();
  });

  it('records a -230 answer as undeliverable in the delivery report', async () => {
    const { fake, bot } = await setUp();
    const u = zaloUser();
    await bot.t.app.users.seen(`zalo:${u}`, 'vi');
    fake.refuse(u, -230);
    const outbound = new DirectOutbound(bot.t.app);
    const campaign = `week-${randomBytes(3).toString('hex')}`;
    await outbound.enqueue([{ user: `zalo:${u}`, campaign, key: 'opening', kind: 'news', replies: [{ text: 'Tuần lễ học tập suốt đời khai mạc ngày 1/10.' }] }]);
    await outbound.idle();
    expect(await campaignStats(bot.t.app, campaign)).toEqual({ queued: 1, undeliverable: 1 });
    expect(await statusOf(bot.t.app, campaign, `zalo:${u}`)).toBe('undeliverable:outside_7_day_window');
    expect(fake.textsTo(u)).toEqual([]);
  });

  it('maps -213 to blocked (and the person inactive), -244 and -217 to refused, -32 to a retry', async () => {
    const { fake, bot, sender } = await setUp();
    const [a, b, c, d] = [zaloUser(), zaloUser(), zaloUser(), zaloUser()];
    for (const u of [a, b, c, d]) await bot.t.app.users.seen(`zalo:${u}`, 'vi');
    fake.refuse(a, -213);
    fake.refuse(b, -244);
    fake.refuse(c, -217);
    const outbound = new DirectOutbound(bot.t.app);
    const campaign = `c-${randomBytes(3).toString('hex')}`;
    await outbound.enqueue([{ user: `zalo:${a}`, campaign, key: 'k', kind: 'broadcast', replies: [{ text: 'Tin' }] }]);
    await outbound.idle();
    expect(await campaignStats(bot.t.app, campaign)).toMatchObject({ blocked: 1 });
    expect((await bot.t.app.users.get(`zalo:${a}`))?.inactive).toBe('not_follower');
    expect(await sender.send(b, [{ text: 'Tin' }])).toEqual({ status: 'undeliverable', reason: 'refused_by_user' });
    expect(await sender.send(c, [{ text: 'Tin' }])).toEqual({ status: 'undeliverable', reason: 'refused_by_user' });

    fake.rateLimit(1);
    const before = fake.calls.length;
    expect(await sender.send(d, [{ text: 'Tin' }])).toMatchObject({ status: 'retry', reason: 'rate_limited' });
    expect(fake.calls.length).toBe(before + 1);
    // The queue waits and tries again.
    await outbound.enqueue([{ user: `zalo:${d}`, campaign, key: 'k', kind: 'broadcast', replies: [{ text: 'Tin sau khi chờ' }] }]);
    fake.rateLimit(1);
    await outbound.idle();
    expect(fake.textsTo(d)).toEqual(['Tin sau khi chờ']);
  });

  it('keeps within ZALO_SEND_RATE_PER_MIN across the minute without calling the API', async () => {
    // Start well inside a minute so that the three sends share it.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 55_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
    const { fake, bot, sender } = await setUp({ env: { ZALO_SEND_RATE_PER_MIN: '2' } });
    const u = zaloUser();
    await bot.t.app.users.seen(`zalo:${u}`, 'vi');
    expect(await sender.send(u, [{ text: 'một' }])).toEqual({ status: 'sent' });
    expect(await sender.send(u, [{ text: 'hai' }])).toEqual({ status: 'sent' });
    const third = await sender.send(u, [{ text: 'ba' }]);
    expect(third).toMatchObject({ status: 'retry', reason: 'rate_limit' });
    expect(third.status === 'retry' && third.afterMs).toBeGreaterThan(0);
    expect(third.status === 'retry' && third.afterMs).toBeLessThanOrEqual(60_000);
    expect(fake.textsTo(u)).toEqual(['một', 'hai']);
  });
});

describe('Zalo tokens', () => {
  it('two instances refreshing at once spend the single-use refresh token once, and both sends go out', async () => {
    const fake = await startFakeZalo();
    cleanups.push(() => fake.close());
    const prefix = `tz${randomBytes(4).toString('hex')}:`;
    const one = await setUp({ env: { REDIS_PREFIX: prefix } }, fake);
    const two = await setUp({ env: { REDIS_PREFIX: prefix } }, fake);
    cleanups.push(async () => {
      await removeKeys(one.bot.t.app.redis, prefix);
    });
    const [a, b] = [zaloUser(), zaloUser()];
    await one.bot.t.app.users.seen(`zalo:${a}`, 'vi');
    await one.bot.t.app.users.seen(`zalo:${b}`, 'vi');
    fake.delayOAuth(300);

    // No token yet: both need the first one.
    const first = await Promise.all([one.sender.send(a, [{ text: 'A1' }]), two.sender.send(b, [{ text: 'B1' }])]);
    expect(first).toEqual([{ status: 'sent' }, { status: 'sent' }]);
    expect(fake.oauthCalls.map((c) => c.error)).toEqual([0]);

    // Zalo expires the token: both get -220 and both want a new one.
    fake.expireAccessTokens();
    const second = await Promise.all([one.sender.send(a, [{ text: 'A2' }]), two.sender.send(b, [{ text: 'B2' }])]);
    expect(second).toEqual([{ status: 'sent' }, { status: 'sent' }]);
    expect(fake.oauthCalls.map((c) => c.error)).toEqual([0, 0]);
    expect(fake.textsTo(a)).toEqual(['A1', 'A2']);
    expect(fake.textsTo(b)).toEqual(['B1', 'B2']);
    expect((await one.bot.t.app.redis.hgetall(`${prefix}zalo:tokens`)).refresh).toBe(fake.refreshToken);
  });

  it('takes a new ZALO_REFRESH_TOKEN after the OA is authorised again, and keeps the stored one when the new one is refused', async () => {
    const fake = await startFakeZalo();
    cleanups.push(() => fake.close());
    const prefix = `tz${randomBytes(4).toString('hex')}:`;
    const env = (token: string) => ({ REDIS_PREFIX: prefix, ZALO_REFRESH_TOKEN: token });
    const before = await setUp({ env: env(ZALO_TEST_ENV.ZALO_REFRESH_TOKEN) }, fake);
    cleanups.push(async () => {
      await removeKeys(before.bot.t.app.redis, prefix);
    });
    const u = zaloUser();
    await before.bot.t.app.users.seen(`zalo:${u}`, 'vi');
    expect(await before.sender.send(u, [{ text: 'trước' }])).toEqual({ status: 'sent' });

    // Every stored token is now dead; the operator sets the new refresh token and restarts.
    const given = fake.reauthorize();
    const after = await setUp({ env: env(given) }, fake);
    expect(await after.sender.send(u, [{ text: 'sau' }])).toEqual({ status: 'sent' });
    expect(fake.oauthCalls.map((c) => [c.refreshToken, c.error])).toEqual([[ZALO_TEST_ENV.ZALO_REFRESH_TOKEN, 0], [given, 0]]);

    // A mistyped token is refused; the chain in Redis carries on.
    const typo = await setUp({ env: env(`${given}x`) }, fake);
    fake.expireAccessTokens();
    expect(await typo.sender.send(u, [{ text: 'vẫn đến' }])).toEqual({ status: 'sent' });
    expect(fake.oauthCalls.slice(2).map((c) => c.error)).toEqual([-14014, 0]);
    expect(fake.textsTo(u)).toEqual(['trước', 'sau', 'vẫn đến']);
  });

  it('refreshes ahead of expiry on its own, before Zalo refuses the token', async () => {
    const clock = new FakeClock('2026-03-02T02:00:00Z');
    const { fake, bot, sender } = await setUp({ clock, zalo: { tokenCheckMs: 30 } });
    const u = zaloUser();
    await bot.t.app.users.seen(`zalo:${u}`, 'vi');
    expect(await sender.send(u, [{ text: 'trước' }])).toEqual({ status: 'sent' });
    expect(fake.oauthCalls).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.oauthCalls).toHaveLength(1);
    // 24.5 of the token's 25 hours later the periodic check refreshes it, with no message waiting.
    clock.advance(24.5 * 3_600_000);
    await fake.waitFor(() => fake.oauthCalls.length === 2, 'the ahead-of-expiry refresh');
    await bot.t.app.users.seen(`zalo:${u}`, 'vi');
    expect(await sender.send(u, [{ text: 'sau' }])).toEqual({ status: 'sent' });
    expect(fake.calls.map((c) => c.error)).toEqual([0, 0]);
    expect(fake.oauthCalls.map((c) => c.error)).toEqual([0, 0]);
  });

  it('does not start without a refresh token, and reports a refused refresh token without storing anything', async () => {
    const fake = await startFakeZalo();
    cleanups.push(() => fake.close());
    const none = await setUp({ env: { ZALO_REFRESH_TOKEN: '' } }, fake);
    expect((await none.bot.driver.follow(zaloUser())).status).toBe(503);

    const spent = await setUp({ env: { ZALO_REFRESH_TOKEN: 'ref_already_spent' } }, fake);
    const u = zaloUser();
    await spent.bot.t.app.users.seen(`zalo:${u}`, 'vi');
    const outcome = await spent.sender.send(u, [{ text: 'Tin' }]);
    expect(outcome).toMatchObject({ status: 'failed', transient: true });
    expect(outcome.status === 'failed' && outcome.reason).toMatch(/Invalid refresh token/);
    expect(fake.oauthCalls.at(-1)).toMatchObject({ refreshToken: 'ref_already_spent', error: -14014 });
    expect(await spent.bot.t.app.redis.hgetall(`${spent.bot.t.prefix}zalo:tokens`)).toEqual({});
    expect(fake.calls).toEqual([]);
  });
});

describe('Zalo webhook operations', () => {
  it('verifies with the app secret when ZALO_WEBHOOK_SECRET=app_secret', async () => {
    const { fake, bot } = await setUp({ env: { ZALO_WEBHOOK_SECRET: 'app_secret' } });
    const u = zaloUser();
    expect((await bot.driver.follow(u, { signWith: ZALO_TEST_ENV.ZALO_OA_SECRET_KEY })).status).toBe(401);
    expect((await bot.driver.follow(u)).status).toBe(200);
    expect(await fake.textsFor(u, 1)).toHaveLength(1);
  });

  it('runs without REDIS_URL too, on the in-memory store', async () => {
    const { fake, bot } = await setUp({ store: 'memory' });
    const u = zaloUser();
    const follow = { event_name: 'follow', follower: { id: u }, timestamp: bot.driver.timestamp() };
    expect((await bot.driver.post(follow)).status).toBe(200);
    expect((await bot.driver.post(follow)).status).toBe(200);
    expect((await fake.textsFor(u, 1))[0]).toContain('Xin chào');
    // The refresh lock is a Lua script: the in-memory store runs it too.
    fake.expireAccessTokens();
    await bot.driver.text(u, '/help');
    expect((await fake.textsFor(u, 2))[1]).toContain('/menu');
    expect(fake.oauthCalls.map((c) => c.error)).toEqual([0, 0]);
    expect(fake.oauthCalls.map((c) => c.error)).toEqual([0, 0]);
  });

  it('is off when only part of its settings is given: no route, no sender', async () => {
    const t = await createTestApp({ env: { ZALO_APP_ID: ZALO_TEST_ENV.ZALO_APP_ID } });
    cleanups.push(() => t.close());
    expect(t.app.senders.has('zalo')).toBe(false);
    expect(t.app.http.hasRoute({ method: 'POST', url: '/webhooks/zalo' })).toBe(false);
  });

  it('stops gracefully: replies being sent finish, later webhooks get 503', async () => {
    const { fake, bot } = await setUp();
    const u = zaloUser();
    const stranger = zaloUser();
    fake.delayMessages(300);
    expect((await bot.driver.follow(u)).status).toBe(200);
    expect((await bot.driver.unfollow(stranger)).status).toBe(200);
    await bot.t.app.stop();
    expect(fake.textsTo(u)).toHaveLength(1);
    // An unfollow from someone the bot never met records nothing about them.
    expect(await bot.t.app.redis.exists(`${bot.t.prefix}u:{u:zalo:${stranger}}`)).toBe(0);
    expect((await bot.driver.text(u, 'còn đó không?')).status).toBe(503);
  });

  it('answers 503 while Redis is down so that Zalo delivers again, then handles the event once', async () => {
    const redis = await startRedisServer();
    cleanups.push(() => redis.dispose());
    const fake = await startFakeZalo();
    cleanups.push(() => fake.close());
    const t = await createTestApp({
      redisUrl: redis.url,
      env: { ...ZALO_TEST_ENV, ZALO_API_BASE: fake.url, ZALO_OAUTH_BASE: fake.url },
      capabilities: [...capabilities.filter((c) => c.name !== 'zalo'), zaloChannel({ rateLimitBackoffMs: 20 })],
    });
    const http = await listen(t.app);
    cleanups.push(async () => {
      await http.close();
      await t.close();
    });
    await t.app.start();
    const driver = new ZaloWebhookDriver({ url: http.url, appId: ZALO_TEST_ENV.ZALO_APP_ID, secret: ZALO_TEST_ENV.ZALO_OA_SECRET_KEY });
    const u = zaloUser();
    const timestamp = driver.timestamp();
    const event = { event_name: 'user_send_text', sender: { id: u }, recipient: { id: driver.oaId }, message: { msg_id: 'during-outage', text: '/start' }, timestamp };

    await redis.stop();
    const refused = await driver.post(event);
    expect(refused.status).toBe(503);
    await redis.restart();
    await expect.poll(async () => (await driver.post(event)).status, { timeout: 5000 }).toBe(200);
    expect((await driver.post(event)).status).toBe(200);
    await driver.text(u, '/help');
    // Had the redelivery been handled, a second welcome would come before the help.
    const texts = await fake.textsFor(u, 2);
    expect(texts[1]).toContain('/menu');
    expect(texts).toHaveLength(2);
  });
});
