import { describe, expect, it } from 'vitest';
import { createTestApp } from '../support/app.js';
import { TelegramEmulator } from '../support/telegram-emulator.js';
import { readable, startTelegramBot } from '../support/telegram-harness.js';

describe('the Telegram channel starting up', () => {
  it('keeps trying while the Bot API fails, then serves', async () => {
    const emu = await TelegramEmulator.start();
    emu.failNext('getMe', { code: 502, description: 'Bad Gateway' }, { times: 2 });
    emu.tooManyRequests('deleteWebhook', 1);
    const bot = await startTelegramBot(emu, 'polling');
    try {
      expect(emu.calls.filter((c) => c.method === 'getMe').map((c) => c.status)).toEqual([502, 502, 200]);
      expect(emu.calls.filter((c) => c.method === 'deleteWebhook').map((c) => c.status)).toEqual([429, 200, 200]);
      const p = TelegramEmulator.person(4001);
      await emu.sendText(p, '/help');
      expect(readable((await emu.messagesTo(p.id, 1))[0]!.text)).toContain('/menu');
    } finally {
      await bot.close();
      await emu.close();
    }
  });

  it('polls again after Telegram ends long polling (409 while another instance polls, or a 400), and serves', async () => {
    const emu = await TelegramEmulator.start();
    const bot = await startTelegramBot(emu, 'polling');
    try {
      emu.failNext('getUpdates', { code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' });
      emu.failNext('getUpdates', { code: 400, description: 'Bad Request: something unexpected' });
      const p = TelegramEmulator.person(4004);
      // Wakes the long poll that is waiting, so the next getUpdates meets the failures.
      await emu.sendText(p, '/help');
      expect(readable((await emu.messagesTo(p.id, 1, 0, 15_000))[0]!.text)).toContain('/menu');
      await emu.sendText(p, '/help');
      await emu.messagesTo(p.id, 1, 1);
    } finally {
      await bot.close();
      await emu.close();
    }
  });

  it('serves without a command menu when Telegram refuses it', async () => {
    const emu = await TelegramEmulator.start();
    emu.failNext('setMyCommands', { code: 400, description: 'Bad Request: BOT_COMMAND_INVALID' });
    const bot = await startTelegramBot(emu, 'polling');
    try {
      const p = TelegramEmulator.person(4002);
      await emu.sendText(p, '/help');
      expect(readable((await emu.messagesTo(p.id, 1))[0]!.text)).toContain('/menu');
    } finally {
      await bot.close();
      await emu.close();
    }
  });

  it('serves at once while the command menu keeps failing (a Bot API answering 500 to setMyCommands)', async () => {
    const emu = await TelegramEmulator.start();
    emu.failNext('setMyCommands', { code: 500, description: 'Internal Server Error' }, { times: 1_000 });
    const bot = await startTelegramBot(emu, 'polling');
    try {
      const p = TelegramEmulator.person(4005);
      await emu.sendText(p, '/help');
      expect(readable((await emu.messagesTo(p.id, 1))[0]!.text)).toContain('/menu');
      expect(emu.calls.filter((c) => c.method === 'setMyCommands').every((c) => c.status === 500)).toBe(true);
    } finally {
      await bot.close();
      await emu.close();
    }
  });

  it('serves in memory, without Redis, with duplicates still dropped', async () => {
    const emu = await TelegramEmulator.start();
    const bot = await startTelegramBot(emu, 'webhook', { store: 'memory' });
    try {
      const p = TelegramEmulator.person(4003);
      const u = emu.textUpdate(p, '/help');
      expect(await emu.deliver(u, u)).toEqual([200, 200]);
      expect(emu.sentTo(p.id)).toHaveLength(1);
      await emu.press(p, 'settings');
      expect(readable(emu.sentTo(p.id).at(-1)?.text ?? '')).toContain('Cài đặt');
    } finally {
      await bot.close();
      await emu.close();
    }
  });

  it('turns the channel off on a refused token, and the rest of the bot carries on', async () => {
    const emu = await TelegramEmulator.start();
    const t = await createTestApp({ env: { TELEGRAM_BOT_TOKEN: '999:not-the-right-one', TELEGRAM_API_ROOT: emu.apiRoot } });
    try {
      await t.app.start();
      await emu.waitFor(() => emu.unauthorized > 0);
      await new Promise((r) => setTimeout(r, 1500));
      // Asked once, not again and again, and no polling.
      expect(emu.unauthorized).toBe(1);
      expect(emu.getUpdatesCalls).toBe(0);
      expect((await t.send('web:still-here', '/help')).length).toBeGreaterThan(0);
    } finally {
      await t.close();
      await emu.close();
    }
  });
});
