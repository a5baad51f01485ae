import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { freePort } from '../support/redis-server.js';
import { readable } from '../support/telegram-harness.js';

/** What the emulator's client reads of one message from the bot. */
interface BotMessage {
  text: string;
  buttons: { text: string; callback_data: string }[];
}

const TOKEN = '424242:telegram-test-api';

/**
 * The bot against telegram-test-api, a maintained Bot API emulator that is not ours: it answers 500 to
 * methods it does not know (setMyCommands) and sends button presses without message.message_id.
 * Long polling, a whole conversation, and a restart in the middle of it.
 */
describe('the bot against telegram-test-api (long polling)', () => {
  let server: TelegramServer;
  let client: ReturnType<TelegramServer['getClient']>;
  let bot: TestApp | undefined;

  const start = async (prefix?: string) =>
    createTestApp({ env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: server.config.apiURL, ...(prefix ? { REDIS_PREFIX: prefix } : {}) } }).then(async (t) => {
      await t.app.start();
      return t;
    });

  /** The bot's messages to the person until one satisfies `done` (the emulator's client polls). */
  async function readUntil(done: (m: BotMessage) => boolean, ms = 20_000): Promise<BotMessage[]> {
    const got: BotMessage[] = [];
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const batch = await client.getUpdates().catch(() => ({ result: [] }));
      for (const u of batch.result) {
        const markup = u.message.reply_markup as { inline_keyboard?: { text: string; callback_data: string }[][] } | undefined;
        got.push({ text: readable(String(u.message.text)), buttons: markup?.inline_keyboard?.flat() ?? [] });
      }
      if (got.some(done)) return got;
    }
    throw new Error(`no such message from the bot; got: ${JSON.stringify(got.map((m) => m.text))}`);
  }

  const say = async (text: string) => client.sendMessage(client.makeMessage(text));
  const press = async (messages: BotMessage[], label: string) => {
    const button = messages.flatMap((m) => m.buttons).find((b) => b.text === label);
    if (!button) throw new Error(`no button "${label}" in ${JSON.stringify(messages.map((m) => m.buttons.map((b) => b.text)))}`);
    await client.sendCallback(client.makeCallbackQuery(button.callback_data));
  };

  beforeAll(async () => {
    server = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 600 });
    await server.start();
    client = server.getClient(TOKEN, { userId: 5551, chatId: 5551, firstName: 'Lan', timeout: 2_000 });
  });
  afterAll(async () => {
    await bot?.close();
    await server.stop();
  });

  it('greets, shows the menu, answers a question and button presses, and carries on after a restart', async () => {
    bot = await start();
    // setMyCommands is unknown to this emulator (500): the bot serves all the same.
    await say('/start');
    const hello = await readUntil((m) => m.buttons.some((b) => b.text === 'Hỏi về kế hoạch'));
    expect(hello.map((m) => m.text).join('\n')).toContain('Xin chào Anh/Chị');
    expect(hello.flatMap((m) => m.buttons).map((b) => b.text)).toEqual(expect.arrayContaining(['Hỏi về kế hoạch', 'Cài đặt']));

    await say('Kế hoạch 162-KH/TU giao báo cáo kết quả trước ngày nào?');
    const answer = await readUntil((m) => /162-KH\/TU/.test(m.text));
    expect(answer.map((m) => m.text).join('\n')).toMatch(/Nguồn|Theo/);

    // A button press from this emulator carries no message_id: it is handled, not skipped.
    await say('/menu');
    const menu = await readUntil((m) => m.buttons.some((b) => b.text === 'Cài đặt'));
    await press(menu, 'Cài đặt');
    const settings = await readUntil((m) => m.buttons.some((b) => b.text === 'Ngôn ngữ'));
    await press(settings, 'Ngôn ngữ');
    const languages = await readUntil((m) => m.buttons.some((b) => b.text === 'English'));

    // A restart between the question and its answer: the conversation resumes where it was.
    const prefix = bot.prefix;
    await bot.app.stop();
    bot.app.redis.disconnect();
    bot = await start(prefix);
    await press(languages, 'English');
    expect((await readUntil((m) => m.text.includes('Switched to English'))).map((m) => m.text).join('\n')).toContain('Switched to English');
    await say('/menu');
    expect((await readUntil((m) => m.buttons.some((b) => b.text === 'Ask about the plans'))).length).toBeGreaterThan(0);
  });
});
