import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReplies } from '../../src/channels/zalo/render.js';
import type { Reply } from '../../src/core/message.js';
import { choiceValues, createTestApp, textOf, type TestApp } from '../support/app.js';
import { FakeClock } from '../support/clock.js';
import { LearningStore } from '../../src/learning/store.js';
import { as, choiceLabelled, logActivity, register } from './helpers.js';

describe('learning citizen: activity log with evidence', () => {
  let t: TestApp;
  const clock = new FakeClock('2026-05-20T03:00:00Z');
  const acts = (user: string) => new LearningStore(t.app.redis, t.prefix, clock, t.app.log, t.app.areas).activities(user, 2026);

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
    expect(a?.evidence).toBeUndefined();

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
    expect(textOf(await send('tuần trước'))).toContain('ngày/tháng/năm');
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
    expect((await acts('web:bad'))[0]).toMatchObject({ date: '2026-01-01', hours: 0.75, indicators: [1] });
  });

  it('takes dates as people write them: without the year, with a two-digit year, "hôm qua" typed or chosen', async () => {
    const send = as(t, 'web:dates');
    await register(send);
    const asked = await send({ choice: 'log' });
    expect(asked.at(-1)?.choices?.map((c) => c.label)).toEqual(['Hôm nay', 'Hôm qua']);
    // The same checks as for a full date.
    expect(textOf(await send('21/5'))).toContain('không được sau 20/05/2026');
    expect(textOf(await send('31/12/25'))).toContain('trong năm 2026');
    expect(textOf(await send('30/2'))).toContain('không có trên lịch');
    await send({ choice: 'yesterday' });
    await send({ choice: 'course' });
    await send('Học bấm nút hôm qua');
    await send('2');
    await send('1 3 5');
    expect(textOf(await send('Ghi chép buổi học'))).toContain('Đã lưu: Học bấm nút hôm qua (19/05/2026)');
    for (const date of ['18/5', '17/05/26', 'hom qua', 'Hôm qua', 'ngày 3/1']) {
      await send({ choice: 'back' });
      await logActivity(send, { date, title: `Học ngày ${date}`, evidence: 'Ghi chép buổi học' });
    }
    const dates = Object.fromEntries((await acts('web:dates')).map((a) => [a.title, a.date]));
    expect(dates).toEqual({
      'Học bấm nút hôm qua': '2026-05-19',
      'Học ngày 18/5': '2026-05-18',
      'Học ngày 17/05/26': '2026-05-17',
      'Học ngày hom qua': '2026-05-19',
      'Học ngày Hôm qua': '2026-05-19',
      'Học ngày ngày 3/1': '2026-01-03',
    });
  });

  it('numbers the indicators once on Zalo, where the list is numbered, and says how to answer without buttons', async () => {
    const send = as(t, 'zalo:9001');
    const zalo = (replies: Reply[]) => renderReplies(replies, t.app.i18n.for('vi'), 'reply').join('\n\n');
    await register(send);
    await send({ choice: 'log' });
    await send('hôm nay');
    await send({ choice: 'reading' });
    await send('Đọc sách');
    const picker = zalo(await send('1'));
    expect(picker).toContain('bấm hoặc gõ số');
    expect(picker).toContain('1. ☐ Đọc, cập nhật thông tin\n2. ☐ Kế hoạch học tập');
    expect(picker).toContain('10. ☐ Hợp tác, chia sẻ\n11. Xong');
    expect(picker).not.toMatch(/\d\. ☐ \d/);
    expect(zalo(await send('2'))).toContain('2. ☑ Kế hoạch học tập');
    await send('11');
    await send('Sổ tay đọc sách');
    await send({ choice: 'back' });
    const scores = zalo(await send({ choice: 'score' }));
    expect(scores).toContain('1. Đọc, cập nhật thông tin: –\n2. Kế hoạch học tập: –');
    expect(scores).toContain('11. Chấm lần lượt');
    expect(scores).not.toMatch(/\d\. \d/);
    expect(textOf(await send('2'))).toContain('Chỉ số 2: Lập kế hoạch học tập');
    expect((await acts('zalo:9001'))[0]).toMatchObject({ indicators: [2], title: 'Đọc sách' });
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
