import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/console/audit.js';
import { consoleKeys } from '../../src/console/keys.js';
import { REMINDERS } from '../../src/reminders/capability.js';
import { textOf } from '../support/app.js';
import { signedInBrowser, type ConsoleBrowser } from '../support/console.js';
import { remindersHarness, type RemindersHarness } from './helpers.js';

const ORG = 'web:week-org-son-la';
const OTHER_ORG = 'web:week-org-tay-ninh';
const SON_LA = 'web:week-citizen-son-la';
const TAY_NINH = 'web:week-citizen-tay-ninh';
const ADMIN = 'telegram:4001';

describe('Learning Week settings in the console', () => {
  let h: RemindersHarness;
  let org: ConsoleBrowser;
  let other: ConsoleBrowser;
  const week = { scope: 'son-la', start: '2026-10-12', end: '2026-10-18', theme: 'Học tập suốt đời trong kỷ nguyên số' };
  const settings = () => h.app.need(REMINDERS).reminders.weeks.forYear('learning_week', 2026);

  beforeAll(async () => {
    h = await remindersHarness({ start: '2026-09-01T09:00:00+07:00', env: { ADMIN_IDS: ADMIN } });
    org = await h.organiserInConsole(ORG, 'son-la');
    other = await h.organiserInConsole(OTHER_ORG, 'tay-ninh');
    await h.newsReader(SON_LA, 'son-la.to-hieu');
    await h.newsReader(TAY_NINH, 'tay-ninh.tan-ninh');
    await h.app.http.ready();
  });
  afterAll(() => h?.close());

  it('shows the events of the area with the week’s usual dates', async () => {
    const page = await org.get('/admin/settings');
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/data-event="learning_week"><td>Tuần lễ hưởng ứng học tập suốt đời<br><small class="muted">[^<]+<\/small><\/td><td data-dates>01\/10\/2026 – 07\/10\/2026<\/td>/);
    expect(page.body).toContain('data-event="book_day"');
    expect(page.body).toContain('Năm 2026: 01/10/2026 – 07/10/2026 (ngày thường lệ)');
  });

  it('changes nothing without the form’s token, for another area’s organiser, or with wrong dates', async () => {
    expect((await org.post('/admin/settings/week', week)).status).toBe(403);
    expect((await other.post('/admin/settings/week', week, '/admin/settings')).status).toBe(404);
    expect((await other.get('/admin/settings?area=son-la')).status).toBe(404);
    // The whole country is an administrator's to set.
    expect((await org.post('/admin/settings/week?area=son-la', { ...week, scope: '*' }, '/admin/settings')).status).toBe(404);
    const bad = await org.post('/admin/settings/week?area=son-la', { ...week, end: '2026-10-01' }, '/admin/settings');
    expect(bad.status).toBe(200);
    expect(bad.body).toContain('data-error="end_before_start"');
    const long = await org.post('/admin/settings/week?area=son-la', { ...week, end: '2026-12-01' }, '/admin/settings');
    expect(long.body).toContain('Tuần lễ dài tối đa 31 ngày.');
    expect((await settings()).size).toBe(0);
  });

  it('saves the week for the area, and the next announcement uses the new dates', async () => {
    const saved = await org.post('/admin/settings/week?area=son-la', week, '/admin/settings');
    expect(saved.status).toBe(303);
    expect((await settings()).get('son-la')).toMatchObject({ start: '2026-10-12', end: '2026-10-18', theme: week.theme });
    const page = await org.get('/admin/settings');
    expect(page.body).toContain('Năm 2026: 12/10/2026 – 18/10/2026 (đã đặt riêng)');
    expect(page.body).toContain('data-clear="son-la">Bỏ ngày đã đặt cho Tỉnh Sơn La</button>');
    const entries = await new AuditLog(h.app.redis, consoleKeys(h.app.prefix).audit).latest(10);
    expect(entries.map((e) => `${e.action} ${e.area}`)).toContain('week.set son-la');

    // A week before the usual 1 October: Tây Ninh hears of its week, Sơn La (moved) nothing yet.
    await h.tickAt('2026-09-24T08:00:20+07:00');
    expect(textOf(await h.inbox(TAY_NINH))).toContain('Còn 7 ngày nữa là Tuần lễ hưởng ứng học tập suốt đời');
    expect(await h.inbox(SON_LA)).toEqual([]);
    await h.tickAt('2026-10-05T08:00:20+07:00');
    const news = textOf(await h.inbox(SON_LA));
    expect(news).toContain('Còn 7 ngày nữa');
    expect(news).toContain('12/10/2026 – 18/10/2026');
    expect(news).toContain(week.theme);

    // Undone: the area follows the usual days again; only its organiser can, and only through the form.
    const clear = { scope: 'son-la', year: '2026' };
    expect((await other.post('/admin/settings/week/clear', clear, '/admin/settings')).status).toBe(404);
    expect((await org.post('/admin/settings/week/clear?area=son-la', clear)).status).toBe(403);
    expect((await settings()).has('son-la')).toBe(true);
    expect((await org.post('/admin/settings/week/clear?area=son-la', clear, '/admin/settings')).status).toBe(303);
    expect((await settings()).has('son-la')).toBe(false);
    expect((await org.get('/admin/settings')).body).toContain('Năm 2026: 01/10/2026 – 07/10/2026 (ngày thường lệ)');
  });

  it('lets an administrator set the week for the whole country, below what an area set', async () => {
    await h.send(ADMIN, '/start');
    const admin = await signedInBrowser(h.app, ADMIN);
    const saved = await admin.post('/admin/settings/week?area=tay-ninh', { scope: '*', start: '2027-10-04', end: '2027-10-10', theme: '' }, '/admin/settings?area=tay-ninh');
    expect(saved.status).toBe(303);
    const weeks = await h.app.need(REMINDERS).reminders.weeks.forYear('learning_week', 2027);
    expect(weeks.get('*')).toMatchObject({ start: '2027-10-04', end: '2027-10-10' });
    expect((await admin.get('/admin/settings?area=tay-ninh')).body).toContain('Năm 2027: 04/10/2027 – 10/10/2027 (đã đặt riêng)');
  });
});
