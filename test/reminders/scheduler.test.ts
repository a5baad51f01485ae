import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { addDays } from '../../src/core/clock.js';
import type { ChannelSender, ProactiveOptions } from '../../src/core/delivery.js';
import type { Reply } from '../../src/core/message.js';
import { campaignStats, statusOf } from '../../src/outbound/deliver.js';
import { capabilities } from '../../src/app/capabilities.js';
import { dataPaths } from '../../src/core/paths.js';
import { createReminders, REMINDERS } from '../../src/reminders/capability.js';
import { textOf, keysMatching } from '../support/app.js';
import { startRedisServer, untilAnswers } from '../support/redis-server.js';
import { FakeClock } from '../support/clock.js';
import { remindersHarness, reportedValue, type RemindersHarness } from './helpers.js';

const OFFICER = 'web:can-bo-to-hieu';
/** Sơn La, 004 V.14: the communes' six-monthly report, due on the 10th of June and December. */
const SIX_MONTHLY = ['2026-06-10', '2026-12-10'];
/** 14, 7, 3 and 1 days before, the day itself, then three overdue days. */
const OFFSETS = [-14, -7, -3, -1, 0, 1, 2, 3];

let open: RemindersHarness[] = [];
afterEach(async () => {
  for (const h of open) await h.close();
  open = [];
});

async function harness(opts: Parameters<typeof remindersHarness>[0] = {}) {
  const h = await remindersHarness(opts);
  open.push(h);
  return h;
}

/** An officer of a commune's People's Committee who subscribes in the chat. */
async function subscribedOfficer(h: RemindersHarness, user = OFFICER, area = 'son-la.to-hieu', unit = 'ubnd_xa') {
  await h.officer(user, area, unit);
  const offer = await h.send(user, { choice: 'deadlines' });
  expect(textOf(offer)).toContain('Anh/Chị có muốn nhận nhắc hạn báo cáo');
  const done = await h.send(user, { choice: 'yes' });
  expect(textOf(done)).toContain('Đã đăng ký');
}

describe('deadline reminders over a year', () => {
  it('sends an officer exactly the reminders of their unit, on the expected days, on time', async () => {
    const h = await harness();
    await subscribedOfficer(h);
    const received: { day: string; reply: Reply }[] = [];
    for (let day = '2026-03-01'; day < '2027-03-01'; day = addDays(day, 1))
      for (const time of ['T08:00:20+07:00', 'T20:00:00+07:00']) {
        await h.tickAt(day + time);
        for (const reply of await h.inbox(OFFICER)) received.push({ day, reply });
      }
    const expected = SIX_MONTHLY.flatMap((due) => OFFSETS.map((o) => addDays(due, o)));
    expect(received.map((r) => r.day)).toEqual(expected);
    for (const { reply } of received) {
      expect(reply.text).toContain('Báo cáo 6 tháng, hằng năm');
      expect(reply.text).toContain('2547/QĐ-UBND, mục V.14');
      expect(reply.text).not.toContain('Nhắc muộn');
      expect(reply.choices?.map((c) => c.label)).toEqual(['Đã nộp', 'Nhắc lại sau']);
      for (const c of reply.choices ?? []) expect(Buffer.byteLength(c.value)).toBeLessThanOrEqual(64);
    }
    expect(received[0]?.reply.text).toContain('còn 14 ngày');
    expect(received[4]?.reply.text).toContain('Hôm nay là ngày cuối để nộp');
    expect(received[7]?.reply.text).toContain('quá hạn 3 ngày');
  });

  it('sends each reminder once when the scheduler ticks every minute, around the send time and the deadline', async () => {
    const h = await harness();
    await subscribedOfficer(h);
    const perDay: Record<string, number> = {};
    for (let day = '2026-06-08'; day <= '2026-06-12'; day = addDays(day, 1))
      for (let minute = 0; minute < 24 * 60; minute += minute >= 7 * 60 + 50 && minute < 8 * 60 + 20 ? 1 : 10) {
        const time = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
        await h.tickAt(`${day}T${time}:00+07:00`);
        perDay[day] = (perDay[day] ?? 0) + (await h.inbox(OFFICER)).length;
      }
    // 9 June: one day ahead; 10 June: the day; 11 and 12 June: overdue. Each exactly once; 8 June is not a lead day.
    expect(perDay).toEqual({ '2026-06-08': 0, '2026-06-09': 1, '2026-06-10': 1, '2026-06-11': 1, '2026-06-12': 1 });
  });
});

