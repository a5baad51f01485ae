import type { LearningFile } from '../../src/learning/records.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choiceValues, createTestApp, textOf, type TestApp } from '../support/app.js';
import { FakeClock } from '../support/clock.js';
import { as, learningStore, logActivity, register, type Send } from './helpers.js';

describe('learning citizen: self-score, progress and submission', () => {
  let t: TestApp;
  const clock = new FakeClock('2026-10-01T03:00:00Z');
  const fileOf = async (user: string) => (await learningStore(t).file(user, 2026)) as LearningFile;

  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(() => t.close());

  async function withActivity(user: string): Promise<Send> {
    const send = as(t, user);
    await register(send);
    await logActivity(send, { title: 'Lớp tin học', indicators: '5 8', evidence: 'Chứng chỉ tin học số 7' });
    await send({ choice: 'back' });
    return send;
  }

  it('scores one indicator shown with the activities logged for it, refusing scores outside 0-10 or not numbers', async () => {
    const send = await withActivity('web:one');
    const list = await send({ choice: 'score' });
    expect(choiceValues(list)).toEqual(['i1', 'i2', 'i3', 'i4', 'i5', 'i6', 'i7', 'i8', 'i9', 'i10', 'all', 'back']);
    const five = await send('5');
    expect(textOf(five)).toContain('Chỉ số 5: Sử dụng công nghệ thông tin');
    expect(textOf(five)).toContain('Lớp tin học');
    expect(textOf(five)).toContain('Điểm tự chấm (0-10)');
    for (const bad of ['11', '-1', '7,5', 'tám', '']) {
      const refused = await send(bad === '' ? { text: ' ' } : bad);
      expect(textOf(refused), bad).toMatch(/Điểm là số nguyên từ 0 đến 10|chưa nhận được nội dung/);
    }
    expect((await fileOf('web:one')).scores).toEqual({});
    const saved = await send('9');
    expect(textOf(saved)).toContain('Chỉ số 5: 9 điểm');
    expect(choiceValues(saved)[4]).toBe('i5');
    expect(saved.at(-1)?.choices?.[4]?.label).toContain(': 9');
    expect((await fileOf('web:one')).scores).toEqual({ '5': 9 });
    const two = await send('2');
    expect(textOf(two)).toContain('Chưa có hoạt động nào cho chỉ số này');
  });

  it('scores all ten in a row, then shows progress with a bar, the indicators under 5 and what is missing', async () => {
    const send = await withActivity('web:row');
    await send({ choice: 'score' });
    let last = await send({ choice: 'all' });
    expect(textOf(last)).toContain('Chỉ số 1:');
    const scores = ['8', '7', '4', '6', '9', '3', '6', '7', '6', '6'];
    for (const s of scores) last = await send(s);
    const text = textOf(last);
    expect(text).toContain('▓▓▓▓▓▓░░░░ 62/100');
    expect(text).toContain('Dưới 5 điểm: 3 (4), 6 (3)');
    expect(text).toContain('18 điểm để đủ 80');
    expect(text).toContain('nâng chỉ số 3, 6 lên ít nhất 5');
    expect(choiceValues(last)).toContain('submit');
    // A file that would not pass is not sent.
    const refused = await send({ choice: 'submit' });
    expect(textOf(refused)).toContain('chưa đạt ngưỡng');
    expect((await fileOf('web:row')).status).toBe('registered');
  });

  it('takes all ten scores typed at once, refusing a wrong count or a score above 10', async () => {
    const send = await withActivity('web:ten');
    await send({ choice: 'score' });
    expect(textOf(await send('8 9 8'))).toContain('Cần đủ 10 điểm, Anh/Chị mới gõ 3');
    expect(textOf(await send('8 9 8 9 8 9 8 9 8 12'))).toContain('từ 0 đến 10');
    expect(textOf(await send('abc'))).toContain('gõ đủ 10 điểm');
    const progress = await send('8 9 8 9 8 9 8 9 8 9');
    expect(textOf(progress)).toContain('▓▓▓▓▓▓▓▓░░ 85/100');
    expect(textOf(progress)).toContain('Đạt ngưỡng công nhận');
    expect(textOf(progress)).toContain('Anh/Chị có thể gửi hồ sơ.');
  });

  it('refuses to send a file without activities or with indicators left unscored, and locks a sent file', async () => {
    const send = as(t, 'web:early');
    await register(send);
    expect(textOf(await send({ choice: 'submit' }))).toContain('ít nhất một hoạt động');
    await logActivity(send, { title: 'Đọc sách', evidence: 'Sổ tay đọc sách' });
    await send({ choice: 'back' });
    await send({ choice: 'score' });
    await send({ choice: 'i1' });
    await send('9');
    await send({ choice: 'back' });
    const unscored = await send({ choice: 'submit' });
    expect(textOf(unscored)).toContain('Chưa chấm: 2, 3, 4, 5, 6, 7, 8, 9, 10');

    await send({ choice: 'score' });
    await send('9 9 9 9 9 9 9 9 9 9');
    const summary = await send({ choice: 'submit' });
    expect(textOf(summary)).toContain('Gửi hồ sơ năm 2026 (▓▓▓▓▓▓▓▓▓░ 90/100, 1 hoạt động, 2 giờ) tới Hội Khuyến học xã/phường – Phường Tô Hiệu, Tỉnh Sơn La');
    expect(choiceValues(summary)).toEqual(['send', 'not_now']);
    expect(summary.at(-1)?.text).toContain('Anh/Chị gửi hồ sơ ngay bây giờ chứ?');
    expect(summary.at(-1)?.choices?.map((c) => c.label)).toEqual(['Có, gửi ngay', 'Chưa gửi']);
    // A plain no keeps the file; a plain yes sends it.
    expect(textOf(await send('không'))).toContain('Hồ sơ năm 2026: đang chuẩn bị');
    expect((await fileOf('web:early')).status).toBe('registered');
    await send({ choice: 'submit' });
    const sent = await send('có');
    expect(textOf(sent)).toContain('Đã gửi hồ sơ năm 2026');
    expect(textOf(sent)).toContain('đã gửi, chờ duyệt');
    expect(choiceValues(sent)).toEqual(['activities', 'progress', 'profile', 'back']);
    // Progress no longer offers to send what has been sent.
    const progress = textOf(await send({ choice: 'progress' }));
    expect(progress).toContain('Đạt ngưỡng công nhận');
    expect(progress).toContain('Hồ sơ đã gửi, đang chờ duyệt.');
    expect(progress).not.toContain('có thể gửi');
    const file = await fileOf('web:early');
    expect(file).toMatchObject({ status: 'submitted', submissions: 1, submittedAt: clock.now().getTime() });
    expect(await t.app.redis.zscore(`${t.prefix}lc:idx:2026:submitted:son-la.to-hieu`, 'web:early')).not.toBeNull();
    expect(await t.app.redis.zscore(`${t.prefix}lc:idx:2026:registered:son-la.to-hieu`, 'web:early')).toBeNull();

    // Nothing in a file with an officer can change, even through an old button.
    const list = await send({ choice: 'activities' });
    const detail = await send({ choice: (list.at(-1)?.choices ?? [])[0]?.value ?? '' });
    expect(choiceValues(detail)).toEqual(['back']);
    expect(textOf(detail)).toContain('đang chờ duyệt');
    await send('/menu');
    expect(textOf(await send({ choice: 'learning' }))).toContain('đã gửi, chờ duyệt');
    expect(textOf(await send('Tự chấm điểm'))).toContain('chưa rõ Anh/Chị chọn mục nào');
    expect((await fileOf('web:early')).scores['1']).toBe(9);
  });
});
