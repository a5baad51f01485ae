import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramEmulator } from '../support/telegram-emulator.js';
import { probeCommands, readable, startTelegramBot, type TelegramBot } from '../support/telegram-harness.js';

const SECRET = 'webhook-Secret_123';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Telegram over a webhook', () => {
  let emu: TelegramEmulator;
  let bot: TelegramBot;

  beforeAll(async () => {
    emu = await TelegramEmulator.start();
    bot = await startTelegramBot(emu, 'webhook', { env: { TELEGRAM_WEBHOOK_SECRET: SECRET }, extra: [probeCommands] });
  });
  afterAll(async () => {
    await bot?.close();
    await emu?.close();
  });

  /** How each message to the chat was sent: over HTTP ('api') or in a webhook response. */
  const routes = (chatId: number) => emu.calls.filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(chatId)).map((c) => c.via);

  it('registers the webhook with its secret token and the update kinds it reads', async () => {
    expect(emu.webhook).toEqual({
      url: `${bot.url}/webhooks/telegram`,
      secret: SECRET,
      allowedUpdates: ['message', 'callback_query', 'my_chat_member'],
    });
    // The command menu is set alongside, not before.
    expect((await emu.waitFor(() => emu.commands.get('en'))).map((c) => c.command)).toEqual(['start', 'menu', 'help', 'lang', 'cancel']);
  });

  it('answers the webhook once the replies are out', async () => {
    const p = TelegramEmulator.person(6001);
    const [status] = await emu.deliver(emu.textUpdate(p, '/start'));
    expect(status).toBe(200);
    // Nothing to wait for: the replies went out before Telegram got its answer.
    expect(readable(emu.sentTo(p.id)[0]?.text ?? '')).toContain('Xin chào');
  });

  it('refuses a forged or missing secret with 403 and processes nothing', async () => {
    const p = TelegramEmulator.person(6101);
    const u = emu.textUpdate(p, '/start');
    for (const secret of ['wrong', `${SECRET}x`, SECRET.slice(0, -1), '', undefined]) {
      const res = await emu.post(u, secret);
      expect(res.status, String(secret)).toBe(403);
    }
    await pause(100);
    expect(emu.sentTo(p.id)).toEqual([]);
    expect(await bot.app.sessions.get(`telegram:${p.id}`)).toEqual({ kind: 'none' });
    expect(await bot.app.users.get(`telegram:${p.id}`)).toBeUndefined();
    // The forged deliveries did not use up the update: the real one is still handled.
    expect((await emu.post(u, SECRET)).status).toBe(200);
    expect(readable(emu.sentTo(p.id)[0]?.text ?? '')).toContain('Xin chào');
  });

  it('answers malformed bodies with 4xx and changes nothing', async () => {
    const p = TelegramEmulator.person(6201);
    await emu.sendText(p, '/lang en');
    const before = await bot.app.sessions.get(`telegram:${p.id}`);
    const sentBefore = emu.sent.length;
    const cases: [unknown, number][] = [
      ['{"update_id": 1, "message": {', 400],
      ['[1,2,3]', 400],
      ['null', 400],
      [{ update_id: 'seven' }, 400],
      [{ update_id: emu.newUpdateId(), message: { message_id: 1, date: 0, chat: { id: p.id, type: 'private' }, from: p, text: { html: 'x' } } }, 400],
      [{ update_id: emu.newUpdateId(), callback_query: { from: p, data: 'settings' } }, 400],
      [{ update_id: emu.newUpdateId(), message: { text: 'x'.repeat(1_000_000) } }, 413],
    ];
    for (const [body, status] of cases) {
      const res = await emu.post(body, SECRET);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
    }
    expect(await bot.app.sessions.get(`telegram:${p.id}`)).toEqual(before);
    expect(emu.sent.length).toBe(sentBefore);
    // And the bot still serves.
    await emu.sendText(p, '/help');
    expect(emu.sentTo(p.id).length).toBe(2);
  });

  it('handles a redelivered update once', async () => {
    const p = TelegramEmulator.person(6301);
    const u = emu.textUpdate(p, '/help');
    expect(await emu.deliver(u, u)).toEqual([200, 200]);
    expect(emu.sentTo(p.id)).toHaveLength(1);
    // Two deliveries of a new update at the same time.
    const fresh = emu.textUpdate(p, '/help');
    const [a, b] = await Promise.all([emu.post(fresh, SECRET), emu.post(fresh, SECRET)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(emu.sentTo(p.id)).toHaveLength(2);
  });

  it('says 200 to update kinds it does not use, and does nothing with them', async () => {
    const p = TelegramEmulator.person(6401);
    const res = await emu.post({ update_id: emu.newUpdateId(), edited_message: { message_id: 1, date: 0, edit_date: 1, chat: { id: p.id, type: 'private' }, from: p, text: 'sửa' } }, SECRET);
    expect(res.status).toBe(200);
    expect(emu.sentTo(p.id)).toEqual([]);
  });

  it('answers a typed message with its reply in the webhook response, without a sendMessage call', async () => {
    const p = TelegramEmulator.person(6450, 'en');
    await emu.sendText(p, '/help');
    expect(emu.webhookResponses.at(-1)).toMatchObject({ status: 200, body: expect.stringContaining('"method":"sendMessage"') });
    expect(routes(p.id)).toEqual(['webhook-response']);
    const [reply] = emu.sentTo(p.id);
    expect(readable(reply?.text ?? '')).toContain('/menu');
    expect(reply?.parse_mode).toBe('HTML');
    // The menu's buttons ride along with it.
    await emu.sendText(p, '/menu');
    expect(routes(p.id)).toEqual(['webhook-response', 'webhook-response']);
    expect(emu.sentTo(p.id).at(-1)?.keyboard?.flat().map((b) => b.callback_data)).toEqual(['qa', 'learning', 'news', 'settings']);
  });

  it('sends a reply of several messages in order, the last one in the webhook response', async () => {
    const p = TelegramEmulator.person(6460);
    await emu.sendText(p, '/long 40');
    const sent = emu.sentTo(p.id);
    expect(sent.length).toBeGreaterThan(2);
    expect(routes(p.id)).toEqual([...sent.slice(1).map(() => 'api'), 'webhook-response']);
    const firsts = sent.map((m) => Number(/^Paragraph (\d+)\./.exec(m.text)?.[1]));
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    expect(sent.flatMap((m) => m.text.split('\n\n'))).toHaveLength(40);
    expect(sent.at(-1)?.keyboard?.flat().map((b) => b.text)).toEqual(['OK']);
  });

  it('waits out a 429 inside the webhook call, and sends the rest of the reply through the API', async () => {
    const p = TelegramEmulator.person(6501);
    emu.tooManyRequests('sendMessage', 1, { chatId: p.id });
    const started = Date.now();
    const [status] = await emu.deliver(emu.textUpdate(p, '/long 40'));
    expect(status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    // Telegram would not say how a call in the response fared, so after a 429 none goes there.
    expect(emu.webhookResponses.at(-1)).toEqual({ status: 200, body: '' });
    const sent = emu.sentTo(p.id);
    expect(sent.length).toBeGreaterThan(1);
    expect(routes(p.id)).toEqual(['api', ...sent.map(() => 'api')]);
    expect(sent.flatMap((m) => m.text.split('\n\n'))).toHaveLength(40);
  });

  it('answers a button press in the webhook response, after sending the reply', async () => {
    const p = TelegramEmulator.person(6601, 'en');
    await emu.sendText(p, '/start');
    const u = await emu.press(p, 'settings');
    const id = (u.callback_query as { id: string }).id;
    expect(emu.callbackAnswers.filter((a) => a.callback_query_id === id).map((a) => a.via)).toEqual(['webhook-response']);
    expect(JSON.parse(emu.webhookResponses.at(-1)?.body ?? '{}')).toEqual({ method: 'answerCallbackQuery', callback_query_id: id });
    expect(readable(emu.sentTo(p.id).at(-1)?.text ?? '')).toContain('Settings');
    // One call per response: the press's reply went through the API.
    expect(routes(p.id).at(-1)).toBe('api');
  });

  it('answers the button through the API when the reply is slow, so it stops spinning', async () => {
    const p = TelegramEmulator.person(6602, 'en');
    await emu.sendText(p, '/start');
    emu.tooManyRequests('sendMessage', 2, { chatId: p.id });
    const u = await emu.press(p, 'settings');
    const id = (u.callback_query as { id: string }).id;
    const [answer] = emu.callbackAnswers.filter((a) => a.callback_query_id === id);
    expect(answer?.via).toBe('api');
    const reply = emu.sentTo(p.id).at(-1);
    expect(readable(reply?.text ?? '')).toContain('Settings');
    // Answered about a second into the two-second wait, well before the reply went out.
    expect(reply!.at - answer!.at).toBeGreaterThanOrEqual(500);
    expect(emu.webhookResponses.at(-1)).toEqual({ status: 200, body: '' });
  });

  it('shows a notice for an expired button, in the webhook response', async () => {
    const p = TelegramEmulator.person(6603, 'en');
    const u = await emu.press(p, '~AAAAAAAAAAAAAAAA');
    const id = (u.callback_query as { id: string }).id;
    expect(emu.callbackAnswers.filter((a) => a.callback_query_id === id)).toMatchObject([{ via: 'webhook-response', text: 'This button is out of date. Type /menu to open the menu again.' }]);
    expect(emu.sentTo(p.id)).toEqual([]);
  });

  it('put nothing in a webhook response that Telegram would refuse', () => {
    expect(emu.calls.filter((c) => c.via === 'webhook-response' && c.status !== 200)).toEqual([]);
  });

  it('refuses updates with 503 once stopping, so Telegram delivers them again later', async () => {
    await bot.app.stop();
    const p = TelegramEmulator.person(6701);
    const [status] = await emu.deliver(emu.textUpdate(p, '/start'));
    expect(status).toBe(503);
    expect(emu.sentTo(p.id)).toEqual([]);
  });
});

describe('Telegram webhook without TELEGRAM_WEBHOOK_SECRET', () => {
  it('still sets a secret token, derived from the bot token, and checks it', async () => {
    const emu = await TelegramEmulator.start();
    const bot = await startTelegramBot(emu, 'webhook');
    try {
      expect(emu.webhook?.secret).toMatch(/^[A-Za-z0-9_-]{32,256}$/);
      const p = TelegramEmulator.person(6801);
      expect((await emu.post(emu.textUpdate(p, '/start'), undefined)).status).toBe(403);
      expect(await emu.deliver(emu.textUpdate(p, '/help'))).toEqual([200]);
      expect(emu.sentTo(p.id)).toHaveLength(1);
    } finally {
      await bot.close();
      await emu.close();
    }
  });
});
