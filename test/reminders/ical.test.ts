import ICAL from 'ical.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/core/message.js';
import { escapeText, foldLine, icsCalendar } from '../../src/reminders/ical.js';
import { textOf, keysMatching } from '../support/app.js';
import { listen } from '../support/http.js';
import { remindersHarness, type RemindersHarness } from './helpers.js';

/** Parses with an independent RFC 5545 parser and lists the events as people would see them. */
function events(ics: string) {
  const cal = new ICAL.Component(ICAL.parse(ics));
  return cal.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return { uid: e.uid, date: e.startDate.toString(), allDay: e.startDate.isDate, summary: e.summary, description: e.description, stamp: v.getFirstPropertyValue('dtstamp')?.toString() };
  });
}

/** Every line ends in CRLF and holds at most 75 octets (RFC 5545 3.1). */
function expectWellFormed(ics: string) {
  expect(ics.endsWith('\r\n')).toBe(true);
  expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  for (const line of ics.split('\r\n').slice(0, -1)) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
}

describe('iCalendar writing', () => {
  it('escapes text and folds long lines at 75 octets without splitting a Vietnamese letter', () => {
    expect(escapeText('a, b; c\\d\ne')).toBe('a\\, b\\; c\\\\d\\ne');
    const long = 'SUMMARY:' + 'Báo cáo định kỳ về xây dựng xã hội học tập gửi Sở Giáo dục và Đào tạo, '.repeat(3);
    const folded = foldLine(long);
    expectWellFormed(folded + '\r\n');
    expect(folded.split('\r\n').slice(1).every((l) => l.startsWith(' '))).toBe(true);
    expect(folded.replace(/\r\n /g, '')).toBe(long);
  });

  it('writes all-day events that a calendar parser reads back exactly', () => {
    const ics = icsCalendar({
      name: 'Hạn báo cáo',
      now: new Date('2026-11-25T03:00:00Z'),
      events: [{ uid: 'a@x', date: '2026-12-10', summary: 'Báo cáo; gửi Sở, trước 10/12', description: 'Dòng 1\nDòng 2 \\ hết' }],
    });
    expectWellFormed(ics);
    expect(ics).toContain('DTSTART;VALUE=DATE:20261210\r\n');
    expect(events(ics)).toEqual([
      { uid: 'a@x', date: '2026-12-10', allDay: true, summary: 'Báo cáo; gửi Sở, trước 10/12', description: 'Dòng 1\nDòng 2 \\ hết', stamp: '2026-11-25T03:00:00Z' },
    ]);
  });
});

describe("an officer's deadlines as a calendar", () => {
  let h: RemindersHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function officer() {
    h = await remindersHarness({ start: '2026-11-25T10:00:00+07:00', env: { CALENDAR_BASE_URL: 'https://bot.example.vn/' } });
    await h.officer('web:so-nganh', 'son-la', 'so_nganh');
    await h.send('web:so-nganh', { choice: 'deadlines' });
    await h.send('web:so-nganh', { choice: 'yes' });
    return h;
  }

  it('comes as a file in the chat holding the unit’s deadlines from this year on', async () => {
    const t = await officer();
    const replies = await t.send('web:so-nganh', { choice: 'calendar_file' });
    const file = replies.find((r) => r.file)?.file as NonNullable<Reply['file']>;
    expect(file).toMatchObject({ name: 'han-bao-cao-so_nganh-son-la.ics', mime: 'text/calendar' });
    expectWellFormed(file.content);
    const got = events(file.content);
    // 004 III.6.2: departments report before 10 December every year while the plan runs (to 2030): the 9th is the last day.
    expect(got.map((e) => e.date)).toEqual(['2026-12-09', '2027-12-09', '2028-12-09', '2029-12-09', '2030-12-09']);
    expect(got[0]).toMatchObject({
      allDay: true,
      uid: 'sl_2547_bao_cao_nam@20261209.so_nganh.son-la@xhht-bot',
      summary: 'Hạn báo cáo (trước ngày 10/12/2026): Báo cáo định kỳ về xây dựng xã hội học tập gửi Sở Giáo dục và Đào tạo',
      description: expect.stringContaining('Căn cứ: 2547/QĐ-UBND, mục III.6.2'),
    });
    expect(textOf(replies)).toContain('Anh/Chị muốn làm gì tiếp?');
  });

  it('comes from a secret link that calendar apps read, until it is revoked or the role is gone', async () => {
    const t = await officer();
    const http = await listen(t.app);
    try {
      const said = textOf(await t.send('web:so-nganh', { choice: 'calendar_link' }));
      const url = /https:\/\/bot\.example\.vn\/api\/calendar\/([A-Za-z0-9_-]{43})\.ics/.exec(said);
      expect(url).not.toBeNull();
      const path = `/api/calendar/${url?.[1]}.ics`;
      const res = await fetch(http.url + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
      const body = await res.text();
      expectWellFormed(body);
      expect(events(body).map((e) => e.date)[0]).toBe('2026-12-09');
      // The token is kept only hashed.
      const keys = await keysMatching(t.app.redis, `${t.app.prefix}rem:cal*`);
      for (const k of keys) expect(`${k} ${await t.app.redis.get(k)}`).not.toContain(url?.[1]);

      for (const forged of ['/api/calendar/abc.ics', `/api/calendar/${'A'.repeat(43)}.ics`, `/api/calendar/${url?.[1]}`, '/api/calendar/../../healthz.ics'])
        expect((await fetch(http.url + forged)).status).toBe(404);

      // A new link replaces the old one.
      const again = textOf(await t.send('web:so-nganh', { choice: 'calendar_link' }));
      const second = /\/api\/calendar\/([A-Za-z0-9_-]{43})\.ics/.exec(again)?.[1];
      expect((await fetch(http.url + path)).status).toBe(404);
      expect((await fetch(`${http.url}/api/calendar/${second}.ics`)).status).toBe(200);

      expect(textOf(await t.send('web:so-nganh', { choice: 'revoke_link' }))).toContain('Đã thu hồi liên kết lịch');
      expect((await fetch(`${http.url}/api/calendar/${second}.ics`)).status).toBe(404);

      const third = /\/api\/calendar\/([A-Za-z0-9_-]{43})\.ics/.exec(textOf(await t.send('web:so-nganh', { choice: 'calendar_link' })))?.[1];
      await t.app.roles.forget('web:so-nganh');
      expect((await fetch(`${http.url}/api/calendar/${third}.ics`)).status).toBe(404);
    } finally {
      await http.close();
    }
  });
});