describe('"Đã nộp" and "Nhắc lại sau"', () => {
  it('stops every later reminder of that deadline for the unit once reported, from whatever step the officer is at', async () => {
    const h = await harness();
    await subscribedOfficer(h);
    await subscribedOfficer(h, 'web:dong-nghiep');
    await h.tickAt('2026-05-27T08:00:30+07:00');
    const [first] = await h.inbox(OFFICER);
    expect(first?.text).toContain('còn 14 ngày');
    expect(await h.inbox('web:dong-nghiep')).toHaveLength(1);
    // The officer is in the middle of another question when the button is pressed.
    await h.send(OFFICER, '/menu');
    await h.send(OFFICER, { choice: 'news' });
    const pressed = await h.send(OFFICER, { choice: reportedValue(first as Reply) });
    expect(textOf(pressed)).toContain('Đã ghi nhận UBND xã, phường, đặc khu, Phường Tô Hiệu');
    expect(textOf(pressed)).toContain('Anh/Chị chọn:');
    for (let day = '2026-05-28'; day <= '2026-06-20'; day = addDays(day, 1)) await h.tickAt(`${day}T08:01:00+07:00`);
    expect(await h.inbox(OFFICER)).toEqual([]);
    expect(await h.inbox('web:dong-nghiep')).toEqual([]);
    // The next occurrence is a new deadline: reminded again.
    await h.tickAt('2026-11-26T08:00:10+07:00');
    const next = textOf(await h.inbox(OFFICER));
    expect(next).toContain('Hạn: 10/12/2026, còn 14 ngày');
    // 2547/QĐ-UBND V.14 names no day: the officer learns the 10th was chosen locally.
    expect(next).toContain('Kế hoạch không nêu ngày cụ thể');
    const again = await h.send(OFFICER, { choice: reportedValue(first as Reply) });
    expect(textOf(again)).toContain('đã được ghi nhận là đã nộp');
  });

  it('reminds again the next morning after "Nhắc lại sau", and only then', async () => {
    const h = await harness();
    await subscribedOfficer(h);
    await h.tickAt('2026-06-03T08:00:30+07:00');
    const [reminder] = await h.inbox(OFFICER);
    expect(reminder?.text).toContain('còn 7 ngày');
    const snooze = reminder?.choices?.find((c) => c.label === 'Nhắc lại sau')?.value as string;
    const answer = await h.send(OFFICER, { choice: snooze });
    expect(textOf(answer)).toContain('nhắc lại "Báo cáo 6 tháng');
    expect(textOf(answer)).toContain('08:00 ngày 04/06/2026');
    await h.tickAt('2026-06-03T20:00:00+07:00');
    expect(await h.inbox(OFFICER)).toEqual([]);
    await h.tickAt('2026-06-04T08:00:30+07:00');
    const [again] = await h.inbox(OFFICER);
    expect(again?.text).toContain('Nhắc lại theo hẹn');
    expect(again?.text).toContain('còn 6 ngày');
    await h.tickAt('2026-06-05T08:00:30+07:00');
    expect(await h.inbox(OFFICER)).toEqual([]);
  });

  it('understands "đã nộp" typed as words for the last reminder, and says so when there is none', async () => {
    const h = await harness();
    await subscribedOfficer(h);
    expect(textOf(await h.send(OFFICER, 'đã nộp'))).toContain('không tìm thấy hạn báo cáo');
    await h.tickAt('2026-06-09T08:00:30+07:00');
    await h.inbox(OFFICER);
    expect(textOf(await h.send(OFFICER, 'Đã nộp'))).toContain('Đã ghi nhận');
    await h.tickAt('2026-06-10T08:00:30+07:00');
    expect(await h.inbox(OFFICER)).toEqual([]);
  });

  it('asks which deadline "đã nộp" is for while two reminders wait for an answer, and marks only that one', async () => {
    // An operator has confirmed the example CV 6782 deadline (yearly, 15/12): its days now meet the plan's.
    const plansDir = mkdtempSync(join(tmpdir(), 'xhht-plans-'));
    cpSync(dataPaths.plans, plansDir, { recursive: true });
    const deadlines = readFileSync(join(dataPaths.plans, 'deadlines.yaml'), 'utf8');
    writeFileSync(join(plansDir, 'deadlines.yaml'), deadlines.replace(/(id: vd_cv6782_mo_hinh_hoc_tap[\s\S]*?)\n {4}active: false/, '$1'));
    const others = capabilities.filter((c) => c.name !== 'reminders');
    const h = await harness({ start: '2025-12-16T00:00:00+07:00', capabilities: [...others, createReminders({ plansDir })] });
    const so = 'web:so-gddt-son-la';
    await subscribedOfficer(h, so, 'son-la', 'so_gddt');
    // 17/12/2025: the 15/12 report is 2 days overdue and the 31/12 review 14 days ahead.
    await h.tickAt('2025-12-17T08:00:30+07:00');
    expect(await h.inbox(so)).toHaveLength(2);
    const ask = await h.send(so, 'đã nộp');
    expect(textOf(ask)).toContain('Anh/Chị trả lời "Đã nộp" cho hạn nào?');
    const choices = ask.at(-1)?.choices ?? [];
    expect(choices).toHaveLength(2);
    const review = choices.findIndex((c) => c.value.startsWith('sl_2547_so_ket_2025@'));
    expect(textOf(await h.send(so, String(review + 1)))).toContain('Đã ghi nhận Sở Giáo dục và Đào tạo');
    const { reminders } = h.app.need(REMINDERS);
    const unit = { kind: 'so_gddt', area: 'son-la' };
    expect(await reminders.marks.reported(choices[review]?.value as string, unit)).toBeDefined();
    expect(await reminders.marks.reported(choices[1 - review]?.value as string, unit)).toBeUndefined();
    // One waits now: the words answer it straight away.
    expect(textOf(await h.send(so, 'Đã nộp'))).toContain('Đã ghi nhận');
    expect(await reminders.marks.reported(choices[1 - review]?.value as string, unit)).toBeDefined();
  });

  it('refuses a forged or unknown occurrence without marking anything', async () => {
    const h = await harness();
    await subscribedOfficer(h);
    // Not a due date, no such obligation, not an id, cut short, and a real deadline of another unit kind.
    for (const forged of ['/reported sl_2547_bao_cao_6_thang@20260611', '/reported nope@20260610', '/reported ../../x', '/snooze sl_2547_bao_cao_6_thang@2026061', '/reported sl_2547_bao_cao_nam@20261210'])
      expect(textOf(await h.send(OFFICER, forged))).toContain('không tìm thấy hạn báo cáo');
    expect(await keysMatching(h.app.redis, `${h.app.prefix}rem:done:*`)).toEqual([]);
    await h.tickAt('2026-06-10T08:00:30+07:00');
    expect(textOf(await h.inbox(OFFICER))).toContain('Hôm nay là ngày cuối để nộp');
  });
});

