import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choiceValues, createTestApp, textOf, type TestApp } from '../support/app.js';
import { FakeClock } from '../support/clock.js';

describe('questions about the plans in the chat', () => {
  let t: TestApp;
  beforeAll(async () => {
    // December 2026: this year's Lifelong Learning Week is over, the next is in October 2027.
    t = await createTestApp({ clock: new FakeClock('2026-12-07T03:00:00Z') });
  });
  afterAll(() => t.close());

  it('answers a question typed at the menu with a cited passage, then pages through more passages', async () => {
    const u = 'web:asker';
    await t.send(u, '/start');
    const answer = await t.send(u, 'So Tai chinh Tay Ninh huong dan gi?');
    expect(textOf(answer)).toContain('Sở Tài chính hướng dẫn');
    expect(textOf(answer)).toMatch(/Nguồn: KH 2042\/KH-UBND \(Tây Ninh, 27\/08\/2020\), mục II/);
    expect(choiceValues(answer)).toEqual(['full', 'more', 'another', 'menu']);

    // "Xem toàn văn": the whole passage with its document's title and full heading path.
    const full = await t.send(u, { choice: 'full' });
    expect(textOf(full)).toContain('Kế hoạch thực hiện Quyết định số 489/QĐ-TTg');
    expect(textOf(full)).toContain('II. Nhiệm vụ');
    expect(textOf(full).length).toBeGreaterThan(textOf(answer).length);

    const seen = new Set([textOf(answer)]);
    let more = await t.send(u, { choice: 'more' });
    for (let i = 0; i < 10 && !textOf(more).includes('không còn đoạn nào'); i++) {
      expect(textOf(more)).toContain('Nguồn:');
      expect(seen.has(textOf(more))).toBe(false);
      seen.add(textOf(more));
      more = await t.send(u, { choice: 'more' });
    }
    expect(textOf(more)).toContain('không còn đoạn nào');

    const next = await t.send(u, 'Quyết định 1420/QĐ-BGDĐT ban hành ngày nào?');
    expect(textOf(next)).toContain('01/6/2020');
    expect(textOf(await t.send(u, { choice: 'another' }))).toContain('gõ câu hỏi');
    expect(textOf(await t.send(u, 'Hội Khuyến học tỉnh Sơn La chủ trì đánh giá công nhận những danh hiệu nào?'))).toMatch(/Đơn vị học tập|đơn vị học tập/);
    const back = await t.send(u, { choice: 'menu' });
    expect(choiceValues(back)).toContain('learning');
    expect((await t.app.sessions.get(u)).kind === 'ok' && JSON.stringify(await t.app.sessions.get(u))).not.toContain('chủ trì đánh giá');
  });

  it('says honestly that it does not know, and where to ask, offering to send the question to the commune officers instead of more passages', async () => {
    const u = 'web:offtopic';
    await t.send(u, '/start');
    const reply = await t.send(u, 'Lịch thi đấu bóng đá V-League tuần này');
    expect(textOf(reply)).toContain('chưa tìm thấy nội dung phù hợp');
    expect(textOf(reply)).toContain('Ủy ban nhân dân xã');
    expect(choiceValues(reply)).toEqual(['send', 'another', 'menu']);
  });

  it('answers in English after /lang en, from the English notes', async () => {
    const u = 'web:english';
    await t.send(u, '/lang en');
    const reply = await t.send(u, 'When is Lifelong Learning Week?');
    // Asked in December 2026: the next one, from the calendar, saying where the dates come from.
    expect(textOf(reply)).toContain('Lifelong Learning Week 2027: 01/10/2027 – 07/10/2027');
    expect(textOf(reply)).toContain('Source:');
  });

  it('answers the first message of someone new when it is a question', async () => {
    const reply = await t.send('web:newcomer', 'Tuần lễ học tập suốt đời diễn ra khi nào?');
    expect(textOf(reply)).toContain('Xin chào');
    expect(textOf(reply)).toContain('01/10/2027 – 07/10/2027');
    const hello = await t.send('web:greeter', 'xin chào');
    expect(textOf(hello)).toContain('Xin chào Anh/Chị');
    expect(textOf(hello)).not.toContain('chưa tìm thấy');
    expect(choiceValues(hello)).toContain('learning');
    expect(textOf(await t.send('web:greeter', '1'))).toContain('gõ câu hỏi');
  });

  it('handles an empty-looking question and an over-long one politely', async () => {
    const u = 'web:odd-question';
    await t.send(u, { choice: 'qa' });
    expect(textOf(await t.send(u, '???'))).toContain('gõ câu hỏi bằng chữ');
    const long = await t.send(u, 'Tuần lễ học tập suốt đời diễn ra khi nào? '.repeat(90));
    expect(textOf(long)).toContain('chỉ đọc phần đầu');
    expect(textOf(long)).toContain('/10/2027');
  });
});
