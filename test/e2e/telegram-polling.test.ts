import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Capability } from '../../src/app/app.js';
import { dataPaths } from '../../src/core/paths.js';
import { campaignStats } from '../../src/outbound/deliver.js';
import type { OutboundMessage } from '../../src/outbound/types.js';
import { fixtureDirs } from '../support/fixture-dirs.js';
import { TelegramEmulator, type TgChat, type TgUser } from '../support/telegram-emulator.js';
import { probeCommands, readable, startTelegramBot, type TelegramBot } from '../support/telegram-harness.js';

// The real flows, plus one that collects personal data, reached by /register, to see it refused in groups.
const dirs = fixtureDirs({
  realFlows: readdirSync(dataPaths.flows).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')),
  flows: {
    register: `id: register
personal: true
start: name
steps:
  name:
    ask: common.invalid.text_empty
    input: { type: text }
    save: name
    goto: menu.main
commands:
  register: { open: name }
`,
  },
});
const register: Capability = {
  name: 'test-register',
  register(app) {
    app.registry.command({ name: 'register', outcomes: ['open'], run: async () => 'open' });
  },
};

const say = (m: { text: string }) => readable(m.text);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Telegram over long polling', () => {
  let emu: TelegramEmulator;
  let bot: TelegramBot;

  beforeAll(async () => {
    emu = await TelegramEmulator.start();
    bot = await startTelegramBot(emu, 'polling', { dirs, extra: [probeCommands, register] });
  });
  afterAll(async () => {
    await bot?.close();
    await emu?.close();
  });
  /** Waits until the main menu (the last message of a greeting) has gone to the chat. */
  const untilMenu = (chatId: number) => emu.waitFor(() => emu.sentTo(chatId).some((m) => m.keyboard?.flat().some((b) => b.callback_data === 'settings')), 10_000, 'the menu');

  it('sets the command menu in Vietnamese, English and by default (Vietnamese)', () => {
    expect([...emu.commands.keys()].sort()).toEqual(['', 'en', 'vi']);
    for (const list of emu.commands.values()) expect(list.map((c) => c.command)).toEqual(['start', 'menu', 'help', 'lang', 'cancel']);
    expect(emu.commands.get('vi')?.find((c) => c.command === 'menu')?.description).toBe('Về menu chính');
    expect(emu.commands.get('en')?.find((c) => c.command === 'menu')?.description).toBe('Back to the main menu');
    expect(emu.commands.get('')).toEqual(emu.commands.get('vi'));
  });

  it("handles one person's batch in order, and other people's alongside", async () => {
    const a = TelegramEmulator.person(8101);
    const b = TelegramEmulator.person(8102);
    await emu.deliver(
      emu.textUpdate(a, '/lang en'),
      emu.textUpdate(b, '/lang en'),
      emu.textUpdate(a, '/lang vi'),
      emu.textUpdate(a, '/lang en'),
      emu.textUpdate(b, '/lang vi'),
    );
    const toA = await emu.messagesTo(a.id, 3);
    expect(toA.map(say).map((t) => t.split('\n')[0])).toEqual(['Switched to English.', 'Đã chuyển sang tiếng Việt.', 'Switched to English.']);
    const toB = await emu.messagesTo(b.id, 2);
    expect(toB.map(say).map((t) => t.split('\n')[0])).toEqual(['Switched to English.', 'Đã chuyển sang tiếng Việt.']);
  });

  it('answers an update delivered twice only once', async () => {
    const p = TelegramEmulator.person(8201);
    const u = emu.textUpdate(p, '/help');
    await emu.deliver(u, u);
    await emu.messagesTo(p.id, 1);
    await emu.deliver(u);
    await pause(300);
    expect(emu.sentTo(p.id)).toHaveLength(1);
  });

  it('waits out a 429 for retry_after seconds, then the message arrives', async () => {
    const p = TelegramEmulator.person(8301);
    emu.tooManyRequests('sendMessage', 1, { chatId: p.id });
    await emu.sendText(p, '/help');
    const [msg] = await emu.messagesTo(p.id, 1, 0, 5_000);
    expect(say(msg!)).toContain('/menu');
    const attempts = emu.calls.filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(p.id));
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('does not keep others waiting while one person waits out a 429', async () => {
    const slow = TelegramEmulator.person(8311);
    const other = TelegramEmulator.person(8312);
    emu.tooManyRequests('sendMessage', 3, { chatId: slow.id });
    await emu.sendText(slow, '/help');
    await emu.waitFor(() => emu.calls.some((c) => c.status === 429 && String(c.params.chat_id) === String(slow.id)), 5_000, 'the 429');
    await emu.sendText(other, '/help');
    await emu.messagesTo(other.id, 1, 0, 5_000);
    // Answered while the first person's reply is still waiting out its three seconds.
    expect(emu.sentTo(slow.id)).toHaveLength(0);
    const [late] = await emu.messagesTo(slow.id, 1, 0, 5_000);
    expect(say(late!)).toContain('/menu');
  });

  it('marks someone who blocked the bot inactive: no proactive message reaches them until they write again', async () => {
    const p = TelegramEmulator.person(8401);
    const user = `telegram:${p.id}`;
    await emu.sendText(p, '/start');
    await untilMenu(p.id);
    emu.block(p.id);
    await emu.sendText(p, '/help');
    await emu.waitFor(() => emu.calls.some((c) => c.status === 403 && String(c.params.chat_id) === String(p.id)));
    await expect.poll(async () => (await bot.app.users.get(user))?.inactive, { timeout: 5000 }).toMatch(/blocked/);

    const notice = (key: string): OutboundMessage => ({ user, campaign: `c-${key}`, key, kind: 'notice', replies: [{ text: `Tin ${key}` }] });
    const callsBefore = emu.calls.length;
    await bot.app.outbound.enqueue([notice('while-blocked')]);
    await expect.poll(() => campaignStats(bot.app, 'c-while-blocked'), { timeout: 5000 }).toMatchObject({ blocked: 1 });
    expect(emu.calls.slice(callsBefore)).toEqual([]);

    emu.unblock(p.id);
    await emu.sendText(p, '/help');
    await expect.poll(async () => (await bot.app.users.get(user))?.inactive, { timeout: 5000 }).toBeUndefined();
    const before = emu.sentTo(p.id).length;
    await bot.app.outbound.enqueue([notice('after')]);
    await expect.poll(() => campaignStats(bot.app, 'c-after'), { timeout: 5000 }).toMatchObject({ sent: 1 });
    expect(emu.sentTo(p.id).slice(before).map(say)).toContain('Tin after');
  });

  it('splits a long reply at paragraph breaks, with the buttons under the last piece', async () => {
    const p = TelegramEmulator.person(8501);
    await emu.sendText(p, '/long 40');
    const sent = await emu.messagesTo(p.id, 2);
    await pause(200);
    const all = emu.sentTo(p.id);
    expect(all.length).toBeGreaterThan(1);
    for (const m of all) {
      expect(say(m).length).toBeLessThanOrEqual(4096);
      expect(say(m)).toMatch(/^Paragraph \d+\./);
      expect(say(m)).toMatch(/đời\.$/);
    }
    expect(all.map((m) => m.keyboard !== undefined)).toEqual([...all.slice(1).map(() => false), true]);
    const paragraphs = all.flatMap((m) => say(m).split('\n\n'));
    expect(paragraphs).toHaveLength(40);
    expect(paragraphs[39]).toMatch(/^Paragraph 40\./);
    expect(sent[0]?.text.length).toBeGreaterThan(3000);
  });

  it('escapes what a person typed before it goes out as HTML', async () => {
    const p = TelegramEmulator.person(8601);
    await emu.sendText(p, '/lang <b>a&b</b>');
    const [msg] = await emu.messagesTo(p.id, 1);
    expect(msg?.parse_mode).toBe('HTML');
    expect(msg?.text).toContain('&lt;b&gt;a&amp;b&lt;/b&gt;');
    expect(msg?.text).not.toContain('<b>');
    expect(say(msg!)).toContain('"<b>a&b</b>"');
  });

  it('hands a photo and a document to the bot as attachments with their file_id', async () => {
    const p = TelegramEmulator.person(8701);
    await emu.deliver(
      emu.mediaUpdate(p, { caption: '/evidence', photo: [{ file_id: 'AgAC-small', file_unique_id: 's', width: 90, height: 67 }, { file_id: 'AgAC-large', file_unique_id: 'l', width: 1280, height: 960 }] }),
      emu.mediaUpdate(p, { caption: '/evidence', document: { file_id: 'BQAC-doc', file_unique_id: 'd', file_name: 'giay-chung-nhan.pdf', mime_type: 'application/pdf' } }),
    );
    const sent = await emu.messagesTo(p.id, 2);
    expect(sent.map(say)).toEqual(['got photo AgAC-large image/jpeg -', 'got document BQAC-doc application/pdf giay-chung-nhan.pdf']);
  });

  it('in a group, answers only commands and mentions, and keeps personal flows to private chats', async () => {
    const p = TelegramEmulator.person(8801);
    const group: TgChat = { id: -100880, type: 'supergroup', title: 'Xã học tập' };
    await emu.sendText(p, 'chào cả nhà', { chat: group });
    await emu.sendText(p, '/menu@some_other_bot', { chat: group });
    await emu.sendText(p, '@xhht_test_bot /help', { chat: group });
    const [help] = await emu.messagesTo(group.id, 1);
    expect(say(help!)).toContain('/menu');
    await emu.sendText(p, '/register@xhht_test_bot', { chat: group });
    const [refused] = await emu.messagesTo(group.id, 1, 1);
    expect(say(refused!)).toContain('trò chuyện riêng');
    // What the bot holds about someone is not shown to the group either.
    await emu.sendText(p, '/mydata@xhht_test_bot', { chat: group });
    const [noData] = await emu.messagesTo(group.id, 1, 2);
    expect(say(noData!)).toContain('trò chuyện riêng');
    expect(say(noData!)).not.toContain(`telegram:${p.id}`);
    await pause(200);
    expect(emu.sentTo(group.id)).toHaveLength(3);
    expect(emu.sentTo(p.id)).toHaveLength(0);
  });

  it('maps a button value longer than 64 bytes and gives it back to the engine when pressed', async () => {
    const p = TelegramEmulator.person(8901);
    const id = 'deadline-2026-12-15-so-gd-dt-son-la-bao-cao-tong-ket-nam-hoc-tap-suot-doi';
    const sender = bot.app.senders.get('telegram');
    expect(await sender?.send(String(p.id), [{ text: 'Hạn báo cáo sắp đến', choices: [{ label: 'Đã báo cáo', value: `/probe ${id}` }, { label: 'Dừng', value: '/stop' }] }])).toEqual({ status: 'sent' });
    const [reminder] = await emu.messagesTo(p.id, 1);
    const [mapped, stop] = reminder!.keyboard!.flat();
    expect(Buffer.byteLength(mapped!.callback_data!)).toBeLessThanOrEqual(64);
    expect(mapped!.callback_data).not.toContain(id);
    expect(stop!.callback_data).toBe('/stop');
    await emu.press(p, mapped!.callback_data!);
    const [answer] = await emu.messagesTo(p.id, 1, 1);
    expect(say(answer!)).toBe(`probe ${id}`);
  });

  it('answers a press of an expired button with a notice and nothing else', async () => {
    const p = TelegramEmulator.person(9001);
    const u = await emu.press(p, '~AAAAAAAAAAAAAAAA');
    const cbId = (u.callback_query as { id: string }).id;
    const answer = await emu.waitFor(() => emu.callbackAnswers.find((a) => a.callback_query_id === cbId));
    expect(answer.text).toBe('Nút này đã cũ. Anh/Chị gõ /menu để mở lại menu nhé.');
    await pause(200);
    expect(emu.sentTo(p.id)).toHaveLength(0);
  });

  it('tells proactive senders what Telegram said: retry after, blocked, failed', async () => {
    const sender = bot.app.senders.get('telegram')!;
    const p = TelegramEmulator.person(9101);
    emu.tooManyRequests('sendMessage', 7, { chatId: p.id });
    expect(await sender.send(String(p.id), [{ text: 'x' }])).toMatchObject({ status: 'retry', afterMs: 7000 });
    emu.block(p.id);
    expect(await sender.send(String(p.id), [{ text: 'x' }])).toMatchObject({ status: 'blocked' });
    emu.unblock(p.id);
    emu.failNext('sendMessage', { code: 400, description: 'Bad Request: chat not found' }, { chatId: p.id });
    expect(await sender.send(String(p.id), [{ text: 'x' }])).toMatchObject({ status: 'failed', transient: false });
    emu.failNext('sendMessage', { code: 502, description: 'Bad Gateway' }, { chatId: p.id });
    expect(await sender.send(String(p.id), [{ text: 'x' }])).toMatchObject({ status: 'failed', transient: true });
    expect(await sender.send('not-a-chat', [{ text: 'x' }])).toMatchObject({ status: 'undeliverable' });
    expect(await sender.send(String(p.id), [{ text: 'Tin <mới>', link: { label: 'Xem', url: 'https://example.vn/tuan-le' } }])).toEqual({ status: 'sent' });
    const [last] = emu.sentTo(p.id).slice(-1);
    expect(last?.text).toBe('Tin &lt;mới&gt;');
    expect(last?.keyboard).toEqual([[{ text: 'Xem', url: 'https://example.vn/tuan-le' }]]);
  });

  it('sends a file as a document', async () => {
    const p = TelegramEmulator.person(9201);
    const sender = bot.app.senders.get('telegram')!;
    await sender.send(String(p.id), [{ text: 'Lịch hạn báo cáo', file: { name: 'han-bao-cao.ics', mime: 'text/calendar', content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' } }]);
    const [text, doc] = await emu.messagesTo(p.id, 2);
    expect(say(text!)).toBe('Lịch hạn báo cáo');
    expect(doc?.method).toBe('sendDocument');
    expect(doc?.document).toEqual({ name: 'han-bao-cao.ics', content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' });
  });

  it('survives a malformed update and a failed reply: the next update is answered, the person gets an apology', async () => {
    const p = TelegramEmulator.person(9301);
    await emu.deliver({ update_id: emu.newUpdateId(), message: { message_id: 1, chat: { id: p.id, type: 'private' }, from: p, text: 12 } } as never);
    emu.failNext('sendMessage', { code: 400, description: "Bad Request: can't parse entities" }, { chatId: p.id });
    await emu.sendText(p, '/help');
    const [apology] = await emu.messagesTo(p.id, 1);
    expect(say(apology!)).toContain('Xin lỗi, đã có lỗi xảy ra');
    await emu.sendText(p, '/help');
    const [help] = await emu.messagesTo(p.id, 1, 1);
    expect(say(help!)).toContain('/menu');
  });

  it('takes a person who blocked the bot (my_chat_member) as inactive', async () => {
    const p: TgUser = TelegramEmulator.person(9401);
    await emu.sendText(p, '/start');
    await untilMenu(p.id);
    await emu.deliver({
      update_id: emu.newUpdateId(),
      my_chat_member: { chat: { id: p.id, type: 'private' }, from: p, date: 0, old_chat_member: { status: 'member', user: emu.botUser }, new_chat_member: { status: 'kicked', user: emu.botUser, until_date: 0 } },
    });
    await expect.poll(async () => (await bot.app.users.get(`telegram:${p.id}`))?.inactive, { timeout: 5000 }).toBe('blocked');
  });
});
