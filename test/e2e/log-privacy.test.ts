import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedLog } from '../support/log.js';
import { TelegramEmulator } from '../support/telegram-emulator.js';
import { readable, startTelegramBot, type TelegramBot } from '../support/telegram-harness.js';

/**
 * The operator's log of a real conversation: registration over Telegram (name, birth year, phone), then
 * replies that Telegram refuses with a 502 (an error carrying the reply's payload) and a Redis error
 * (carrying its command's arguments). The log may say that something failed for someone, never who or what they wrote.
 */
describe('the log holds no personal data', () => {
  const captured = capturedLog('debug');
  let emu: TelegramEmulator;
  let bot: TelegramBot;
  const person = TelegramEmulator.person(8123456, 'vi');
  const secrets = ['Phạm Thị Riêng', 'Riêng', '0912777888', '0912 777 888', '1979', '8123456'];

  beforeAll(async () => {
    emu = await TelegramEmulator.start();
    bot = await startTelegramBot(emu, 'polling', { log: captured.log });
  });
  afterAll(async () => {
    await bot?.close();
    await emu?.close();
  });

  async function step(input: { text: string } | { button: string }, expected: string): Promise<string> {
    const before = emu.sentTo(person.id).length;
    if ('text' in input) await emu.sendText(person, input.text);
    else await emu.press(person, input.button);
    const got = await emu.waitFor(() => {
      // The texts and the button labels.
      const text = emu.sentTo(person.id).slice(before).flatMap((s) => [readable(s.text), ...(s.keyboard?.flat().map((b) => b.text) ?? [])]).join('\n');
      return text.includes(expected) && text;
    });
    return got;
  }

  it('logs registration and failed replies by a keyed hash of the person, without names, phones, texts or ids', async () => {
    await step({ text: '/menu' }, 'Hỏi về kế hoạch');
    await step({ button: 'learning' }, 'đồng ý');
    await step({ button: 'yes' }, 'Họ và tên');
    await step({ text: 'Phạm Thị Riêng' }, 'Năm sinh');
    await step({ text: '1979' }, 'tỉnh/thành');
    await step({ text: 'son la' }, 'Gõ tên xã/phường');
    await step({ text: 'to hieu' }, 'Tô Hiệu');
    await step({ button: 'son-la.to-hieu' }, 'nhóm');
    await step({ button: 'resident' }, 'Số điện thoại');
    await step({ text: '0912 777 888' }, 'Đã đăng ký');

    // Telegram refuses the answers to /mydata twice (not a 429 or a 403): the bot apologises each time.
    for (let i = 0; i < 2; i++) {
      emu.failNext('sendMessage', { code: 502, description: 'Bad Gateway' }, { chatId: person.id });
      expect(await step({ text: '/mydata' }, 'đã có lỗi xảy ra')).toBeTruthy();
    }
    // A Redis error about a key that names the person.
    const key = `${bot.prefix}u:{u:telegram:${person.id}}`;
    const redisError = await bot.app.redis.hincrby(key, 'pn', 1).catch((err: unknown) => err);
    bot.app.log.error({ err: redisError }, 'redis command failed');

    const log = captured.text();
    for (const secret of secrets) expect(log).not.toContain(secret);
    const failed = captured.lines().filter((l) => l.msg === 'Telegram update failed');
    expect(failed).toHaveLength(2);
    // The same person is the same opaque reference on every line, and the reason is still there.
    const refs = new Set(failed.map((l) => l.user));
    expect(refs.size).toBe(1);
    expect([...refs][0]).toMatch(/^p:[\w-]{16}$/);
    expect(JSON.stringify(failed[0])).toContain('Bad Gateway');
    expect(JSON.stringify(captured.lines().find((l) => l.msg === 'redis command failed'))).toContain('not an integer');
  });
});
