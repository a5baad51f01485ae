import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/core/message.js';
import { choiceValues, createTestApp, keysMatching, textOf, type TestApp } from '../support/app.js';
import { FakeClock } from '../support/clock.js';
import { takeWebMessages } from '../support/web.js';

/** A question about the commune that no plan answers. */
const QUESTION = 'Lớp tin học miễn phí cho người cao tuổi ở phường mở vào thứ mấy?';
const ANSWER = 'Lớp tin học cho người cao tuổi học tối thứ Ba và thứ Năm tại nhà văn hóa tổ 3.';

/**
 * A citizen's declined question goes to their ward's officer, who answers in the chat; the answer comes
 * back to the citizen; kept as a note, it answers the next person; /mydata and /deletedata cover it.
 */
describe('questions the bot could not answer, in the chat', () => {
  let t: TestApp;
  const clock = new FakeClock(new Date());
  const officer = 'web:q-officer';
  const elsewhere = 'web:q-officer-to-hieu';
  const settle = () => t.app.outbound.idle?.();

  beforeAll(async () => {
    t = await createTestApp({ clock });
    await t.app.start();
    const grantedAt = clock.now().getTime();
    await t.app.roles.grant(officer, { role: 'officer', area: 'son-la.chieng-an', unit: 'ubnd_xa', grantedAt });
    await t.app.roles.grant(elsewhere, { role: 'officer', area: 'son-la.to-hieu', grantedAt });
    for (const u of [officer, elsewhere]) await t.send(u, '/start');
  });
  afterAll(async () => {
    await t?.close();
  });

  async function declined(user: string, text = QUESTION): Promise<Reply[]> {
    const replies = await t.send(user, text);
    expect(textOf(replies)).toContain('chưa tìm thấy nội dung phù hợp');
    expect(choiceValues(replies)).toEqual(['send', 'another', 'menu']);
    return replies;
  }

  /** Someone of `area` whose question the bot declines sends it to the officers; the replies to sending it. */
  async function sentQuestion(user: string, area: string, text = QUESTION): Promise<Reply[]> {
    await t.send(user, '/start');
    await t.app.users.setArea(user, area);
    await declined(user, text);
    return t.send(user, { choice: 'send' });
  }

  it('sends a declined question to the ward\'s officer, asking for the ward first, and brings the answer back', async () => {
    const lan = 'web:q-lan';
    await t.send(lan, '/start');
    await declined(lan);
    expect(textOf(await t.send(lan, { choice: 'send' }))).toContain('xã, phường nào');
    const found = await t.send(lan, 'chieng an');
    expect(choiceValues(found)).toContain('son-la.chieng-an');
    expect(textOf(await t.send(lan, { choice: 'son-la.chieng-an' }))).toContain('Đã gửi câu hỏi tới cán bộ');
    expect((await t.app.users.get(lan))?.area).toBe('son-la.chieng-an');
    await settle();

    const notice = await takeWebMessages(t.app, officer);
    expect(textOf(notice)).toContain('Có câu hỏi mới của người dân ở phường Chiềng An');
    // The notice names the ward, not the person or what they asked.
    expect(textOf(notice)).not.toContain('tin học');
    expect(choiceValues(notice)).toEqual(['/questions']);
    // The officer of another ward hears nothing and sees nothing.
    expect(await takeWebMessages(t.app, elsewhere)).toEqual([]);
    expect(textOf(await t.send(elsewhere, '/questions'))).toContain('Hiện không có câu hỏi nào');

    const list = await t.send(officer, '/questions');
    expect(textOf(list)).toContain('Có 1 câu hỏi');
    const [pick] = choiceValues(list);
    expect(textOf(await t.send(officer, { choice: pick as string }))).toContain(`“${QUESTION}”`);
    expect(textOf(await t.send(officer, ANSWER))).toContain('lưu câu trả lời này làm ghi chú');
    expect(textOf(await t.send(officer, { choice: 'keep_note' }))).toContain('Đã gửi câu trả lời tới 1 người');
    await settle();

    const answer = textOf(await takeWebMessages(t.app, lan));
    expect(answer).toContain('Trả lời của Ủy ban nhân dân phường Chiềng An');
    expect(answer).toContain(QUESTION);
    expect(answer).toContain(ANSWER);
    expect(textOf(await t.send(officer, '/questions'))).toContain('Hiện không có câu hỏi nào');
  });

  it('answers the next person from the note, worded differently and without marks, citing the unit and the date', async () => {
    const next = 'web:q-binh';
    await t.send(next, '/start');
    await t.app.users.setArea(next, 'son-la.chieng-an');
    const replies = await t.send(next, 'lop tin hoc mien phi cho nguoi cao tuoi o phuong mo thu may vay');
    expect(textOf(replies)).toContain(ANSWER);
    expect(textOf(replies)).toMatch(/Trả lời của Ủy ban nhân dân phường Chiềng An, \d\d\/\d\d\/\d{4}/);
    expect(textOf(replies)).not.toContain('chưa tìm thấy');
    // Someone of another ward is not answered from a note about this one.
    const other = 'web:q-chi';
    await t.send(other, '/start');
    await t.app.users.setArea(other, 'son-la.to-hieu');
    await declined(other, 'lop tin hoc mien phi cho nguoi cao tuoi o phuong mo thu may vay');
  });

  it('groups the same question from several people and answers them all at once', async () => {
    const people = ['web:q-g1', 'web:q-g2', 'web:q-g3'];
    const wordings = ['Nhà văn hóa tổ 5 có mở lớp tiếng Anh cho trẻ em không?', 'nha van hoa to 5 co mo lop tieng anh cho tre em ko', 'Đề nghị hỏi về chi phí sửa mái nhà văn hóa tổ 5'];
    for (const [i, p] of people.entries()) {
      expect(textOf(await sentQuestion(p, 'son-la.chieng-an', wordings[i]))).toContain('Đã gửi câu hỏi');
    }
    await settle();
    await takeWebMessages(t.app, officer);
    const list = await t.send(officer, '/questions');
    expect(textOf(list)).toContain('Có 3 câu hỏi của người dân đang chờ trả lời (2 nội dung)');
    const labels = list.flatMap((r) => r.choices ?? []);
    const english = labels.find((c) => c.label.startsWith('2 người'));
    expect(english?.label).toContain('tiếng Anh');
    await t.send(officer, { choice: english?.value as string });
    await t.send(officer, 'Có, lớp học vào sáng Chủ nhật.');
    expect(textOf(await t.send(officer, { choice: 'no_note' }))).toContain('tới 2 người');
    await settle();
    expect(textOf(await takeWebMessages(t.app, 'web:q-g1'))).toContain('sáng Chủ nhật');
    expect(textOf(await takeWebMessages(t.app, 'web:q-g2'))).toContain('sáng Chủ nhật');
    expect(await takeWebMessages(t.app, 'web:q-g3')).toEqual([]);
    expect(textOf(await t.send(officer, '/questions'))).toContain('Có 1 câu hỏi');
  });

  it('keeps an answer for a Zalo person outside the 7-day window and gives it with their next message', async () => {
    const zalo = 'zalo:5550001';
    await sentQuestion(zalo, 'son-la.chieng-an', 'Sân bóng chuyền của phường có cho người dân thuê buổi tối không?');
    // Eight days without a message from them.
    clock.advance(8 * 86_400_000);
    const list = await t.send(officer, '/questions');
    const pick = list.flatMap((r) => r.choices ?? []).find((c) => c.label.includes('bóng chuyền'));
    await t.send(officer, { choice: pick?.value as string });
    await t.send(officer, 'Có, từ 18 giờ đến 21 giờ, đăng ký tại nhà văn hóa.');
    await t.send(officer, { choice: 'no_note' });
    await settle();
    // Nothing went out to Zalo: the answer waits.
    expect(await t.app.redis.llen(`${t.prefix}questions:inbox:{u:${zalo}}`)).toBe(1);
    const next = await t.send(zalo, 'xin chào');
    expect(next[0]?.text).toContain('từ 18 giờ đến 21 giờ');
    expect(textOf(next)).toContain('Xin chào');
    // Given once.
    const mine = textOf(await t.send(zalo, '/mydata'));
    expect(mine).not.toContain('18 giờ');
    expect(mine).toContain('đã được trả lời: “Sân bóng chuyền');
    expect(mine).not.toContain('câu trả lời đang chờ');
  });

  it('lists the questions in /mydata and erases them with /deletedata, off the officers\' list too', async () => {
    const dung = 'web:q-dung';
    await sentQuestion(dung, 'son-la.chieng-an', 'Nhà văn hóa tổ 7 có cho mượn bàn ghế để tổ chức đám cưới không?');
    const mine = textOf(await t.send(dung, '/mydata'));
    expect(mine).toContain('đang chờ trả lời: “Nhà văn hóa tổ 7 có cho mượn bàn ghế');
    expect(textOf(await t.send(officer, '/questions'))).toContain('Có 2 câu hỏi');
    await t.send(officer, '/menu');
    await t.send(dung, '/deletedata');
    await t.send(dung, { choice: 'yes' });
    expect(await keysMatching(t.app.redis, `${t.prefix}questions:*${dung}*`)).toEqual([]);
    expect(textOf(await t.send(dung, '/mydata'))).not.toContain('bàn ghế');
    expect(textOf(await t.send(officer, '/questions'))).toContain('Có 1 câu hỏi');
  });

  it('says plainly when the ward typed is not found, and a change of mind sends and keeps nothing', async () => {
    const em = 'web:q-em';
    await t.send(em, '/start');
    await declined(em, 'Chợ đêm phường có mở vào tối thứ Hai không?');
    await t.send(em, { choice: 'send' });
    expect(textOf(await t.send(em, 'zzqq xyz'))).toContain('chưa tìm thấy xã, phường “zzqq xyz”');
    expect(textOf(await t.send(em, { choice: 'cancel_send' }))).toContain('không gửi câu hỏi này');
    expect(await keysMatching(t.app.redis, `${t.prefix}questions:*${em}*`)).toEqual([]);
    expect(JSON.stringify(await t.app.sessions.get(em))).not.toContain('Chợ đêm');
    // "Hỏi câu khác" forgets the declined question too.
    await declined(em, 'Chợ đêm phường có mở vào tối thứ Hai không?');
    expect(textOf(await t.send(em, { choice: 'another' }))).toContain('gõ câu hỏi');
    expect(JSON.stringify(await t.app.sessions.get(em))).not.toContain('Chợ đêm');
  });

  it('says plainly when no officer of the ward uses the bot yet, and keeps the question for them', async () => {
    const giang = 'web:q-giang';
    expect(textOf(await sentQuestion(giang, 'son-la.chieng-sinh', 'Nhà văn hóa tổ 1 có cho mượn sân để tập dưỡng sinh không?'))).toContain('Cán bộ phường Chiềng Sinh chưa dùng bot này');
    expect(await t.app.redis.hlen(`${t.prefix}questions:open:son-la.chieng-sinh`)).toBe(1);
  });

  it('refuses /questions to a citizen, whose menu has no such button', async () => {
    const citizen = 'web:q-citizen';
    expect(choiceValues(await t.send(citizen, '/start'))).not.toContain('questions');
    const replies = await t.send(citizen, '/questions');
    expect(textOf(replies)).toContain('cán bộ');
    expect(textOf(replies)).not.toContain('câu hỏi của người dân đang chờ');
  });

  it('gives an officer the open questions from a button of the main menu', async () => {
    const hoa = 'web:q-hoa';
    await sentQuestion(hoa, 'son-la.chieng-an', 'Sân bóng của phường có cho thuê buổi tối không?');
    const menu = await t.send(officer, '/menu');
    expect(menu.flatMap((r) => r.choices ?? []).find((c) => c.value === 'questions')?.label).toBe('Câu hỏi của người dân');
    const list = await t.send(officer, { choice: 'questions' });
    expect(textOf(list)).toContain('đang chờ trả lời');
    expect(list.flatMap((r) => r.choices ?? []).map((c) => c.label)).toContainEqual(expect.stringContaining('Sân bóng của phường'));
  });
});
