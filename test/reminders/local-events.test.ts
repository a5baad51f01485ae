import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/console/audit.js';
import { consoleKeys } from '../../src/console/keys.js';
import { REMINDERS } from '../../src/reminders/capability.js';
import { textOf } from '../support/app.js';
import { signedInBrowser, type ConsoleBrowser } from '../support/console.js';
import { remindersHarness, type RemindersHarness } from './helpers.js';

const ORG = 'web:local-org-to-hieu';
const OTHER_ORG = 'web:local-org-tan-ninh';
const HERE = 'web:local-citizen-to-hieu';
const NEIGHBOUR = 'web:local-citizen-chieng-le';
const ELSEWHERE = 'web:local-citizen-tan-ninh';
const ADMIN = 'telegram:4301';

describe('local events an organiser adds in the console', () => {
  let h: RemindersHarness;
  let org: ConsoleBrowser;
  let other: ConsoleBrowser;
  const fair = { scope: 'son-la.to-hieu', name_vi: 'Ngày hội đọc sách phường Tô Hiệu', name_en: 'To Hieu reading fair', start: '2026-09-20', end: '2026-09-21', theme: 'Đọc để lớn lên', place: 'Nhà văn hóa tổ 3' };
  const stored = () => h.app.need(REMINDERS).reminders.local.of('son-la.to-hieu');

  beforeAll(async () => {
    h = await remindersHarness({ start: '2026-09-01T09:00:00+07:00', env: { ADMIN_IDS: ADMIN } });
    org = await h.organiserInConsole(ORG, 'son-la.to-hieu');
    other = await h.organiserInConsole(OTHER_ORG, 'tay-ninh.tan-ninh');
    await h.newsReader(HERE, 'son-la.to-hieu');
    await h.newsReader(NEIGHBOUR, 'son-la.chieng-le');
    await h.newsReader(ELSEWHERE, 'tay-ninh.tan-ninh');
    await h.app.http.ready();
  });
  afterAll(() => h?.close());

  it('refuses bad input with a clear message and stores nothing', async () => {
    const path = '/admin/settings/local?area=son-la.to-hieu';
    const from = '/admin/settings?area=son-la.to-hieu';
    const cases: [Record<string, string>, string, string][] = [
      [{ end: '2026-09-19' }, 'end_before_start', 'Ngày kết thúc cần từ ngày bắt đầu trở đi.'],
      [{ start: '2025-09-20', end: '' }, 'start', 'Ngày bắt đầu chưa đúng (năm nay trở đi).'],
      [{ name_vi: 'Hội '.repeat(40) }, 'name', 'Tên sự kiện (tiếng Việt) cần có, tối đa 120 ký tự.'],
      [{ name_vi: '  ' }, 'name', 'Tên sự kiện (tiếng Việt) cần có'],
      [{ start: '2026-08-01', end: '2026-08-02' }, 'over', 'Sự kiện này đã qua.'],
      [{ end: '2026-12-31' }, 'event_too_long', 'Sự kiện dài tối đa 31 ngày.'],
    ];
    for (const [change, error, text] of cases) {
      const answer = await org.post(path, { ...fair, ...change }, from);
      expect(answer.status).toBe(200);
      expect(answer.body).toContain(`data-error="${error}"`);
      expect(answer.body).toContain(text);
      // What was typed stays in the form.
      expect(answer.body).toContain(`value="${(change.name_vi ?? fair.name_vi).trim() ? (change.name_vi ?? fair.name_vi) : ''}"`);
    }
    // Another area's id, from its organiser or from the form's own page: not found, nothing stored.
    expect((await other.post(path, fair, '/admin/settings')).status).toBe(404);
    expect((await other.post('/admin/settings/local', fair, '/admin/settings')).status).toBe(404);
    expect((await org.post(path, { ...fair, scope: 'son-la' }, from)).status).toBe(404);
    expect((await org.post(path, { ...fair, scope: '*' }, from)).status).toBe(404);
    // Without the form's token.
    expect((await org.post(path, fair)).status).toBe(403);
    expect(await stored()).toEqual([]);
  });

  it('adds the event for the commune: the table, the chat overview and the audit show it', async () => {
    const saved = await org.post('/admin/settings/local?area=son-la.to-hieu', fair, '/admin/settings?area=son-la.to-hieu');
    expect(saved.status).toBe(303);
    const [event] = await stored();
    expect(event).toMatchObject({ area: 'son-la.to-hieu', name: { vi: fair.name_vi, en: fair.name_en }, start: '2026-09-20', end: '2026-09-21', theme: fair.theme, place: fair.place });
    const page = await org.get('/admin/settings?area=son-la.to-hieu');
    expect(page.body).toMatch(new RegExp(`data-event="${event?.id}" data-local="son-la.to-hieu"><td>${fair.name_vi}<br><small class="muted">${fair.place} · Sự kiện của Phường Tô Hiệu[^<]*</small></td><td data-dates>20/09/2026 – 21/09/2026</td><td>${fair.theme}</td><td>sự kiện địa phương`));
    expect(page.body).toContain(`data-remove="${event?.id}"`);
    // The organiser of another commune never sees it.
    expect((await other.get('/admin/settings')).body).not.toContain(fair.name_vi);
    const audit = await new AuditLog(h.app.redis, consoleKeys(h.app.prefix).audit).latest(10);
    expect(audit.map((e) => `${e.action} ${e.area}`)).toContain('event.add son-la.to-hieu');

    // The chat's "Tuần lễ học tập" lists it for the commune, not for the one next door.
    const overview = async (user: string) => {
      await h.send(user, '/menu');
      return textOf(await h.send(user, { choice: 'news' }));
    };
    const here = await overview(HERE);
    expect(here).toContain(`📅 ${fair.name_vi}: 20/09/2026 – 21/09/2026`);
    expect(here).toContain('📅 Tuần lễ hưởng ứng học tập suốt đời');
    expect(await overview(NEIGHBOUR)).not.toContain(fair.name_vi);
  });

  it('announces it a week ahead and on the day to subscribers of the commune only, once each', async () => {
    await h.tickAt('2026-09-13T08:00:20+07:00');
    const ahead = textOf(await h.inbox(HERE));
    expect(ahead).toContain(`Còn 7 ngày nữa là ${fair.name_vi}`);
    expect(ahead).toContain('Địa điểm: Nhà văn hóa tổ 3');
    expect(ahead).toContain(fair.theme);
    await h.tickAt('2026-09-13T09:00:20+07:00');
    expect(await h.inbox(HERE)).toEqual([]);
    await h.tickAt('2026-09-20T08:00:20+07:00');
    expect(textOf(await h.inbox(HERE))).toContain(`Hôm nay bắt đầu ${fair.name_vi}`);
    expect(textOf(await h.inbox(NEIGHBOUR))).not.toContain(fair.name_vi);
    expect(textOf(await h.inbox(ELSEWHERE))).not.toContain(fair.name_vi);
  });

  it('lets an administrator add an event for everywhere, which every subscriber hears of', async () => {
    await h.send(ADMIN, '/start');
    const admin = await signedInBrowser(h.app, ADMIN);
    const day = { scope: '*', name_vi: 'Ngày Khuyến học Việt Nam', start: '2026-10-02', end: '', theme: '', place: '' };
    expect((await admin.post('/admin/settings/local?area=tay-ninh', day, '/admin/settings?area=tay-ninh')).status).toBe(303);
    const [everywhere] = await h.app.need(REMINDERS).reminders.local.of('*');
    expect(everywhere).toMatchObject({ area: '*', name: { vi: day.name_vi }, start: '2026-10-02', end: '2026-10-02' });
    expect(everywhere?.name.en).toBeUndefined();
    expect((await org.get('/admin/settings?area=son-la.to-hieu')).body).toContain('02/10/2026');
    await h.tickAt('2026-09-25T08:00:20+07:00');
    for (const user of [HERE, NEIGHBOUR, ELSEWHERE]) expect(textOf(await h.inbox(user)), user).toContain(`Còn 7 ngày nữa là ${day.name_vi}`);
  });

  it('removes it only through its own area’s form', async () => {
    const [event] = await stored();
    const remove = { scope: 'son-la.to-hieu', id: event?.id ?? '' };
    expect((await other.post('/admin/settings/local/remove', remove, '/admin/settings')).status).toBe(404);
    expect((await org.post('/admin/settings/local/remove?area=son-la.to-hieu', remove)).status).toBe(403);
    expect(await stored()).toHaveLength(1);
    expect((await org.post('/admin/settings/local/remove?area=son-la.to-hieu', remove, '/admin/settings?area=son-la.to-hieu')).status).toBe(303);
    expect(await stored()).toEqual([]);
    expect((await org.get('/admin/settings?area=son-la.to-hieu')).body).not.toContain(fair.name_vi);
  });
});
