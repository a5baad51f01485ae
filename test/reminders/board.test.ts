import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/console/audit.js';
import { consoleKeys } from '../../src/console/keys.js';
import { REMINDERS } from '../../src/reminders/capability.js';
import { textOf } from '../support/app.js';
import { signedInBrowser, type ConsoleBrowser } from '../support/console.js';
import { remindersHarness, reportedValue, type RemindersHarness } from './helpers.js';

const TO_HIEU = 'web:board-to-hieu';
const CHIENG_AN = 'web:board-chieng-an';
const PROVINCE = 'web:board-son-la';
const TAY_NINH = 'web:board-tay-ninh';
/** Sơn La, 004 V.14: the communes' People's Committees report on 10 June. */
const SIX_MONTHLY = 'sl_2547_bao_cao_6_thang';

/** The rows of one obligation's table: unit key → state, and the row's text. */
function rowsOf(page: string, obligation: string): Map<string, { state: string; text: string }> {
  const card = new RegExp(`<section class="card board" id="${obligation}"[\\s\\S]*?</section>`).exec(page)?.[0] ?? '';
  const rows = new Map<string, { state: string; text: string }>();
  for (const m of card.matchAll(/<tr class="\w+" data-unit="([^"]+)" data-state="(\w+)">([\s\S]*?)<\/tr>/g))
    rows.set(m[1] as string, { state: m[2] as string, text: (m[3] as string).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim() });
  return rows;
}

