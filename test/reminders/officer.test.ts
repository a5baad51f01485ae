import { afterEach, describe, expect, it } from 'vitest';
import { choiceValues, textOf, keysMatching } from '../support/app.js';
import type { Reply } from '../../src/core/message.js';
import { remindersHarness, reportedValue, type RemindersHarness } from './helpers.js';

let h: RemindersHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('"Hạn sắp tới" for officers', () => {
  it('takes an officer from the invite code to reminders and the list of next deadlines', async () => {
    h = await remindersHarness({ start: '2026-11-25T10:00:00+07:00' });
    const { code } = await h.app.invites.create({ role: 'officer', area: 'son-la', unit: 'so_nganh', ttlMs: 86_400_000, createdBy: 'test' });
    await h.send('web:an', '/start');
    expect(textOf(await h.send('web:an', `/join ${code}`))).toContain('nhận nhắc hạn báo cáo của Sở, ban, ngành tỉnh, Tỉnh Sơn La');
    const list = await h.send('web:an', { choice: 'yes' });
    expect(textOf(list)).toContain('Hạn sắp tới của Sở, ban, ngành tỉnh, Tỉnh Sơn La:\n1. trước ngày 10/12/2026: Báo cáo định kỳ về xây dựng xã hội học tập gửi Sở Giáo dục và Đào tạo (còn 14 ngày)\n2. trước ngày 10/12/2027:');
    expect(choiceValues(list)).toEqual(['calendar_file', 'calendar_link', 'unsubscribe', 'back']);

    // Back later: the list straight away, with what the unit reported.
    await h.send('web:an', '/reported sl_2547_bao_cao_nam@20261209');
    await h.send('web:an', '/menu');
    const again = textOf(await h.send('web:an', { choice: 'deadlines' }));
    expect(again).toContain('1. trước ngày 10/12/2026: Báo cáo định kỳ về xây dựng xã hội học tập gửi Sở Giáo dục và Đào tạo (đã nộp)');
    expect(textOf(await h.send('web:an', '/mydata'))).toContain('Nhận nhắc hạn báo cáo của Sở, ban, ngành tỉnh, Tỉnh Sơn La');

    await h.send('web:an', { choice: 'deadlines' });
    expect(textOf(await h.send('web:an', { choice: 'unsubscribe' }))).toContain('Đã tắt nhắc hạn');
    await h.tickAt('2026-12-03T08:00:30+07:00');
    expect(await h.inbox('web:an')).toEqual([]);
  });

  it('offers Zalo officers the calendar link only: Zalo cannot carry a file from the bot', async () => {
    h = await remindersHarness({ start: '2026-11-25T10:00:00+07:00' });
    const { code } = await h.app.invites.create({ role: 'officer', area: 'son-la', unit: 'so_nganh', ttlMs: 86_400_000, createdBy: 'test' });
    await h.send('zalo:4455', '/start');
    await h.send('zalo:4455', `/join ${code}`);
    const list = await h.send('zalo:4455', { choice: 'yes' });
    expect(choiceValues(list)).toEqual(['calendar_link', 'unsubscribe', 'back']);
  });

  it('asks the kind of unit when the invite did not say, offering the kinds of the area’s level', async () => {
    h = await remindersHarness({ start: '2026-06-01T10:00:00+07:00' });
    await h.officer('web:xa', 'son-la.muong-bu');
    const ask = await h.send('web:xa', { choice: 'deadlines' });
    expect(textOf(ask)).toContain('Đơn vị của Anh/Chị thuộc loại nào?');
    expect(choiceValues(ask)).toEqual(['ubnd_xa', 'dang_uy_xa', 'hoi_khuyen_hoc_xa']);
    expect(textOf(await h.send('web:xa', '1'))).toContain('UBND xã, phường, đặc khu, Xã Mường Bú');
    expect(textOf(await h.send('web:xa', { choice: 'yes' }))).toContain('1. 10/06/2026: Báo cáo 6 tháng');
    await h.tickAt('2026-06-03T08:00:30+07:00');
    expect(textOf(await h.inbox('web:xa'))).toContain('Đơn vị: UBND xã, phường, đặc khu, Xã Mường Bú, Tỉnh Sơn La.');
  });

  it('keeps the menu entry to officers and sends no reminders to someone who did not subscribe', async () => {
    h = await remindersHarness({ start: '2026-06-01T10:00:00+07:00' });
    await h.send('web:dan', '/menu');
    expect(choiceValues(await h.send('web:dan', '/menu'))).not.toContain('deadlines');
    expect(textOf(await h.send('web:dan', 'deadlines'))).not.toContain('Hạn sắp tới');
    await h.officer('web:silent', 'son-la.to-hieu', 'ubnd_xa');
    const offer = await h.send('web:silent', { choice: 'deadlines' });
    expect(textOf(offer)).toContain('có muốn nhận nhắc hạn');
    expect(textOf(await h.send('web:silent', { choice: 'no' }))).toContain('Hạn sắp tới');
    await h.tickAt('2026-06-09T08:00:30+07:00');
    expect(await h.inbox('web:silent')).toEqual([]);
    expect(textOf(await h.send('web:silent', '/snooze sl_2547_bao_cao_6_thang@20260610'))).toContain('không tìm thấy hạn báo cáo');
  });

  it('tells an officer who said /stop that reminders are silenced, and turning them on again makes them arrive', async () => {
    h = await remindersHarness({ start: '2026-06-01T10:00:00+07:00' });
    await h.officer('web:tam-dung', 'son-la.to-hieu', 'ubnd_xa');
    await h.send('web:tam-dung', { choice: 'deadlines' });
    await h.send('web:tam-dung', { choice: 'yes' });
    await h.send('web:tam-dung', 'dừng nhận tin');
    await h.tickAt('2026-06-03T08:00:30+07:00');
    expect(await h.inbox('web:tam-dung')).toEqual([]);

    await h.send('web:tam-dung', '/menu');
    const list = await h.send('web:tam-dung', { choice: 'deadlines' });
    expect(textOf(list)).toContain('1. 10/06/2026: Báo cáo 6 tháng');
    expect(textOf(list)).toContain('Anh/Chị đã dừng nhận tin (/stop) nên hiện tôi không nhắn nhắc hạn');
    // Not offered as "on" while nothing arrives.
    expect(choiceValues(list)).toContain('subscribe');
    expect(choiceValues(list)).not.toContain('unsubscribe');
    await h.send('web:tam-dung', { choice: 'subscribe' });
    const on = await h.send('web:tam-dung', { choice: 'yes' });
    expect(textOf(on)).toContain('Đã đăng ký');
    expect(textOf(on)).toContain('Trước đây Anh/Chị đã dừng nhận tin');
    expect(textOf(on)).not.toContain('không nhắn nhắc hạn');
    expect(choiceValues(on)).toContain('unsubscribe');
    await h.tickAt('2026-06-07T08:00:30+07:00');
    expect(textOf(await h.inbox('web:tam-dung'))).toContain('còn 3 ngày');
  });

  it('forgets subscriptions, snoozes and calendar links with /deletedata', async () => {
    h = await remindersHarness({ start: '2026-06-01T10:00:00+07:00' });
    await h.officer('web:bye', 'son-la.to-hieu', 'ubnd_xa');
    await h.send('web:bye', { choice: 'deadlines' });
    await h.send('web:bye', { choice: 'yes' });
    await h.send('web:bye', { choice: 'calendar_link' });
    await h.send('web:bye', '/snooze sl_2547_bao_cao_6_thang@20260610');
    const mine = textOf(await h.send('web:bye', '/mydata'));
    expect(mine).toContain('Có một liên kết lịch riêng');
    expect(mine).toContain('1 hạn hẹn nhắc lại');
    await h.send('web:bye', '/deletedata');
    await h.send('web:bye', { choice: 'yes' });
    const left = await keysMatching(h.app.redis, `${h.app.prefix}rem:*`);
    // What the unit said ("Nhắc lại sau" was pressed, with when, not by whom) stays the unit's, as "Đã nộp" does.
    expect(left.filter((k) => k.includes(':rem:seen:'))).toEqual([`${h.app.prefix}rem:seen:sl_2547_bao_cao_6_thang@20260610:{ubnd_xa|son-la.to-hieu}`]);
    expect(left.filter((k) => !/rem:(units|tick:|lock|last-tick|seen:)/.test(k))).toEqual([]);
    expect(await h.app.redis.zcard(`${h.app.prefix}rem:snoozes`)).toBe(0);
  });

  it('ends what an officer had of the old unit when a new invite moves them: no reminder of it, no marking it reported', async () => {
    h = await remindersHarness({ start: '2026-06-01T10:00:00+07:00' });
    const oldUnit = await h.app.invites.create({ role: 'officer', area: 'son-la.to-hieu', unit: 'ubnd_xa', ttlMs: 86_400_000, createdBy: 'test' });
    await h.send('web:moves', '/start');
    await h.send('web:moves', `/join ${oldUnit.code}`);
    expect(textOf(await h.send('web:moves', { choice: 'yes' }))).toContain('Phường Tô Hiệu');
    await h.send('web:moves', { choice: 'calendar_link' });
    await h.tickAt('2026-06-03T08:00:30+07:00');
    const first = await h.inbox('web:moves');
    expect(textOf(first)).toContain('Phường Tô Hiệu');
    const button = reportedValue(first[0] as Reply);

    // Moved to another commune: the new invite replaces the old grant.
    const newUnit = await h.app.invites.create({ role: 'officer', area: 'son-la.chieng-an', unit: 'ubnd_xa', ttlMs: 86_400_000, createdBy: 'test' });
    expect(textOf(await h.send('web:moves', `/join ${newUnit.code}`))).toContain('Phường Chiềng An');
    // "Đã nộp" on the old unit's reminder marks nothing for the officers who stayed.
    expect(textOf(await h.send('web:moves', button))).toContain('không tìm thấy hạn báo cáo');
    expect(textOf(await h.send('web:moves', 'đã nộp'))).toContain('không tìm thấy hạn báo cáo');
    expect(await keysMatching(h.app.redis, `${h.prefix}rem:done:*`)).toEqual([]);
    await h.tickAt('2026-06-07T08:00:30+07:00');
    expect(await h.inbox('web:moves')).toEqual([]);
    expect(textOf(await h.send('web:moves', '/mydata'))).not.toContain('Phường Tô Hiệu');
    expect(textOf(await h.send('web:moves', '/mydata'))).not.toContain('liên kết lịch');
  });
});
