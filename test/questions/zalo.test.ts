import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../support/clock.js';
import { textOf } from '../support/app.js';
import { startZaloBot, type ZaloBot } from '../support/zalo-app.js';
import { startFakeZalo, type FakeZalo } from '../support/zalo-fake.js';
import { takeWebMessages } from '../support/web.js';

/**
 * On a Zalo Official Account (the local HTTP fake of the OA API, the signed webhook): an answer reaches the
 * person as a message inside Zalo's 7-day window; outside it nothing is sent, and it comes with the reply
 * to their next message.
 */
describe('an officer\'s answer to someone on Zalo', () => {
  let fake: FakeZalo;
  let bot: ZaloBot;
  const clock = new FakeClock(new Date());
  const officer = 'web:qz-officer';
  const citizen = '7200000000000000001';

  beforeAll(async () => {
    fake = await startFakeZalo();
    bot = await startZaloBot(fake, { clock });
    await bot.t.app.roles.grant(officer, { role: 'officer', area: 'son-la.chieng-an', grantedAt: clock.now().getTime() });
    await bot.t.send(officer, '/start');
  });
  afterAll(async () => {
    await bot?.close();
    await fake?.close();
  });

  async function askAndAnswer(question: string, answer: string): Promise<void> {
    const before = fake.textsTo(citizen).length;
    await bot.driver.text(citizen, question);
    const texts = await fake.textsFor(citizen, before + 1);
    expect(texts.slice(before).join('\n')).toContain('Gửi câu hỏi cho cán bộ xã/phường');
    await bot.driver.text(citizen, '1');
    expect((await fake.textsFor(citizen, before + 2)).slice(before + 1).join('\n')).toContain('Đã gửi câu hỏi tới cán bộ');
    await bot.t.app.outbound.idle?.();
    await takeWebMessages(bot.t.app, officer);
    const list = await bot.t.send(officer, '/questions');
    const pick = list.flatMap((r) => r.choices ?? []).find((c) => c.label.includes(question.slice(0, 20)));
    await bot.t.send(officer, { choice: pick?.value as string });
    await bot.t.send(officer, answer);
    expect(textOf(await bot.t.send(officer, { choice: 'no_note' }))).toContain('Đã gửi câu trả lời tới 1 người');
    await bot.t.app.outbound.idle?.();
  }

  it('sends the answer at once within 7 days of their last message', async () => {
    await bot.driver.text(citizen, '/start');
    await fake.textsFor(citizen, 1);
    await bot.t.app.users.setArea(`zalo:${citizen}`, 'son-la.chieng-an');
    await askAndAnswer('Nhà văn hóa tổ 8 có cho mượn loa đài để tập văn nghệ không?', 'Có, liên hệ tổ trưởng tổ 8 trước một ngày.');
    const texts = await fake.textsFor(citizen, 4);
    expect(texts.at(-1)).toContain('Có, liên hệ tổ trưởng tổ 8 trước một ngày.');
  });

  it('sends nothing after 7 days of silence, and gives the answer with the reply to their next message', async () => {
    await askAndAnswer('Sân bóng đá mini của phường có cho học sinh thuê giá rẻ không?', 'Học sinh được giảm nửa giá vào buổi chiều.');
    const sent = fake.textsTo(citizen).length;
    expect(fake.textsTo(citizen).at(-1)).toContain('Học sinh được giảm nửa giá');
    // A third question, answered after eight days without a word from them.
    await bot.driver.text(citizen, 'Phường có tổ chức lớp bơi cho trẻ em vào mùa hè không?');
    await bot.driver.text(citizen, '1');
    await fake.textsFor(citizen, sent + 2);
    clock.advance(8 * 86_400_000);
    const calls = fake.calls.length;
    const list = await bot.t.send(officer, '/questions');
    const pick = list.flatMap((r) => r.choices ?? []).find((c) => c.label.includes('lớp bơi'));
    await bot.t.send(officer, { choice: pick?.value as string });
    await bot.t.send(officer, 'Có, lớp bơi mở từ 1/6 tại hồ bơi trường tiểu học.');
    await bot.t.send(officer, { choice: 'no_note' });
    await bot.t.app.outbound.idle?.();
    expect(fake.calls.slice(calls).filter((c) => c.path.includes('/message'))).toEqual([]);

    await bot.driver.text(citizen, 'xin chào');
    const reply = (await fake.textsFor(citizen, sent + 3)).slice(sent + 2).join('\n');
    expect(reply).toContain('Có, lớp bơi mở từ 1/6');
    expect(reply.indexOf('lớp bơi mở')).toBeLessThan(reply.indexOf('Xin chào'));
  });
});
