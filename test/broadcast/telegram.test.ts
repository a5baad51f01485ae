import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROADCASTS } from '../../src/broadcast/capability.js';
import { campaignStats } from '../../src/outbound/deliver.js';
import { TelegramEmulator, type Sent, type TgUser } from '../support/telegram-emulator.js';
import { readable, startTelegramBot, type TelegramBot } from '../support/telegram-harness.js';

/**
 * A broadcast end to end over Telegram: the organiser's conversation and every recipient's message go
 * through telegraf to the Bot API emulator, at the configured rate, with a 429, a blocked person and
 * a "Dừng nhận tin" press on the way.
 */
describe('a broadcast over Telegram (Bot API emulator)', () => {
  const RATE = 20;
  let emu: TelegramEmulator;
  let bot: TelegramBot;
  const organiser: TgUser = TelegramEmulator.person(8801);
  const people = Array.from({ length: 30 }, (_, i) => TelegramEmulator.person(8811 + i));
  const [stopper, blocker, throttled] = [people[0] as TgUser, people[1] as TgUser, people[2] as TgUser];

  beforeAll(async () => {
    emu = await TelegramEmulator.start();
    bot = await startTelegramBot(emu, 'polling', { env: { TELEGRAM_RATE_PER_SECOND: String(RATE) } });
  });
  afterAll(async () => {
    await bot?.close();
    await emu?.close();
  });

  /** Does something as the organiser and waits for the question with the button `expect`. */
  async function step(act: () => Promise<unknown>, expectButton: string): Promise<Sent[]> {
    const before = emu.sentTo(organiser.id).length;
    await act();
    return emu.waitFor(() => {
      const sent = emu.sentTo(organiser.id).slice(before);
      return sent.some((s) => s.keyboard?.flat().some((b) => b.callback_data === expectButton)) && sent;
    });
  }

  const message = '📣 Thông báo từ Ban tổ chức Tuần lễ học tập suốt đời (Tỉnh Sơn La):\nTối thứ Bảy: đọc sách cùng con tại Nhà văn hóa phường Chiềng Sinh.';

  it('reaches every follower once at the channel rate, through a 429 and a block, and reports to the organiser', async () => {
    for (const p of [organiser, ...people]) await emu.sendText(p, '/start');
    await emu.waitFor(() => [organiser, ...people].every((p) => emu.sentTo(p.id).length > 0));
    for (const p of people) await bot.app.users.setArea(`telegram:${p.id}`, 'son-la.chieng-sinh');
    await bot.app.roles.grant(`telegram:${organiser.id}`, { role: 'organiser', area: 'son-la', grantedAt: Date.now() });
    const calls: { to: string; at: number }[] = [];
    const telegram = bot.app.senders.get('telegram');
    if (!telegram) throw new Error('no Telegram sender');
    const send = telegram.send.bind(telegram);
    bot.app.senders.set('telegram', { channel: 'telegram', send: (to, replies, opts) => (calls.push({ to, at: performance.now() }), send(to, replies, opts)) });
    emu.block(blocker.id);
    emu.tooManyRequests('sendMessage', 1, { chatId: throttled.id });

    await step(() => emu.sendText(organiser, '/broadcast'), 'new');
    await step(() => emu.press(organiser, 'new'), 'whole');
    await step(() => emu.press(organiser, 'whole'), 'everyone');
    await step(() => emu.press(organiser, 'everyone'), 'any');
    const count = await step(() => emu.press(organiser, 'any'), 'telegram');
    expect(count.length).toBeGreaterThan(0);
    const templates = await step(() => emu.press(organiser, 'telegram'), 'template:llw_opening');
    expect(readable(templates.map((s) => s.text).join('\n'))).toContain('Sẽ gửi tới 30 người (Telegram: 30) ở Tỉnh Sơn La');
    await step(() => emu.sendText(organiser, 'Tối thứ Bảy: đọc sách cùng con tại Nhà văn hóa phường Chiềng Sinh.'), 'skip');
    const preview = await step(() => emu.press(organiser, 'skip'), 'later');
    const shown = preview.find((s) => readable(s.text).includes('Tối thứ Bảy')) as Sent;
    expect(readable(shown.text)).toContain(`${message}\n\n[Dừng nhận tin]\n\nTrên đây là bản xem trước`);
    // The organiser gets no button that would stop their own messages.
    expect(preview.flatMap((s) => s.keyboard?.flat() ?? []).map((b) => b.callback_data)).not.toContain('/stop');
    await step(() => emu.press(organiser, 'now'), 'yes');
    const before = emu.calls.length;
    await step(() => emu.press(organiser, 'yes'), 'qa');

    // Everyone but the blocked person gets one copy, with the "Dừng nhận tin" button.
    const reached = people.filter((p) => p !== blocker);
    const copiesTo = (p: TgUser) => emu.sentTo(p.id).filter((s) => readable(s.text).includes('Tối thứ Bảy'));
    await emu.waitFor(() => reached.every((p) => copiesTo(p).length > 0), 20_000, 'the broadcast to reach everyone');
    await bot.app.need(BROADCASTS).tick();
    await bot.app.outbound.idle?.();
    for (const p of reached) {
      const copies = copiesTo(p);
      expect(copies, `copies to ${p.id}`).toHaveLength(1);
      expect(readable(copies[0]?.text ?? '')).toBe(message);
      expect(copies[0]?.keyboard?.flat()).toEqual([{ text: 'Dừng nhận tin', callback_data: '/stop' }]);
    }
    // Never more than the configured rate in any second, as the bot made the calls (the emulator's own
    // clock also counts the HTTP hop, whose jitter on a loaded test machine is not the bot's doing).
    const times = calls.filter((c) => c.to !== String(organiser.id)).map((c) => c.at);
    const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
    expect(busiest).toBeLessThanOrEqual(RATE);
    // And at a good share of it, so the cap is what paces the run (a loaded machine may fall short of the full rate).
    expect(busiest).toBeGreaterThanOrEqual(RATE / 2);
    const sends = emu.calls.slice(before).filter((c) => c.method === 'sendMessage');
    expect(sends.filter((c) => String(c.params.chat_id) === String(throttled.id)).map((c) => c.status)).toEqual([429, 200]);

    const [id] = (await bot.app.need(BROADCASTS).store.list()).map((c) => c.id);
    await bot.app.need(BROADCASTS).tick();
    const report = await emu.waitFor(() => emu.sentTo(organiser.id).find((s) => readable(s.text).includes('đã gửi xong')), 10_000, 'the report');
    expect(readable(report.text)).toContain('• Đã gửi: 29');
    expect(readable(report.text)).toContain('• Đã chặn hoặc bỏ theo dõi: 1');
    expect(await campaignStats(bot.app, id as string)).toEqual({ queued: 30, sent: 29, blocked: 1 });
    expect((await bot.app.users.get(`telegram:${blocker.id}`))?.inactive).toMatch(/blocked/);

    // The button under the broadcast stops further messages at once.
    const sentBefore = emu.sentTo(stopper.id).length;
    await emu.press(stopper, '/stop');
    const [ack] = await emu.messagesTo(stopper.id, 1, sentBefore);
    expect(readable(ack?.text ?? '')).toContain('Đã dừng gửi tin');
    expect((await bot.app.users.get(`telegram:${stopper.id}`))?.optOut).toBeDefined();
  });
});
