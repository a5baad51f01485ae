import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LearningContext } from '../../src/learning/context.js';
import { Criteria } from '../../src/learning/criteria.js';
import { decide, reviewQueue } from '../../src/learning/review.js';
import { learningStats } from '../../src/learning/stats.js';
import { LearningStore } from '../../src/learning/store.js';
import { OUTBOUND } from '../../src/outbound/capability.js';
import { createTestApp, textOf, type TestApp } from '../support/app.js';
import { FakeClock } from '../support/clock.js';
import { statusOf } from '../../src/outbound/deliver.js';
import { TelegramEmulator } from '../support/telegram-emulator.js';
import { startTelegramBot, type TelegramBot } from '../support/telegram-harness.js';
import { as, learningStore, logActivity, register, traces, type Send } from './helpers.js';

describe('learning citizen: data rights', () => {
  let t: TestApp;
  let ctx: LearningContext;
  const clock = new FakeClock('2026-11-20T03:00:00Z');

  beforeAll(async () => {
    t = await createTestApp({ clock });
    ctx = { app: t.app, store: new LearningStore(t.app.redis, t.prefix, clock, t.app.log, t.app.areas), criteria: Criteria.load(join(t.app.dirs.data, 'criteria.yaml'), t.app.areas) };
    const { code } = await t.app.invites.create({ role: 'officer', area: 'son-la', ttlMs: 86_400_000, createdBy: 'test' });
    await t.send('web:officer', '/menu');
    await t.send('web:officer', `/join ${code}`);
  });
  afterAll(() => t.close());

  /** Each person with their own phone number, so that a trace of one is not mistaken for another's. */
  const phoneOf = (user: string) => `0987654${user.slice(-3)}`;

  async function fullFile(user: string, name: string): Promise<Send> {
    const send = as(t, user);
    await register(send, { name, phone: phoneOf(user) });
    await logActivity(send, { title: `Lớp học của ${name}`, evidence: { text: `Ảnh của ${name}`, attachment: { kind: 'photo', fileId: `file-${name}` } } });
    await send({ choice: 'back' });
    await send({ choice: 'score' });
    await send('9 9 9 9 9 9 9 9 9 9');
    await send({ choice: 'submit' });
    await send({ choice: 'send' });
    return send;
  }

  it('shows everything stored under "Dữ liệu của tôi": consent, profile, file, submission, decision, activities', async () => {
    const send = await fullFile('telegram:901', 'Đinh Thị Xem');
    const id = (await learningStore(t).file('telegram:901', 2026))?.id as string;
    expect(await decide(ctx, 'web:officer', id, 'returned', 'Cần thêm minh chứng')).toMatchObject({ ok: true });
    const shown = textOf(await send('Dữ liệu của tôi'));
    for (const part of [
      'Đồng ý cho lưu dữ liệu Công dân học tập lúc 10:00 20/11/2026 (thông báo bản 2026-1)',
      'Thông tin đăng ký: Đinh Thị Xem, sinh 1985',
      'Điện thoại: 0987654901',
      'Hồ sơ năm 2026: được trả lại để bổ sung, ▓▓▓▓▓▓▓▓▓░ 90/100; điểm từng chỉ số 1:9 2:9',
      'Gửi duyệt lần gần nhất lúc 10:00 20/11/2026 (tổng 1 lần)',
      'Được Hội Khuyến học xã/phường trả lại ngày 20/11/2026: Cần thêm minh chứng',
      'Hoạt động: 15/03/2026 · Lớp học của Đinh Thị Xem',
      '📎 ảnh Ảnh của Đinh Thị Xem',
    ])
      expect(shown).toContain(part);
  });

  it('erases every trace after "Xóa dữ liệu": records, review queue, indexes, statistics, notices', async () => {
    const gone = await fullFile('telegram:902', 'Bùi Văn Xóa');
    const pending = await fullFile('telegram:903', 'Mai Thị Chờ');
    const id = (await learningStore(t).file('telegram:902', 2026))?.id as string;
    expect(await decide(ctx, 'web:officer', id, 'approved')).toMatchObject({ ok: true });
    const before = (await learningStats(ctx, 2026)).find((r) => r.area === 'son-la.to-hieu');
    expect(before).toMatchObject({ registered: 3, submitted: 3, recognised: 1 });
    const needles = (user: string, name: string) => [user, name, phoneOf(user), `file-${name}`, `Lớp học của ${name}`];
    expect((await traces(t, needles('telegram:902', 'Bùi Văn Xóa'))).length).toBeGreaterThan(5);

    // The notice about the decision has been tried (no Telegram here: it is undeliverable) before the erasure.
    for (let i = 0; i < 100 && (await statusOf(t.app, 'learning-decision', 'telegram:902')) === 'queued'; i++)
      await new Promise((r) => setTimeout(r, 20));
    const confirm = await gone('Xóa dữ liệu');
    expect(textOf(confirm)).toContain('có chắc muốn xóa');
    expect(textOf(await gone({ choice: 'yes' }))).toContain('Đã xóa toàn bộ dữ liệu');
    expect(await traces(t, needles('telegram:902', 'Bùi Văn Xóa'))).toEqual([]);
    expect((await learningStats(ctx, 2026)).find((r) => r.area === 'son-la.to-hieu')).toMatchObject({ registered: 2, submitted: 2, recognised: 0 });

    // A file waiting for review leaves the queue when its owner erases their data.
    const waiting = (await reviewQueue(ctx, 'web:officer')).length;
    await pending('/deletedata');
    await pending({ choice: 'yes' });
    expect(await reviewQueue(ctx, 'web:officer')).toHaveLength(waiting - 1);
    expect(await traces(t, needles('telegram:903', 'Mai Thị Chờ'))).toEqual([]);
    // They are a stranger now: the learning menu asks for consent again.
    await pending('/menu');
    expect(textOf(await pending({ choice: 'learning' }))).toContain('Anh/Chị có đồng ý không?');
  });

  it('erases a file still as registered (a line of the person\'s hash that names its review index itself) from every index', async () => {
    const send = as(t, 'telegram:905');
    await register(send, { name: 'Tạ Văn Mới', phone: phoneOf('telegram:905') });
    await logActivity(send, { title: 'Lớp học của Tạ Văn Mới', evidence: 'https://example.vn/moi.jpg' });
    const id = (await learningStore(t).file('telegram:905', 2026))?.id as string;
    expect(await t.app.redis.hget(`${t.prefix}u:{u:telegram:905}`, 'f:2026')).toMatch(new RegExp(`^${id} `));
    expect((await ctx.store.usersIn(2026, 'registered', ['son-la.to-hieu'])).map((e) => e.user)).toContain('telegram:905');
    await send('/deletedata');
    await send({ choice: 'yes' });
    expect(await traces(t, ['telegram:905', 'Tạ Văn Mới', phoneOf('telegram:905'), id])).toEqual([]);
    expect(await ctx.store.fileById(id)).toBeUndefined();
  });

  it('keeps the data when the person says no to erasing', async () => {
    const send = await fullFile('telegram:904', 'Lý Văn Giữ');
    await send('/deletedata');
    expect(textOf(await send({ choice: 'no' }))).toContain('vẫn được giữ nguyên');
    expect(await t.app.redis.hget(`${t.prefix}u:{u:telegram:904}`, 'pn')).toBe('Lý Văn Giữ');
  });
});