describe('overdue', () => {
  it('tells the supervising unit once, the day after the third overdue reminder', async () => {
    const h = await harness();
    await subscribedOfficer(h);
    await subscribedOfficer(h, 'web:so-gddt', 'son-la', 'so_gddt');
    await subscribedOfficer(h, 'web:so-gddt-tay-ninh', 'tay-ninh', 'so_gddt');
    const notes: string[] = [];
    for (let day = '2026-06-10'; day <= '2026-06-20'; day = addDays(day, 1)) {
      await h.tickAt(`${day}T08:00:30+07:00`);
      for (const r of await h.inbox('web:so-gddt')) notes.push(`${day} ${r.text}`);
    }
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^2026-06-14 📋 UBND xã, phường, đặc khu, Phường Tô Hiệu, Tỉnh Sơn La chưa báo đã nộp/);
    expect(await h.inbox('web:so-gddt-tay-ninh')).toEqual([]);
  });
});

describe('several instances and restarts', () => {
  it('three schedulers on one Redis send each reminder once', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}:`;
    const clock = new FakeClock('2026-05-27T07:00:00+07:00');
    const [a, b, c] = [await harness({ clock, env: { REDIS_PREFIX: prefix } }), await harness({ clock, env: { REDIS_PREFIX: prefix } }), await harness({ clock, env: { REDIS_PREFIX: prefix } })];
    await subscribedOfficer(a as RemindersHarness);
    const received: string[] = [];
    for (let day = '2026-05-27'; day <= '2026-06-14'; day = addDays(day, 1))
      for (const time of ['T08:00:00.500+07:00', 'T08:00:40+07:00', 'T08:03:00+07:00']) {
        clock.set(day + time);
        // All three fire on the same minute, and once more a little apart.
        const results = await Promise.all([a, b, c].map((x) => (x as RemindersHarness).tickAt(day + time)));
        expect(results.filter((r) => r.status === 'done').length).toBeLessThanOrEqual(1);
        for (const r of await (a as RemindersHarness).inbox(OFFICER)) received.push(`${day} ${r.text.split('\n')[0]}`);
      }
    expect(received).toHaveLength(OFFSETS.length);
    expect(new Set(received).size).toBe(OFFSETS.length);
    const redis = new Redis(inject('redisUrl'));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('catches up after a stop of a few hours and marks what is late', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}:`;
    const first = await harness({ env: { REDIS_PREFIX: prefix }, start: '2026-06-08T06:00:00+07:00' });
    await subscribedOfficer(first);
    await first.tickAt('2026-06-09T07:00:00+07:00');
    expect(await first.inbox(OFFICER)).toEqual([]);
    await first.app.stop();
    // Down from 07:00 to 13:00: the 08:00 reminder was missed.
    const second = await harness({ env: { REDIS_PREFIX: prefix }, start: '2026-06-09T13:00:00+07:00' });
    const result = await second.tickAt('2026-06-09T13:00:05+07:00');
    expect(result).toMatchObject({ status: 'done', days: ['2026-06-09'] });
    const [late] = await second.inbox(OFFICER);
    expect(late?.text).toContain('Nhắc muộn: tin này lẽ ra đến lúc 08:00 09/06/2026');
    expect(late?.text).toContain('còn 1 ngày');
    await second.tickAt('2026-06-09T13:01:00+07:00');
    expect(await second.inbox(OFFICER)).toEqual([]);
    await second.tickAt('2026-06-10T08:00:30+07:00');
    const [onTime] = await second.inbox(OFFICER);
    expect(onTime?.text).toContain('Hôm nay là ngày cuối để nộp');
    expect(onTime?.text).not.toContain('Nhắc muộn');
  });

  it('does not send what a stop of more than a day missed, and goes on from there', async () => {
    const h = await harness({ start: '2026-06-01T06:00:00+07:00' });
    await subscribedOfficer(h);
    await h.tickAt('2026-06-01T07:00:00+07:00');
    const result = await h.tickAt('2026-06-09T09:00:00+07:00');
    expect(result).toMatchObject({ status: 'done', days: ['2026-06-09'] });
    const got = await h.inbox(OFFICER);
    expect(got).toHaveLength(1);
    expect(got[0]?.text).toContain('còn 1 ngày');
  });

  it('keeps the last completed tick when Redis fails mid-tick, so the next tick sends what it missed', async () => {
    const h = await harness({ start: '2026-06-09T07:00:00+07:00' });
    await subscribedOfficer(h);
    await h.tickAt('2026-06-09T07:00:00+07:00');
    const original = h.app.outbound;
    h.app.outbound = { enqueue: () => Promise.reject(new Error('Connection is closed.')) };
    await expect(h.tickAt('2026-06-09T08:00:30+07:00')).rejects.toThrow('Connection is closed');
    h.app.outbound = original;
    expect(await h.inbox(OFFICER)).toEqual([]);
    await h.tickAt('2026-06-09T08:01:30+07:00');
    expect(textOf(await h.inbox(OFFICER))).toContain('còn 1 ngày');
  });
});

