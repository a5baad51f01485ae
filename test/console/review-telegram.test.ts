import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInBrowser } from '../support/console.js';
import { learningContext, seedFile } from '../support/learning.js';
import { TelegramEmulator } from '../support/telegram-emulator.js';
import { readable, startTelegramBot, type TelegramBot } from '../support/telegram-harness.js';

/** A Telegram citizen's evidence photo, fetched from Telegram through the desk's checked link; the decision goes back to their chat. */
describe('the review desk with a Telegram citizen', () => {
  let emu: TelegramEmulator;
  let bot: TelegramBot;
  const citizen = TelegramEmulator.person(7401, 'vi');
  const officer = 'telegram:7411';
  const stranger = 'telegram:7412';
  const photo = readFileSync(join(import.meta.dirname, '../fixtures/certificate.png'));

  beforeAll(async () => {
    emu = await TelegramEmulator.start();
    bot = await startTelegramBot(emu, 'polling');
    const grantedAt = Date.now();
    await bot.app.roles.grant(officer, { role: 'officer', area: 'son-la.chieng-an', unit: 'hoi_khuyen_hoc_xa', grantedAt });
    await bot.app.roles.grant(stranger, { role: 'officer', area: 'son-la.to-hieu', unit: 'hoi_khuyen_hoc_xa', grantedAt });
    emu.hostFile('AgACAgIAAxkBAAIBphoto', photo);
  });
  afterAll(async () => {
    await bot?.close();
    await emu?.close();
  });

  it('shows the photo from Telegram only to the commune’s officer, and tells the citizen on Telegram when approved', async () => {
    const ctx = learningContext(bot.app);
    const fileId = await seedFile(ctx, `telegram:${citizen.id}`, {
      name: 'Lường Văn Thắng',
      area: 'son-la.chieng-an',
      status: 'submitted',
      evidence: { type: 'file', kind: 'photo', fileId: 'AgACAgIAAxkBAAIBphoto', channel: 'telegram', caption: 'Giấy chứng nhận' },
    });
    const activity = (await ctx.store.activities(`telegram:${citizen.id}`, 2026))[0]?.id;
    const desk = await signedInBrowser(bot.app, officer);
    const page = await desk.get(`/admin/review/${fileId}`);
    expect(page.body).toContain(`<img src="/admin/review/${fileId}/evidence/${activity}"`);
    const image = await bot.app.http.inject({ url: `/admin/review/${fileId}/evidence/${activity}`, cookies: Object.fromEntries(desk.cookies) });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(image.rawPayload, photo)).toBe(0);

    // Another commune's officer: nothing is fetched for them.
    const other = await signedInBrowser(bot.app, stranger);
    const refused = await other.get(`/admin/review/${fileId}/evidence/${activity}`);
    expect(refused.status).toBe(404);
    expect(refused.body).not.toContain('PNG');

    const before = emu.sentTo(citizen.id).length;
    const done = await desk.post(`/admin/review/${fileId}/approve`, {}, `/admin/review/${fileId}`);
    expect(done.status).toBe(303);
    const [told] = await emu.messagesTo(citizen.id, 1, before);
    expect(readable(told?.text ?? '')).toContain('công nhận');
  });
});
