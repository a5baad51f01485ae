import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramEmulator, type Sent, type TgUser } from '../support/telegram-emulator.js';
import { readable, startTelegramBot, type TelegramBot } from '../support/telegram-harness.js';

/**
 * Over Telegram (telegraf against the Bot API emulator): a citizen's declined question reaches the ward's
 * officer as a notice, the officer answers it with /questions, and the answer arrives in the citizen's chat.
 */
describe('a question handed to the ward\'s officer, over Telegram', () => {
  let emu: TelegramEmulator;
  let bot: TelegramBot;
  const citizen: TgUser = TelegramEmulator.person(8901);
  const officer: TgUser = TelegramEmulator.person(8902);
  const elsewhere: TgUser = TelegramEmulator.person(8903);

  beforeAll(async () => {
    emu = await TelegramEmulator.start();
    bot = await startTelegramBot(emu, 'polling');
    const grantedAt = Date.now();
    await bot.app.roles.grant(`telegram:${officer.id}`, { role: 'officer', area: 'son-la.chieng-an', unit: 'ubnd_xa', grantedAt });
    await bot.app.roles.grant(`telegram:${elsewhere.id}`, { role: 'officer', area: 'son-la.to-hieu', grantedAt });
  });
  afterAll(async () => {
    await bot?.close();
    await emu?.close();
  });

  /** Does something as `who` and waits for a message that says `expectText`. */
  async function step(who: TgUser, act: () => Promise<unknown>, expectText: string): Promise<Sent[]> {
    const before = emu.sentTo(who.id).length;
    await act();
    return emu.waitFor(() => {
      const sent = emu.sentTo(who.id).slice(before);
      return sent.some((s) => readable(s.text).includes(expectText)) && sent;
    }, 10_000, expectText);
  }
  const buttons = (sent: Sent[]) => sent.flatMap((s) => s.keyboard?.flat() ?? []);

  it('reaches the officer, who answers in the chat; the answer arrives in the citizen\'s chat', async () => {
    for (const p of [citizen, officer, elsewhere]) await step(p, () => emu.sendText(p, '/start'), 'Xin chào');
    const declined = await step(citizen, () => emu.sendText(citizen, 'Sân cầu lông ở nhà văn hóa tổ 4 có cho thuê buổi sáng không?'), 'gửi câu hỏi này cho cán bộ');
    expect(buttons(declined).map((b) => b.text)).toContain('Gửi câu hỏi cho cán bộ xã/phường');
    await step(citizen, () => emu.press(citizen, 'send'), 'xã, phường nào');
    const matches = await step(citizen, () => emu.sendText(citizen, 'p chieng an'), 'nơi nào dưới đây');
    expect(buttons(matches).map((b) => b.text)).toContain('Phường Chiềng An, Tỉnh Sơn La');
    const officerBefore = emu.sentTo(officer.id).length;
    const elsewhereBefore = emu.sentTo(elsewhere.id).length;
    await step(citizen, () => emu.press(citizen, 'son-la.chieng-an'), 'Đã gửi câu hỏi tới cán bộ');

    const [notice] = await emu.messagesTo(officer.id, 1, officerBefore);
    expect(readable(notice?.text ?? '')).toContain('Có câu hỏi mới của người dân ở phường Chiềng An');
    expect(notice?.keyboard?.flat().map((b) => b.text)).toEqual(['Xem câu hỏi']);
    await bot.app.outbound.idle?.();
    expect(emu.sentTo(elsewhere.id).length).toBe(elsewhereBefore);

    const list = await step(officer, () => emu.press(officer, '/questions'), 'Có 1 câu hỏi');
    const group = buttons(list).find((b) => b.text.includes('cầu lông'));
    await step(officer, () => emu.press(officer, group?.callback_data as string), 'Sân cầu lông ở nhà văn hóa tổ 4');
    await step(officer, () => emu.sendText(officer, 'Có, từ 6 giờ đến 9 giờ sáng, liên hệ tổ trưởng tổ 4.'), 'làm ghi chú');
    const citizenBefore = emu.sentTo(citizen.id).length;
    await step(officer, () => emu.press(officer, 'no_note'), 'Đã gửi câu trả lời tới 1 người');

    const [answer] = await emu.messagesTo(citizen.id, 1, citizenBefore);
    const text = readable(answer?.text ?? '');
    expect(text).toContain('Trả lời của Ủy ban nhân dân phường Chiềng An');
    expect(text).toContain('Sân cầu lông ở nhà văn hóa tổ 4');
    expect(text).toContain('từ 6 giờ đến 9 giờ sáng');

    // The other ward's officer finds nothing to answer.
    await step(elsewhere, () => emu.sendText(elsewhere, '/questions'), 'Hiện không có câu hỏi nào');
  });
});