describe('learning citizen: erasing a returned file that went out through the queue and Telegram', () => {
  let emu: TelegramEmulator;
  let bot: TelegramBot;
  const clock = new FakeClock('2026-11-20T03:00:00Z');
  beforeAll(async () => {
    emu = await TelegramEmulator.start();
    bot = await startTelegramBot(emu, 'polling', { clock });
  });
  afterAll(async () => {
    await bot?.close();
    await emu?.close();
  });

  it('leaves no key or value naming the person: the notice with the reason, the officers’ marks, the queue’s events', async () => {
    const ctx: LearningContext = { app: bot.app, store: new LearningStore(bot.app.redis, bot.prefix, clock, bot.app.log, bot.app.areas), criteria: Criteria.load(join(bot.app.dirs.data, 'criteria.yaml'), bot.app.areas) };
    const queue = bot.app.need(OUTBOUND).durable();
    expect(queue).toBeDefined();
    const { code } = await bot.app.invites.create({ role: 'officer', area: 'son-la', ttlMs: 86_400_000, createdBy: 'test' });
    await bot.send('telegram:7301', '/menu');
    await bot.send('telegram:7301', `/join ${code}`);

    const citizen = 'telegram:7302';
    const send = as(bot, citizen);
    await register(send, { name: 'Hà Thị Trả', phone: '0987654302' });
    await logActivity(send, { title: 'Lớp học của Hà Thị Trả', evidence: { text: 'Ảnh lớp học', attachment: { kind: 'photo', fileId: 'file-ha-thi-tra' } } });
    await send({ choice: 'back' });
    await send({ choice: 'score' });
    await send('9 9 9 9 9 9 9 9 9 9');
    await send({ choice: 'submit' });
    await send({ choice: 'send' });
    const id = (await learningStore(bot).file(citizen, 2026))?.id as string;
    // The officer is told of the file, and the citizen of its return, with a reason naming her.
    expect(await decide(ctx, 'telegram:7301', id, 'returned', 'Chị Hà Thị Trả cần thêm minh chứng')).toMatchObject({ ok: true });
    await queue?.idle();
    expect(emu.sentTo(7302).map((m) => m.text).join('\n')).toContain('Chị Hà Thị Trả cần thêm minh chứng');
    expect(emu.sentTo(7301).map((m) => m.text).join('\n')).toContain('chờ duyệt');

    const needles = [citizen, '7302', 'Hà Thị Trả', '0987654302', 'file-ha-thi-tra', id];
    const before = await traces(bot, needles);
    for (const kind of ['out:payload:', ':lc-submitted:', ':events']) expect(before.some((line) => line.includes(kind))).toBe(true);

    await send('/deletedata');
    expect(textOf(await send({ choice: 'yes' }))).toContain('Đã xóa toàn bộ dữ liệu');
    expect(await traces(bot, needles)).toEqual([]);
  });
});
