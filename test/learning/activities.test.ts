import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choiceValues, createTestApp, textOf, type TestApp } from '../support/app.js';
import { FakeClock } from '../support/clock.js';
import { as, choiceLabelled, logActivity, register } from './helpers.js';

describe('learning citizen: activity log with evidence', () => {
  let t: TestApp;
  const clock = new FakeClock('2026-05-20T03:00:00Z');
  const acts = async (user: string) =>
    Object.values(await t.app.redis.hgetall(`${t.prefix}lc:acts:${user}:2026`))
      .map((j) => JSON.parse(j))
      .sort((a, b) => a.date.localeCompare(b.date));

  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  it('keeps a photo sent in the chat by the platform file id, type and channel; a link; a note', async () => {
    const send = as(t, 'telegram:501');
    await register(send);
    await logActivity(send, { title: 'Lớp tin học cơ bản', evidence: { text: 'Giấy chứng nhận', attachment: { kind: 'photo', fileId: 'AgACAgIAAxkBAAI', mime: 'image/jpeg' } } });
    await send({ choice: 'back' });
    await logActivity(send, { date: '02/04/2026', title: 'Đọc sách kỹ năng', hours: '1,5', indicators: '1 4', evidence: 'www.example.org/ban-doc' });
    await send({ choice: 'back' });
    await logActivity(send, { date: '10/05/2026', kind: 'community', title: 'Sinh hoạt câu lạc bộ', indicators: '9 10', evidence: 'Biên bản sinh hoạt CLB tháng 5' });
    const [photo, link, note] = await acts('telegram:501');
    expect(photo).toMatchObject({ date: '2026-03-15', kind: 'course', hours: 2, indicators: [1, 3, 5], evidence: { type: 'file', kind: 'photo', fileId: 'AgACAgIAAxkBAAI', mime: 'image/jpeg', channel: 'telegram', caption: 'Giấy chứng nhận' } });
    expect(link).toMatchObject({ hours: 1.5, indicators: [1, 4], evidence: { type: 'link', url: 'https://www.example.org/ban-doc' } });
    expect(note).toMatchObject({ kind: 'community', indicators: [9, 10], evidence: { type: 'note', text: 'Biên bản sinh hoạt CLB tháng 5' } });
  });

  it('ticks indicators with buttons, refuses "done" with none ticked, and accepts typed lists and ranges', async () => {
    const send = as(t, 'web:ticks');
    await register(send);
    await send({ choice: 'log' });
    await send({ choice: 'today' });
    await send({ choice: 'self_study' });
    await send('Tự học tiếng Anh');
    const toggles = await send('3');
    expect(choiceValues(toggles)).toEqual(['i1', 'i2', 'i3', 'i4', 'i5', 'i6', 'i7', 'i8', 'i9', 'i10', 'done']);
    expect(textOf(await send({ choice: 'done' }))).toContain('chọn ít nhất một chỉ số');
    await send({ choice: 'i6' });
    const ticked = await send('2');
    expect(choiceLabelled(ticked, '☑ 6.')).toBe('i6');
    expect(choiceLabelled(ticked, '☑ 2.')).toBe('i2');
    await send({ choice: 'i2' });
    expect(textOf(await send('xong'))).toContain('minh chứng');
    await send({ choice: 'skip' });
    const [a] = await acts('web:ticks');
    expect(a).toMatchObject({ date: '2026-05-20', indicators: [6], hours: 3 });
    expect(a.evidence).toBeUndefined();

    await send({ choice: 'another' });
    await send('19/05/2026');
    await send({ choice: 'online' });
    await send('Khóa học trực tuyến');
    await send('4');
    expect(textOf(await send('11'))).toContain('chọn ít nhất một chỉ số');
    expect(textOf(await send('0 12'))).toContain('từ 1 đến 10');
    await send('1-3, 8');
    await send('https://elearning.example.vn/chung-chi/42');
    expect((await acts('web:ticks'))[0]).toMatchObject({ indicators: [1, 2, 3, 8] });
  });

  it('refuses dates in the future or outside the year, hours of zero or absurd, and evidence that is none of the kinds', async () => {
    const send = as(t, 'web:bad');
    await register(send);
    await send({ choice: 'log' });
    expect(textOf(await send('21/05/2026'))).toContain('không được sau 20/05/2026');
    expect(textOf(await send('31/12/2025'))).toContain('trong năm 2026');
    expect(textOf(await send('30/02/2026'))).toContain('không có trên lịch');
    expect(textOf(await send('hôm qua'))).toContain('ngày/tháng/năm');
    await send('01/01/2026');
    await send({ choice: 'reading' });
    await send('Đọc báo');
    expect(textOf(await send('0'))).toContain('lớn hơn 0');
    expect(textOf(await send('-2'))).toContain('lớn hơn 0');
    expect(textOf(await send('500'))).toContain('tối đa 300 giờ');
    expect(textOf(await send('nhiều'))).toContain('nhập một con số');
    expect(textOf(await send('2 tuần'))).toContain('chưa hiểu đơn vị');
    // Minutes are minutes, not hours.
    await send('45 phút');
    await send('1');
    await send({ choice: 'done' });
    expect(textOf(await send('!!'))).toContain('gửi ảnh/tệp, một đường link');
    expect(textOf(await send('https://'))).toContain('Đường link chưa đúng');
    await send('Phiếu đọc sách');
    expect(await acts('web:bad')).toHaveLength(1);
    expect((await acts('web:bad'))[0]).toMatchObject({ date: '2026-01-01', hours: 0.8, indicators: [1] });
  });

  it('lists activities in short pages, and lets the owner edit and delete one', async () => {
    const send = as(t, 'web:lister');
    await register(send);
    for (let i = 1; i <= 7; i++) {
      await logActivity(send, { date: `${String(i).padStart(2, '0')}/04/2026`, title: `Buổi học số ${i}`, evidence: `Ghi chú buổi ${i}` });
      await send({ choice: 'back' });
    }
    const first = await send({ choice: 'activities' });
    expect(textOf(first)).toContain('Hoạt động năm 2026: 7 (14 giờ). Trang 1/2.');
    expect(choiceValues(first)).toHaveLength(7);
    expect(choiceLabelled(first, 'Trang 2')).toBe('more');
    const second = await send({ choice: 'more' });
    expect(textOf(second)).toContain('Trang 2/2');
    const detail = await send({ choice: choiceLabelled(second, 'Buổi học số 7') });
    expect(textOf(detail)).toContain('07/04/2026 · Buổi học số 7 · Khóa học, lớp học · 2 giờ · chỉ số 1, 3, 5 · 📝 Ghi chú buổi 7');
    expect(choiceValues(detail)).toEqual(['edit', 'delete', 'back']);

    await send({ choice: 'edit' });
    await send({ choice: 'hours' });
    expect(textOf(await send('0'))).toContain('lớn hơn 0');
    const edited = await send('3,5');
    expect(textOf(edited)).toContain('3,5 giờ');
    await send({ choice: 'edit' });
    await send({ choice: 'evidence' });
    const kept = await send({ choice: 'skip' });
    expect(textOf(kept)).toContain('📝 Ghi chú buổi 7');
    const seventh = (await acts('web:lister')).find((a) => a.title === 'Buổi học số 7');
    expect(seventh).toMatchObject({ hours: 3.5, evidence: { type: 'note', text: 'Ghi chú buổi 7' } });

    await send({ choice: 'delete' });
    const afterDelete = await send({ choice: 'delete_yes' });
    expect(textOf(afterDelete)).toContain('Đã xóa: Buổi học số 7');
    expect(textOf(afterDelete)).toContain('Hoạt động năm 2026: 6');
    expect((await acts('web:lister')).map((a) => a.title)).not.toContain('Buổi học số 7');
  });

  it('sees only their own activities', async () => {
    const send = as(t, 'web:stranger');
    await register(send);
    const none = await send({ choice: 'activities' });
    expect(textOf(none)).toContain('chưa ghi hoạt động nào');
    expect(textOf(none)).not.toContain('Buổi học');
  });
});