describe('Zalo outside the 7-day window', () => {
  class FakeZalo implements ChannelSender {
    readonly channel = 'zalo' as const;
    calls: { nativeId: string; opts?: ProactiveOptions }[] = [];
    async send(nativeId: string, _replies: Reply[], opts?: ProactiveOptions) {
      this.calls.push({ nativeId, opts });
      // Outside the window only a template gets through.
      return opts?.template ? { status: 'sent' as const } : { status: 'undeliverable' as const, reason: 'outside_window' };
    }
  }

  it('attaches the configured template to reminders for Zalo officers', async () => {
    const h = await harness({ env: { ZALO_REMINDER_TEMPLATE_ID: 'tpl-123' } });
    const zalo = new FakeZalo();
    h.app.senders.set('zalo', zalo);
    await subscribedOfficer(h, 'zalo:8404123456789012345');
    await h.tickAt('2026-06-09T08:00:30+07:00');
    expect(zalo.calls).toEqual([
      {
        nativeId: '8404123456789012345',
        opts: { template: { id: 'tpl-123', data: { obligation: expect.stringContaining('Báo cáo 6 tháng'), deadline: '10/06/2026', unit: 'UBND xã, phường, đặc khu, Phường Tô Hiệu, Tỉnh Sơn La', days: '1' } } },
      },
    ]);
    expect(await campaignStats(h.app, 'reminders:2026-06-09')).toMatchObject({ sent: 1 });
  });

  it('without a template, the delivery log records the reminder undeliverable with the reason', async () => {
    const h = await harness();
    const zalo = new FakeZalo();
    h.app.senders.set('zalo', zalo);
    await subscribedOfficer(h, 'zalo:99');
    await h.tickAt('2026-06-09T08:00:30+07:00');
    expect(zalo.calls).toEqual([{ nativeId: '99', opts: undefined }]);
    expect(await campaignStats(h.app, 'reminders:2026-06-09')).toMatchObject({ undeliverable: 1 });
    expect(await statusOf(h.app, 'reminders:2026-06-09', 'zalo:99')).toBe('undeliverable:outside_window');
  });
});

