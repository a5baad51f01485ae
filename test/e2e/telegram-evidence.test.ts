import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, logActivity, register } from '../learning/helpers.js';
import { textOf } from '../support/app.js';
import { TelegramEmulator } from '../support/telegram-emulator.js';
import { startTelegramBot, type TelegramBot } from '../support/telegram-harness.js';

/** An officer on Telegram reviewing a file sees the photo the citizen sent as evidence, by its file id. */
describe('learning evidence shown to a reviewing officer on Telegram', () => {
  let emu: TelegramEmulator;
  let bot: TelegramBot;
  beforeAll(async () => {
    emu = await TelegramEmulator.start();
    bot = await startTelegramBot(emu, 'polling');
  });
  afterAll(async () => {
    await bot?.close();
    await emu?.close();
  });

  it('sends the evidence photo with sendPhoto, captioned with its activity, after the file', async () => {
    const citizen = as(bot, 'telegram:5001');
    await register(citizen);
    await logActivity(citizen, { title: 'Lớp kỹ năng số', indicators: '5 8', evidence: { attachment: { kind: 'photo', fileId: 'AgAC-evidence-1', mime: 'image/jpeg' } } });
    await citizen({ choice: 'back' });
    await logActivity(citizen, { title: 'Đọc sách', indicators: '1 2', evidence: 'https://example.vn/sach' });
    await citizen({ choice: 'back' });
    await citizen({ choice: 'score' });
    await citizen('9 8 9 8 9 8 9 8 9 8');
    await citizen({ choice: 'submit' });
    expect(textOf(await citizen({ choice: 'send' }))).toContain('Đã gửi hồ sơ');

    const officer = TelegramEmulator.person(7001);
    const { code } = await bot.app.invites.create({ role: 'officer', area: 'son-la.to-hieu', ttlMs: 86_400_000, createdBy: 'test' });
    await emu.sendText(officer, `/join ${code}`);
    await emu.waitFor(() => emu.sentTo(officer.id).some((m) => m.text.includes('Đã nhận vai trò')), 10_000, 'the role');
    const before = emu.sentTo(officer.id).length;
    await emu.sendText(officer, '/review');
    const queue = await emu.waitFor(() => emu.sentTo(officer.id).slice(before).find((m) => m.keyboard), 10_000, 'the review queue');
    const first = queue.keyboard?.flat()[0]?.callback_data as string;
    const opened = emu.sentTo(officer.id).length;
    await emu.press(officer, first);
    const photo = await emu.waitFor(() => emu.sentTo(officer.id).slice(opened).find((m) => m.method === 'sendPhoto'), 10_000, 'the evidence photo');
    expect(photo.media).toBe('AgAC-evidence-1');
    expect(photo.text).toBe('1. Lớp kỹ năng số');
    const texts = emu.sentTo(officer.id).slice(opened).map((m) => m.text).join('\n');
    expect(texts).toContain('Lớp kỹ năng số');
    expect(texts).toContain('https://example.vn/sach');
    // Only the photo goes as media: the link stays in the text.
    expect(emu.sentTo(officer.id).slice(opened).filter((m) => m.method === 'sendPhoto')).toHaveLength(1);
  });
});
