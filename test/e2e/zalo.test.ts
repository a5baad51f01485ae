import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZALO_REPLIES_CAMPAIGN } from '../../src/channels/zalo/conversations.js';
import type { Reply } from '../../src/core/message.js';
import { campaignStats, campaignStatuses } from '../../src/outbound/deliver.js';
import { textOf, keysMatching } from '../support/app.js';
import { startZaloBot, type ZaloBot } from '../support/zalo-app.js';
import { startFakeZalo, ZALO_TEST_ENV, type FakeZalo } from '../support/zalo-fake.js';

/** Zalo user ids are 19-digit numbers, beyond what a JS number holds exactly. */
let nextId = 8_634_598_218_540_286_000n;
const zaloUser = () => String(++nextId);

describe('Zalo OA channel end to end (fake OA API, real Redis)', () => {
  let fake: FakeZalo;
  let bot: ZaloBot;

  beforeAll(async () => {
    fake = await startFakeZalo();
    bot = await startZaloBot(fake);
  });
  afterAll(async () => {
    await bot.close();
    await fake.close();
  });

  /** What the same message gets on the web chat: the Zalo text must carry exactly that. */
  const webAnswer = async (webUser: string, ...texts: string[]) => {
    let replies = await bot.t.send(`web:${webUser}`, texts[0] as string);
    for (const text of texts.slice(1)) replies = await bot.t.send(`web:${webUser}`, text);
    return replies;
  };

  /** The Zalo text carries every reply's text, the question's choices numbered in order, and offers as commands to type. */
  const expectSameAsWeb = (zaloText: string | undefined, web: Reply[]) => {
    for (const reply of web) {
      expect(zaloText).toContain(reply.text.trim());
      const choices = reply.choices ?? [];
      const list = choices.filter((c) => !c.value.startsWith('/')).map((c, i) => `${i + 1}. ${c.label}`).join('\n');
      if (list) expect(zaloText).toContain(list);
      for (const c of choices.filter((c) => c.value.startsWith('/'))) expect(zaloText).toContain(`${c.label}: gõ ${c.value}`);
    }
  };

  /** A new follower, then at the main menu: two messages received so far. */
  const atMenu = async (u: string) => {
    await bot.driver.follow(u);
    await fake.textsFor(u, 1);
    await bot.driver.text(u, '/menu');
    const texts = await fake.textsFor(u, 2);
    expect(texts[1]).toContain('1. Hỏi về kế hoạch');
  };

  it('welcomes a new follower as /start welcomes anyone, using the token from ZALO_REFRESH_TOKEN', async () => {
    const u = zaloUser();
    const res = await bot.driver.follow(u);
    expect(res.status).toBe(200);
    const [welcome] = await fake.textsFor(u, 1);
    expect(welcome).toContain('Xin chào Anh/Chị');
    expectSameAsWeb(welcome, await webAnswer('w1', '/start'));
    expect(fake.oauthCalls[0]).toMatchObject({ refreshToken: ZALO_TEST_ENV.ZALO_REFRESH_TOKEN, grantType: 'refresh_token', appId: ZALO_TEST_ENV.ZALO_APP_ID, secretKey: ZALO_TEST_ENV.ZALO_APP_SECRET, error: 0 });
    const call = fake.calls.find((c) => c.raw.includes(u));
    expect(call?.path).toBe('/v3.0/oa/message/cs');
    expect(call?.accessToken).toMatch(/^acc_/);
    expect(await bot.t.app.users.get(`zalo:${u}`)).toMatchObject({ channel: 'zalo' });
  });

  it('shows the main menu as a numbered list with how to answer', async () => {
    const u = zaloUser();
    await atMenu(u);
    const menu = fake.textsTo(u)[1];
    expect(menu).toContain('1. Hỏi về kế hoạch\n2. Công dân học tập\n3. Tuần lễ học tập\n4. Cài đặt');
    expect(menu).toMatch(/trả lời bằng số \(1, 2, 3, 4\) hoặc gõ tên mục/);
    expectSameAsWeb(menu, await webAnswer('m1', '/start', '/menu'));
  });

  it('answers a question typed at the menu through /message/cs, as the web chat would', async () => {
    const u = zaloUser();
    await atMenu(u);
    const question = 'Kế hoạch 162-KH/TU giao báo cáo trước ngày nào?';
    expect((await bot.driver.text(u, question)).status).toBe(200);
    const texts = await fake.textsFor(u, 3);
    expectSameAsWeb(texts[2], await webAnswer('q1', '/start', '/menu', question));
  });

  it('takes numbered choices ("2"; "4" then "2") into the right flows, as the web chat does with buttons', async () => {
    const u = zaloUser();
    await atMenu(u);
    await bot.driver.text(u, '2');
    await bot.driver.text(u, '/menu');
    await bot.driver.text(u, '4');
    await bot.driver.text(u, '2');
    const texts = await fake.textsFor(u, 6);
    await webAnswer('n1', '/start', '/menu');
    expectSameAsWeb(texts[2], await bot.t.send('web:n1', { choice: 'learning' }));
    await bot.t.send('web:n1', '/menu');
    const settings = await bot.t.send('web:n1', { choice: 'settings' });
    expectSameAsWeb(texts[4], settings);
    expect(texts[4]).toContain('Cài đặt');
    const notifications = await bot.t.send('web:n1', { choice: 'notifications' });
    expectSameAsWeb(texts[5], notifications);
    expect(texts[5]).toContain('nhận hay dừng');
  });

  it('answers the webhook before the reply goes out, and keeps one person\'s replies in the order they wrote', async () => {
    const u = zaloUser();
    await atMenu(u);
    // The first reply is slow to send; the later ones are quick and must still wait their turn.
    fake.delayMessages((raw) => (raw.includes(u) && raw.includes('/deletedata') ? 400 : 0));
    try {
      expect((await bot.driver.text(u, '/help')).status).toBe(200);
      expect(fake.textsTo(u)).toHaveLength(2);
      expect((await bot.driver.text(u, '4')).status).toBe(200);
      expect((await bot.driver.text(u, '/menu')).status).toBe(200);
      const texts = await fake.textsFor(u, 5);
      expect(texts[2]).toContain('/deletedata');
      expect(texts[3]).toContain('Cài đặt');
      expect(texts[4]).toContain('1. Hỏi về kế hoạch');
    } finally {
      fake.delayMessages(0);
    }
  });

  it('refuses a forged, missing or wrongly keyed signature with 401 and handles nothing', async () => {
    const u = zaloUser();
    const forged = await bot.driver.text(u, '/start', { signature: 'mac=' + 'ab'.repeat(32) });
    const missing = await bot.driver.text(u, '/start', { signature: null });
    const wrongKey = await bot.driver.text(u, '/start', { signWith: ZALO_TEST_ENV.ZALO_APP_SECRET });
    const garbage = await bot.driver.text(u, '/start', { signature: 'mac=xyz' });
    const broken = await bot.driver.postRaw(`{"event_name":"user_send_text","sender":{"id":"${u}"},`, bot.driver.timestamp(), { signature: 'mac=' + 'cd'.repeat(32) });
    expect([forged.status, missing.status, wrongKey.status, garbage.status, broken.status]).toEqual([401, 401, 401, 401, 401]);
    expect(await bot.t.app.users.get(`zalo:${u}`)).toBeUndefined();
    expect(await bot.t.app.sessions.get(`zalo:${u}`)).toEqual({ kind: 'none' });
    // A genuine message afterwards gets the one and only reply.
    await bot.driver.text(u, '/start');
    expect(await fake.textsFor(u, 1)).toHaveLength(1);
  });

  it('accepts the signature without the "mac=" prefix and in upper case', async () => {
    const u = zaloUser();
    const timestamp = bot.driver.timestamp();
    const raw = JSON.stringify({ app_id: ZALO_TEST_ENV.ZALO_APP_ID, event_name: 'follow', follower: { id: u }, timestamp });
    const bare = bot.driver.sign(raw, timestamp).slice(4).toUpperCase();
    expect((await bot.driver.postRaw(raw, timestamp, { signature: bare })).status).toBe(200);
    await fake.textsFor(u, 1);
  });

  it('answers a message delivered twice (same msg_id) once', async () => {
    const u = zaloUser();
    await atMenu(u);
    const first = await bot.driver.text(u, '4', { msgId: 'dup-msg-1' });
    const again = await bot.driver.text(u, '4', { msgId: 'dup-msg-1' });
    expect(first).toEqual({ status: 200, json: { ok: true } });
    expect(again).toEqual({ status: 200, json: { ok: true } });
    // Had the copy been handled, its reply would come before this one's.
    await bot.driver.text(u, '/menu');
    const texts = await fake.textsFor(u, 4);
    expect(texts[2]).toContain('Cài đặt');
    expect(texts[3]).toContain('1. Hỏi về kế hoạch');
    expect(texts).toHaveLength(4);
  });

  it('acknowledges a correctly signed event stamped over a day ago or far ahead (a replay) and handles nothing', async () => {
    const u = zaloUser();
    const now = Date.now();
    const stale = await bot.driver.text(u, '/start', { timestamp: String(now - 25 * 3_600_000) });
    const ahead = await bot.driver.text(u, '/start', { timestamp: String(now + 3_600_000) });
    expect(stale).toEqual({ status: 200, json: { ok: true, stale: true } });
    expect(ahead).toEqual({ status: 200, json: { ok: true, stale: true } });
    expect(await bot.t.app.users.get(`zalo:${u}`)).toBeUndefined();
    // A fresh event gets the one and only reply: had a stale one been handled, its reply would be here too.
    expect(await bot.driver.text(u, '/start', { timestamp: String(now - 60_000) })).toEqual({ status: 200, json: { ok: true } });
    await bot.driver.text(u, '/help');
    const texts = await fake.textsFor(u, 2);
    expect(texts[0]).toContain('Xin chào Anh/Chị');
    expect(texts[1]).toContain('/menu');
    expect(fake.textsTo(u)).toHaveLength(2);
  });

  it('refreshes an expired access token and sends again, storing the new single-use refresh token', async () => {
    const u = zaloUser();
    await bot.driver.follow(u);
    await fake.textsFor(u, 1);
    const oauthBefore = fake.oauthCalls.length;
    fake.expireAccessTokens();
    await bot.driver.text(u, '/help');
    const texts = await fake.textsFor(u, 2);
    expect(texts[1]).toContain('/menu');
    expect(fake.oauthCalls.length).toBe(oauthBefore + 1);
    expect(fake.calls.filter((c) => c.raw.includes(u)).map((c) => c.error)).toEqual([0, -220, 0]);
    const stored = await bot.t.app.redis.hgetall(`${bot.t.prefix}zalo:tokens`);
    expect(stored.refresh).toBe(fake.refreshToken);
  });

  it('keeps a huge id sent as a bare JSON number exact, to the digit', async () => {
    const huge = '123456789012345678901234567';
    const timestamp = bot.driver.timestamp();
    const raw = `{"app_id":"${ZALO_TEST_ENV.ZALO_APP_ID}","event_name":"user_send_text","sender":{"id":${huge}},"recipient":{"id":2491302944280861639},"message":{"msg_id":98765432109876543210,"text":"/start"},"timestamp":${timestamp}}`;
    expect((await bot.driver.postRaw(raw, timestamp)).status).toBe(200);
    await fake.textsFor(huge, 1);
    expect(fake.calls.find((c) => c.raw.includes(huge))?.raw).toContain(`"user_id":"${huge}"`);
    expect(await bot.t.app.users.get(`zalo:${huge}`)).toMatchObject({ id: `zalo:${huge}` });
  });

  it('refuses malformed bodies with 401 or 400 and changes nothing', async () => {
    const u = zaloUser();
    const eventMarks = await keysMatching(bot.t.app.redis, `${bot.t.prefix}seen:*`);
    const ts = bot.driver.timestamp();
    // Without a timestamp inside a JSON body the signature cannot be checked: refused as unsigned.
    const unsigned = ['{"event_name":"user_send_text",', '[1,2,3]', `{"event_name":"user_send_text","sender":{"id":"${u}"}}`, `{"timestamp":"${ts}"}`];
    for (const raw of unsigned) {
      const res = await bot.driver.postRaw(raw, ts);
      expect(res.status, raw).toBe(401);
      expect((res.json as { error: string }).error, raw).toMatch(/not a signed Zalo event/);
    }
    const cases: [string, RegExp][] = [
      [`{"event_name":"user_send_text","timestamp":"${ts}"}`, /sender/],
      [`{"event_name":"user_send_text","timestamp":"${ts}","sender":{"id":"${u}"},"message":{"text":"hi"}}`, /msg_id/],
      [`{"event_name":"user_send_text","timestamp":"${ts}","sender":{"id":"has space"},"message":{"msg_id":"m","text":"hi"}}`, /sender\.id/],
      [`{"event_name":"follow","timestamp":"${ts}"}`, /follower/],
      [`{"event_name":"user_send_image","timestamp":"${ts}","sender":{"id":"${u}"},"message":{"msg_id":"m2","attachments":[]}}`, /attachments/],
    ];
    for (const [raw, error] of cases) {
      const res = await bot.driver.postRaw(raw, ts);
      expect(res.status, raw).toBe(400);
      expect((res.json as { error: string }).error, raw).toMatch(error);
    }
    expect((await keysMatching(bot.t.app.redis, `${bot.t.prefix}seen:*`)).sort()).toEqual(eventMarks.sort());
    expect(await bot.t.app.users.get(`zalo:${u}`)).toBeUndefined();
  });

  it('refuses a body over 64 KB with 413', async () => {
    const u = zaloUser();
    const res = await bot.driver.text(u, 'x'.repeat(70_000));
    expect(res.status).toBe(413);
    expect(await bot.t.app.users.get(`zalo:${u}`)).toBeUndefined();
  });

  it('acknowledges events it does not handle and ignores them', async () => {
    const u = zaloUser();
    const res = await bot.driver.post({ event_name: 'user_send_sticker', sender: { id: u }, message: { msg_id: 'st1', attachments: [] } });
    expect(res).toEqual({ status: 200, json: { ok: true, ignored: 'user_send_sticker' } });
    const info = await bot.driver.post({ event_name: 'user_submit_info', sender: { id: u }, recipient: { id: bot.driver.oaId }, info: { name: 'Lò Văn A', phone: '0912345678' } });
    expect(info.status).toBe(200);
    expect(await bot.t.app.users.get(`zalo:${u}`)).toBeUndefined();
  });

  it('hands a photo to the bot as an attachment with the platform url', async () => {
    const u = zaloUser();
    await bot.driver.follow(u);
    await fake.textsFor(u, 1);
    const url = 'https://photo-stal.zadn.vn/minh-chung/abc123.jpg';
    expect((await bot.driver.image(u, url)).status).toBe(200);
    const texts = await fake.textsFor(u, 2);
    await bot.t.send('web:img', '/start');
    const web = await bot.t.send('web:img', { attachment: { kind: 'photo', fileId: url } });
    expect(texts[1]).toContain(textOf(web).split('\n')[0]);
  });

  it('marks a person who unfollows inactive, and someone the API calls a non-follower too', async () => {
    const u = zaloUser();
    await bot.driver.follow(u);
    await fake.textsFor(u, 1);
    expect((await bot.driver.unfollow(u)).status).toBe(200);
    await expect.poll(async () => (await bot.t.app.users.get(`zalo:${u}`))?.inactive).toBe('unfollowed');

    const v = zaloUser();
    fake.refuse(v, -213);
    await bot.driver.text(v, '/start');
    await expect.poll(async () => (await bot.t.app.users.get(`zalo:${v}`))?.inactive).toBe('not_follower');
    fake.refuse(v, undefined);
  });

  it('records a reply Zalo refuses outside the 7-day window as undeliverable, with the reason', async () => {
    const w = zaloUser();
    fake.refuse(w, -230);
    await bot.driver.text(w, '/start');
    await expect.poll(async () => (await campaignStats(bot.t.app, ZALO_REPLIES_CAMPAIGN)).undeliverable).toBeGreaterThanOrEqual(1);
    const statuses: { user: string; status: string; reason?: string }[] = [];
    for await (const page of campaignStatuses(bot.t.app, ZALO_REPLIES_CAMPAIGN)) statuses.push(...page);
    expect(statuses.find((s) => s.user === `zalo:${w}`)).toMatchObject({ status: 'undeliverable', reason: 'outside_7_day_window' });
    fake.refuse(w, undefined);
  });

  it('backs off when Zalo rate-limits a reply (-32) and then delivers it', async () => {
    const u = zaloUser();
    fake.rateLimit(2);
    await bot.driver.follow(u);
    await fake.textsFor(u, 1);
    expect(fake.calls.filter((c) => c.raw.includes(u)).map((c) => c.error)).toEqual([-32, -32, 0]);
  });

  it('splits a long reply at the OA limit on paragraph boundaries, in order', async () => {
    const u = zaloUser();
    await bot.t.app.users.seen(`zalo:${u}`, 'vi');
    const paragraphs = Array.from({ length: 9 }, (_, i) => `Đoạn ${i + 1}: ${'học tập suốt đời '.repeat(30).trim()}.`);
    const sender = bot.t.app.senders.get('zalo');
    expect(await sender?.send(u, [{ text: paragraphs.join('\n\n') }])).toEqual({ status: 'sent' });
    const texts = fake.textsTo(u);
    expect(texts.length).toBeGreaterThan(1);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(2000);
    expect(texts.join('\n\n')).toBe(paragraphs.join('\n\n'));
  });
});