it('sends nothing to an officer who said /stop, and says why in the delivery log', async () => {
  const h = await harness();
  await subscribedOfficer(h);
  await h.send(OFFICER, '/stop');
  await h.tickAt('2026-06-09T08:00:30+07:00');
  expect(await h.inbox(OFFICER)).toEqual([]);
  expect(await campaignStats(h.app, 'reminders:2026-06-09')).toMatchObject({ opted_out: 1 });
});

it('goes out through the durable outbound queue once the bot has started', async () => {
  const h = await harness({ start: '2026-06-09T07:00:00+07:00' });
  await subscribedOfficer(h);
  await h.app.start();
  // The test drives the ticks itself.
  await h.app.need(REMINDERS).scheduler.stop();
  expect(h.app.outbound.constructor.name).toBe('DurableOutbound');
  await h.tickAt('2026-06-09T08:00:30+07:00');
  await expect.poll(async () => textOf(await h.inbox(OFFICER)), { timeout: 10_000 }).toContain('còn 1 ngày');
  // Running the same morning again (as after a crash before the tick was recorded) adds nothing.
  await h.app.redis.set(`${h.app.prefix}rem:last-tick`, String(Date.parse('2026-06-09T07:59:00+07:00')));
  expect(await h.tickAt('2026-06-09T08:05:00+07:00')).toMatchObject({ status: 'done', days: ['2026-06-09'], counts: { reminders: 1 } });
  await new Promise((r) => setTimeout(r, 500));
  expect(await h.inbox(OFFICER)).toEqual([]);
});

it('survives Redis going down during a tick: the tick fails, and the next one after Redis is back sends what was missed, marked late', async () => {
  const server = await startRedisServer({ appendonly: true });
  try {
    const h = await harness({ redisUrl: server.url, start: '2026-06-09T07:00:00+07:00' });
    await subscribedOfficer(h);
    await h.tickAt('2026-06-09T07:00:00+07:00');
    await server.crash();
    await expect(h.tickAt('2026-06-09T08:00:30+07:00')).rejects.toThrow();
    await server.start();
    await untilAnswers(h.app.redis);
    await h.tickAt('2026-06-09T08:30:00+07:00');
    const [late] = await h.inbox(OFFICER);
    expect(late?.text).toContain('Nhắc muộn');
    expect(late?.text).toContain('còn 1 ngày');
    await h.close();
    open = open.filter((x) => x !== h);
  } finally {
    await server.dispose();
  }
});
