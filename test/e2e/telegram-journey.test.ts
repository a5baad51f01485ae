import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/core/message.js';
import { TelegramEmulator, type Sent, type TgUser } from '../support/telegram-emulator.js';
import { readable, startTelegramBot, type TelegramBot, type TelegramMode } from '../support/telegram-harness.js';

/**
 * One person's conversation over Telegram, in both modes: every step must show them what the web
 * chat shows for the same words (same texts, same buttons), as Telegram messages with inline keyboards.
 */
describe.each<TelegramMode>(['polling', 'webhook'])('a Telegram conversation (%s)', (mode) => {
  let emu: TelegramEmulator;
  let bot: TelegramBot;
  const lan: TgUser = TelegramEmulator.person(mode === 'polling' ? 7001 : 7002, 'vi');
  const webTwin = `web:twin-${mode}`;

  beforeAll(async () => {
    emu = await TelegramEmulator.start();
    bot = await startTelegramBot(emu, mode);
  });
  afterAll(async () => {
    await bot?.close();
    await emu?.close();
  });

  /** Sends the same input on Telegram and on the web; the Telegram messages must match the web replies. */
  async function step(input: { text: string } | { button: string }): Promise<{ sent: Sent[]; web: Reply[] }> {
    const web = await bot.app.bot.handle('text' in input ? { user: webTwin, text: input.text } : { user: webTwin, choice: input.button });
    const before = emu.sentTo(lan.id).length;
    if ('text' in input) await emu.sendText(lan, input.text);
    else await emu.press(lan, input.button);
    const sent = await emu.messagesTo(lan.id, web.length, before);
    expect(sent.map((s) => readable(s.text))).toEqual(web.map((r) => r.text));
    // A value too long for a button travels as a short key (see callback-data.ts).
    const data = (value: string) => (Buffer.byteLength(value) <= 64 && !value.startsWith('~') ? value : expect.stringMatching(/^~.{16}$/));
    expect(sent.map((s) => s.keyboard?.flat().map((b) => [b.text, b.callback_data]) ?? [])).toEqual(
      web.map((r) => r.choices?.map((c) => [c.label, data(c.value)]) ?? []),
    );
    for (const s of sent) expect(s.parse_mode).toBe('HTML');
    return { sent, web };
  }

  it('walks /start → menu → a question → /lang en → /menu → buttons, like the web chat', async () => {
    const hello = await step({ text: '/start' });
    const menu = hello.sent.at(-1) as Sent;
    expect(readable(hello.sent[0]?.text ?? '')).toContain('Xin chào Anh/Chị');
    expect(menu.keyboard?.flat().map((b) => b.callback_data)).toEqual(['qa', 'learning', 'news', 'settings']);
    expect(menu.keyboard?.flat()[0]?.text).toBe('Hỏi về kế hoạch');
    // Short labels sit two to a row.
    expect(menu.keyboard?.map((row) => row.length)).toEqual([2, 2]);

    const question = await step({ text: 'Kế hoạch 162-KH/TU giao báo cáo kết quả trước ngày nào?' });
    expect(question.sent.length).toBeGreaterThan(0);

    const english = await step({ text: '/lang en' });
    expect(readable(english.sent.map((s) => s.text).join('\n'))).toContain('Switched to English');
    const menuAgain = await step({ text: '/menu' });
    expect(menuAgain.sent.at(-1)?.keyboard?.flat()[0]?.text).toBe('Ask about the plans');

    const answersBefore = emu.callbackAnswers.length;
    const settings = await step({ button: 'settings' });
    expect(readable(settings.sent.at(-1)?.text ?? '')).toContain('Settings');
    expect(settings.sent.at(-1)?.keyboard?.flat().map((b) => b.callback_data)).toEqual(['language', 'notifications', 'mydata', 'deletedata', 'back']);
    const answers = await emu.waitFor(() => emu.callbackAnswers.length > answersBefore && emu.callbackAnswers.slice(answersBefore));
    expect(answers).toHaveLength(1);
    expect(answers[0]?.text).toBeUndefined();

    await step({ button: 'language' });
    const back = await step({ button: 'vi' });
    expect(readable(back.sent.map((s) => s.text).join('\n'))).toContain('Đã chuyển sang tiếng Việt');
    // Every button press was answered, once each.
    expect(new Set(emu.callbackAnswers.map((a) => a.callback_query_id)).size).toBe(emu.callbackAnswers.length);
    expect(emu.callbackAnswers).toHaveLength(3);
    // Polling sends every message through the API; a webhook answers each of the four typed messages
    // with the last message of its reply (the presses' responses carry their answers).
    const inResponses = emu.calls.filter((c) => c.method === 'sendMessage' && c.via === 'webhook-response');
    expect(inResponses).toHaveLength(mode === 'webhook' ? 4 : 0);
  });
});