describe('the deadlines board in the console', () => {
  let h: RemindersHarness;
  const browsers = new Map<string, ConsoleBrowser>();

  async function signedIn(user: string): Promise<ConsoleBrowser> {
    const known = browsers.get(user);
    if (known) return known;
    const browser = await signedInBrowser(h.app, user);
    browsers.set(user, browser);
    return browser;
  }

  /** An officer of a commune's People's Committee who subscribes to its reminders in the chat. */
  async function subscribed(user: string, area: string): Promise<void> {
    await h.officer(user, area, 'ubnd_xa');
    await h.send(user, { choice: 'deadlines' });
    expect(textOf(await h.send(user, { choice: 'yes' }))).toContain('Đã đăng ký');
  }

  beforeAll(async () => {
    h = await remindersHarness({ start: '2026-05-20T09:00:00+07:00' });
    await subscribed(TO_HIEU, 'son-la.to-hieu');
    await subscribed(CHIENG_AN, 'son-la.chieng-an');
    await h.officer(PROVINCE, 'son-la', 'so_gddt');
    await h.officer(TAY_NINH, 'tay-ninh', 'so_gddt');
    await h.app.http.ready();
  });
  afterAll(() => h?.close());

  it('shows a province officer every commune that owes the report, open before the deadline', async () => {
    await h.tickAt('2026-05-27T08:00:20+07:00');
    const page = await (await signedIn(PROVINCE)).get('/admin/deadlines');
    expect(page.status).toBe(200);
    const rows = rowsOf(page.body, SIX_MONTHLY);
    const communes = h.app.areas.children('son-la').filter((a) => a.kind === 'commune');
    expect(rows.size).toBe(communes.length);
    expect([...rows.values()].every((r) => r.state === 'open')).toBe(true);
    expect(page.body).toContain('Hạn: 10/06/2026');
    // The 14-day reminder went to each subscribed officer, and the board counts it.
    expect(rows.get('ubnd_xa|son-la.to-hieu')?.text).toContain('Phường Tô Hiệu Chưa nộp 1 1 Chưa');
    expect(rows.get('ubnd_xa|son-la.chieng-an')?.text).toContain('Chưa nộp 1 1 Chưa');
    expect(page.body).toContain('Nhắc đã gửi: 2 · 0 đơn vị được nhắc đã xem');
  });

  it('counts a reminder seen when the unit asks to hear of it again, though it has not reported', async () => {
    const [reminder] = await h.inbox(CHIENG_AN);
    const snooze = reminder?.choices?.find((c) => c.value.startsWith('/snooze '))?.value ?? '';
    expect(textOf(await h.send(CHIENG_AN, snooze))).toContain('tôi sẽ nhắc lại');
    const page = await (await signedIn(PROVINCE)).get('/admin/deadlines');
    const row = rowsOf(page.body, SIX_MONTHLY).get('ubnd_xa|son-la.chieng-an');
    expect(row).toEqual({ state: 'open', text: expect.stringMatching(/Chưa nộp 1 1 Hẹn nhắc lại \(\d\d:\d\d 27\/05\/2026\) \.ics$/) });
    expect(page.body).toContain('Nhắc đã gửi: 2 · 1 đơn vị được nhắc đã xem (hẹn nhắc lại hoặc đã nộp) · 0 đơn vị đã báo &quot;Đã nộp&quot;');
  });

  it('marks a unit reported after "Đã nộp" and the others late after the deadline', async () => {
    await h.tickAt('2026-06-03T08:00:20+07:00');
    const [reminder] = await h.inbox(TO_HIEU);
    expect(textOf(await h.send(TO_HIEU, reportedValue(reminder!)))).toContain('Đã ghi nhận');
    for (const day of ['2026-06-07', '2026-06-09', '2026-06-10', '2026-06-11']) await h.tickAt(`${day}T08:00:20+07:00`);

    const page = await (await signedIn(PROVINCE)).get('/admin/deadlines');
    const rows = rowsOf(page.body, SIX_MONTHLY);
    expect(rows.get('ubnd_xa|son-la.to-hieu')?.state).toBe('reported');
    expect(rows.get('ubnd_xa|son-la.to-hieu')?.text).toMatch(/Đã nộp \(\d\d:\d\d 03\/06\/2026\) 1 2 Đã nộp \.ics$/);
    // Chiềng An's officer was reminded on every day up to and after the deadline, and still has not reported.
    expect(rows.get('ubnd_xa|son-la.chieng-an')).toEqual({ state: 'late', text: expect.stringMatching(/Quá hạn 1 ngày 1 \d+ Hẹn nhắc lại \(.*\) \.ics$/) });
    expect([...rows.values()].filter((r) => r.state === 'reported')).toHaveLength(1);
    // Late first, highlighted; the summary says how many.
    expect(page.body).toMatch(/<tr class="late" data-unit="ubnd_xa\|son-la\.[a-z-]+"/);
    expect(page.body).toContain(`1/${rows.size} đơn vị đã nộp · ${rows.size - 1} quá hạn`);
    // The overview at the top: one line per report, the late ones marked.
    expect(page.body).toMatch(new RegExp(`<tr class="late" data-overview="${SIX_MONTHLY}">.*?<td>10/06/2026</td><td class="num">1/${rows.size}</td><td class="num">${rows.size - 1}</td></tr>`));
    // → the next deadline of the same report: nobody has reported it yet, nobody is late.
    const next = await (await signedIn(PROVINCE)).get(`/admin/deadlines?obligation=${SIX_MONTHLY}&due=2026-12-10`);
    expect(next.body).toContain('Hạn: 10/12/2026');
    expect(new Set([...rowsOf(next.body, SIX_MONTHLY).values()].map((r) => r.state))).toEqual(new Set(['open']));
    expect(page.body).toContain(`href="/admin/deadlines?area=son-la&amp;obligation=${SIX_MONTHLY}&amp;due=2026-12-10#${SIX_MONTHLY}"`);
    expect(page.body).toMatch(/Nhắc đã gửi: \d+ · 2 đơn vị được nhắc đã xem \(hẹn nhắc lại hoặc đã nộp\) · 1 đơn vị đã báo &quot;Đã nộp&quot;/);
  });

  it('downloads the board as CSV for the officer’s own area only, and audits it', async () => {
    const province = await signedIn(PROVINCE);
    const csv = await province.get('/admin/deadlines.csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('han-bao-cao-son-la-2026-06-11.csv');
    expect(csv.body.startsWith('\uFEFFBáo cáo,Hạn,Đơn vị,Địa bàn,Tình trạng,Nhắc đã gửi,Đã xem\r\n')).toBe(true);
    const lines = csv.body.split('\r\n');
    const communes = h.app.areas.children('son-la').filter((a) => a.kind === 'commune').length;
    expect(lines.filter((l) => l.includes(',2026-06-10,')).length).toBe(communes);
    expect(lines.find((l) => l.includes(',2026-06-10,') && l.includes('Phường Tô Hiệu'))).toMatch(/,Đã nộp,\d+,Đã nộp$/);
    expect(lines.find((l) => l.includes(',2026-06-10,') && l.includes('Phường Chiềng An'))).toMatch(/,Quá hạn,\d+,Hẹn nhắc lại \(.*\)$/);
    // A commune officer: their commune's rows; another commune's or the province's is not theirs.
    const commune = await signedIn(CHIENG_AN);
    const own = await commune.get('/admin/deadlines.csv?area=son-la.chieng-an');
    expect(own.status).toBe(200);
    expect(own.body).toContain('Phường Chiềng An');
    expect(own.body).not.toContain('Tô Hiệu');
    for (const path of ['/admin/deadlines.csv?area=son-la.to-hieu', '/admin/deadlines.csv?area=son-la']) {
      const res = await commune.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('Tô Hiệu');
    }
    const audit = await new AuditLog(h.app.redis, consoleKeys(h.app.prefix).audit).latest(10);
    expect(audit.filter((e) => e.action === 'deadlines.export.csv').map((e) => e.area).sort()).toEqual(['son-la', 'son-la.chieng-an']);
  });

  it('shows a commune officer their own commune only, and nothing of another area', async () => {
    const browser = await signedIn(CHIENG_AN);
    const own = await browser.get('/admin/deadlines');
    expect(own.status).toBe(200);
    expect([...rowsOf(own.body, SIX_MONTHLY).keys()]).toEqual(['ubnd_xa|son-la.chieng-an']);
    expect(own.body).not.toContain('Tô Hiệu');
    for (const path of ['/admin/deadlines?area=son-la', '/admin/deadlines?area=son-la.to-hieu', '/admin/deadlines/calendar/ubnd_xa/son-la.to-hieu.ics']) {
      const res = await browser.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('Tô Hiệu');
    }
    const ics = await browser.get('/admin/deadlines/calendar/ubnd_xa/son-la.chieng-an.ics');
    expect(ics.status).toBe(200);
    expect(ics.headers['content-type']).toContain('text/calendar');
    expect(ics.body).toContain('DTSTART;VALUE=DATE:20261210');

    expect((await browser.post('/admin/lang', { lang: 'en', back: '/admin/deadlines' }, '/admin/deadlines')).status).toBe(303);
    const english = await browser.get('/admin/deadlines');
    expect(english.body).toContain('Reporting deadlines');
    expect(english.body).not.toMatch(/\b(?:boards|reminders)\.[a-z_]+\.[a-z_]/);

    const tayNinh = await signedIn(TAY_NINH);
    expect((await tayNinh.get('/admin/deadlines?area=son-la')).status).toBe(404);
    const theirs = await tayNinh.get('/admin/deadlines');
    expect(theirs.body).toContain('Tỉnh Tây Ninh');
    expect(theirs.body).not.toContain('Sơn La');
  });

  it('gives an officer a calendar link only through the page’s form', async () => {
    const browser = await signedIn(CHIENG_AN);
    const { tokens } = h.app.need(REMINDERS).reminders;
    const forged = await browser.post('/admin/deadlines/calendar-link');
    expect(forged.status).toBe(403);
    expect(await tokens.has(CHIENG_AN)).toBe(false);
    const made = await browser.post('/admin/deadlines/calendar-link', {}, '/admin/deadlines');
    expect(made.status).toBe(200);
    const url = /data-calendar-link[^>]*|value="([^"]+)" data-calendar-link/.exec(made.body)?.[1] ?? '';
    expect(url).toMatch(/\/api\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    const ics = await h.app.http.inject({ method: 'GET', url: new URL(url).pathname });
    expect(ics.statusCode).toBe(200);
    expect(ics.body).toContain('ubnd_xa.son-la.chieng-an@xhht-bot');
  });
});
