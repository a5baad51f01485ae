import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capabilities } from '../../src/app/capabilities.js';
import { zaloChannel } from '../../src/channels/zalo/capability.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { listen } from '../support/http.js';
import { FakeZaloBot, ZALO_BOT_TEST_ENV } from '../support/zalo-bot-fake.js';
import { ZALO_TEST_ENV } from '../support/zalo-fake.js';

const withZalo = () => [...capabilities.filter((c) => c.name !== 'zalo'), zaloChannel({ rateLimitBackoffMs: 20 })];

/** An update the way the Zalo Bot platform posts it. */
function update(chatId: string, text: string, opts: { messageId?: string; chatType?: string; event?: string } = {}) {
  return {
    ok: true,
    result: {
      event_name: opts.event ?? 'message.text.received',
      message: {
        from: { id: chatId, display_name: 'Lò Thị Hoa', is_bot: false },
        chat: { id: chatId, chat_type: opts.chatType ?? 'PRIVATE' },
        text,
        message_id: opts.messageId ?? randomBytes(10).toString('hex'),
        date: Date.now(),
      },
    },
  };
}

describe('Zalo Bot platform mode', () => {
  let fake: FakeZaloBot;
  let t: TestApp;
  let http: Awaited<ReturnType<typeof listen>>;
  let n = 0;
  const chat = () => `e4ea2cd5189df1c3a${(++n).toString(16).padStart(3, '0')}`;
  const post = async (body: unknown, secret: string | null = ZALO_BOT_TEST_ENV.ZALO_BOT_WEBHOOK_SECRET) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (secret !== null) headers['x-bot-api-secret-token'] = secret;
    const res = await fetch(`${http.url}/webhooks/zalo`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as unknown };
  };

  beforeAll(async () => {
    fake = await new FakeZaloBot().start();
    t = await createTestApp({
      env: { ...ZALO_BOT_TEST_ENV, ZALO_BOT_API_BASE: fake.url, ZALO_BOT_WEBHOOK_URL: 'https://bot.example.vn/webhooks/zalo' },
      capabilities: withZalo(),
    });
    http = await listen(t.app);
    await t.app.start();
  });
  afterAll(async () => {
    await http.close();
    await t.close();
    await fake.close();
  });

  it('registers its webhook with the secret at start', () => {
    expect(fake.webhooks).toEqual([{ url: 'https://bot.example.vn/webhooks/zalo', secretToken: ZALO_BOT_TEST_ENV.ZALO_BOT_WEBHOOK_SECRET }]);
  });

  it('welcomes, shows the menu as a numbered list and follows a number, through sendMessage', async () => {
    const c = chat();
    expect(await post(update(c, '/start'))).toEqual({ status: 200, json: { ok: true } });
    expect((await fake.textsFor(c, 1))[0]).toContain('Xin chào Anh/Chị');
    await post(update(c, '/menu'));
    expect((await fake.textsFor(c, 2))[1]).toContain('1. Hỏi về kế hoạch\n2. Công dân học tập');
    await post(update(c, '4'));
    expect((await fake.textsFor(c, 3))[2]).toContain('Cài đặt');
    expect(await t.app.users.get(`zalo:${c}`)).toMatchObject({ channel: 'zalo' });
  });

  it('refuses a wrong or missing secret with 401 and handles nothing', async () => {
    const c = chat();
    expect((await post(update(c, '/start'), 'wrong-secret-123')).status).toBe(401);
    expect((await post(update(c, '/start'), null)).status).toBe(401);
    expect((await post(update(c, '/start'), `${ZALO_BOT_TEST_ENV.ZALO_BOT_WEBHOOK_SECRET}x`)).status).toBe(401);
    expect(await t.app.users.get(`zalo:${c}`)).toBeUndefined();
    await post(update(c, '/start'));
    expect(await fake.textsFor(c, 1)).toHaveLength(1);
  });

  it('answers a redelivered message once, and refuses malformed bodies with 400', async () => {
    const c = chat();
    const once = update(c, '/start', { messageId: 'abc123def456' });
    expect((await post(once)).json).toEqual({ ok: true });
    expect((await post(once)).json).toEqual({ ok: true });
    expect((await post('{"ok":true,"result":')).status).toBe(400);
    expect((await post({ ok: true, result: { event_name: 'message.text.received', message: { chat: { id: c }, text: 'hi' } } })).status).toBe(400);
    await post(update(c, '/help'));
    const texts = await fake.textsFor(c, 2);
    expect(texts[1]).toContain('/menu');
    expect(texts).toHaveLength(2);
  });

  it('acknowledges stickers and group messages without answering them', async () => {
    const c = chat();
    expect((await post(update(c, '', { event: 'message.sticker.received' }))).json).toEqual({ ok: true, ignored: 'message.sticker.received' });
    expect((await post(update(c, '/start', { chatType: 'GROUP' }))).json).toEqual({ ok: true, ignored: 'message.text.received' });
    expect(await t.app.users.get(`zalo:${c}`)).toBeUndefined();
  });

  it('waits out a 429 on a reply, marks someone who blocked the bot inactive, and sends proactive text', async () => {
    const c = chat();
    fake.rateLimit(2);
    await post(update(c, '/start'));
    expect(await fake.textsFor(c, 1)).toHaveLength(1);

    const sender = t.app.senders.get('zalo');
    const long = Array.from({ length: 5 }, (_, i) => `Đoạn ${i + 1}: ${'tin tuần lễ học tập '.repeat(30).trim()}`).join('\n\n');
    expect(await sender?.send(c, [{ text: long, choices: [{ label: 'Dừng nhận tin', value: '/stop' }] }])).toEqual({ status: 'sent' });
    const parts = fake.textsTo(c).slice(1);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.at(-1)).toContain('Dừng nhận tin: gõ /stop');

    fake.rateLimit(1);
    expect(await sender?.send(c, [{ text: 'Tin' }])).toMatchObject({ status: 'retry', reason: 'rate_limited' });

    fake.block(c);
    expect(await sender?.send(c, [{ text: 'Tin' }])).toEqual({ status: 'blocked', reason: 'blocked_bot' });
    await post(update(c, '/help'));
    await expect.poll(async () => (await t.app.users.get(`zalo:${c}`))?.inactive).toBe('blocked_bot');
  });
});

describe('Zalo channel settings', () => {
  it('refuses to start with both an Official Account and a Zalo Bot token, naming both', async () => {
    await expect(createTestApp({ env: { ...ZALO_TEST_ENV, ...ZALO_BOT_TEST_ENV }, capabilities: withZalo() })).rejects.toThrow(/either .*ZALO_APP_ID.* or ZALO_BOT_TOKEN/);
  });

  it('refuses a Zalo Bot token without a webhook secret', async () => {
    await expect(createTestApp({ env: { ZALO_BOT_TOKEN: ZALO_BOT_TEST_ENV.ZALO_BOT_TOKEN }, capabilities: withZalo() })).rejects.toThrow(/ZALO_BOT_WEBHOOK_SECRET is required/);
  });
});
