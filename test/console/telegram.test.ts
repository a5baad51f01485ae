import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleBrowser, csrfOf } from '../support/console.js';
import { TelegramEmulator } from '../support/telegram-emulator.js';
import { readable, startTelegramBot, type TelegramBot } from '../support/telegram-harness.js';

/** An officer on Telegram asks for the console; the bot's public address is https, as in production. */
describe('the console link on Telegram', () => {
  let emu: TelegramEmulator;
  let bot: TelegramBot;
  const officer = TelegramEmulator.person(7301, 'vi');
  const citizen = TelegramEmulator.person(7302, 'vi');

  beforeAll(async () => {
    emu = await TelegramEmulator.start();
    bot = await startTelegramBot(emu, 'polling', { env: { CONSOLE_BASE_URL: 'https://quanly.example.vn/' } });
    await bot.app.roles.grant(`telegram:${officer.id}`, { role: 'officer', area: 'son-la.chieng-an', unit: 'commune_committee', grantedAt: Date.now() });
  });
  afterAll(async () => {
    await bot?.close();
    await emu?.close();
  });

  it('sends an officer a link button to the public address; the session cookie is Secure there', async () => {
    const before = emu.sentTo(officer.id).length;
    await emu.sendText(officer, '/web');
    const [sent] = await emu.messagesTo(officer.id, 1, before);
    expect(readable(sent?.text ?? '')).toContain('dùng được một lần trong 10 phút');
    const button = sent?.keyboard?.flat().find((b) => b.url);
    expect(button?.text).toBe('Mở trang quản lý');
    expect(button?.url).toMatch(/^https:\/\/quanly\.example\.vn\/admin\/login\/[A-Za-z0-9_-]{43}$/);

    const browser = new ConsoleBrowser(bot.app);
    const path = new URL(button?.url as string).pathname;
    const page = await browser.get(path);
    expect([page.headers['set-cookie']].flat().map(String).find((c) => c.startsWith('xhht_console_csrf='))).toMatch(/; Secure/);
    const res = await browser.post(path, { _csrf: csrfOf(page.body) });
    expect(res.status).toBe(303);
    expect([res.headers['set-cookie']].flat().map(String).find((c) => c.startsWith('xhht_console='))).toMatch(/; Secure/);
    expect((await browser.get('/admin')).body).toContain('Phường Chiềng An');
  });

  it('tells a citizen politely that the console is not for them, with no link', async () => {
    const before = emu.sentTo(citizen.id).length;
    await emu.sendText(citizen, '/web');
    const [sent] = await emu.messagesTo(citizen.id, 1, before);
    expect(readable(sent?.text ?? '')).toContain('chỉ dành cho cán bộ');
    expect(sent?.keyboard?.flat().some((b) => b.url) ?? false).toBe(false);
    expect(sent?.text).not.toContain('/admin/login/');
  });
});
