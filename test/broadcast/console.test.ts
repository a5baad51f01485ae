import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/console/audit.js';
import { consoleKeys } from '../../src/console/keys.js';
import { addDays, vnDate } from '../../src/core/clock.js';
import { campaignStats } from '../../src/outbound/deliver.js';
import { signedInBrowser, type ConsoleBrowser } from '../support/console.js';
import { broadcastHarness, type BroadcastHarness } from './helpers.js';

const ORG = 'telegram:7001';
const OTHER_ORG = 'telegram:7002';
const TO_HIEU = ['telegram:7101', 'telegram:7102', 'telegram:7103', 'telegram:7104'];
const BLOCKER = 'telegram:7105';
const STOPPED = 'telegram:7106';
const TAY_NINH = ['telegram:7201', 'telegram:7202'];
const TEXT = 'Tối thứ Bảy: đọc sách cùng con tại Nhà văn hóa phường Tô Hiệu.';

describe('broadcasts in the console', () => {
  let h: BroadcastHarness;
  let org: ConsoleBrowser;
  let other: ConsoleBrowser;
  let sentId = '';

  const form = (extra: Record<string, string> = {}) => ({ areas: 'son-la', role: 'everyone', lang: 'any', channel: 'any', kind: 'text', text: TEXT, link: '', when: 'now', ...extra });
  const audit = () => new AuditLog(h.app.redis, consoleKeys(h.app.prefix).audit).latest(100);

  beforeAll(async () => {
    h = await broadcastHarness({ telegram: { respond: (id) => (id === BLOCKER.slice('telegram:'.length) ? { status: 'blocked', reason: 'bot was blocked by the user' } : undefined) } });
    await h.organiser(ORG, 'son-la');
    await h.organiser(OTHER_ORG, 'tay-ninh');
    for (const u of TO_HIEU) await h.resident(u, 'son-la.to-hieu');
    await h.resident(BLOCKER, 'son-la.chieng-an');
    await h.resident(STOPPED, 'son-la.chieng-an');
    await h.app.users.setOptOut(STOPPED, true);
    for (const u of TAY_NINH) await h.resident(u, 'tay-ninh.tan-ninh');
    await h.app.http.ready();
    org = await signedInBrowser(h.app, ORG);
    other = await signedInBrowser(h.app, OTHER_ORG);
  });
  afterAll(() => h?.close());

  it('offers the organiser’s own areas and counts the audience as it is chosen', async () => {
    const page = await org.get('/admin/broadcasts/new');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<option value="son-la.to-hieu"');
    expect(page.body).not.toContain('tay-ninh');
    const size = await org.get('/admin/broadcasts/audience-size?areas=son-la&role=everyone&lang=any&channel=any');
    expect(JSON.parse(size.body)).toEqual({ reachable: 5, text: 'Sẽ gửi tới 5 người (Telegram: 5). Bỏ qua 1 người đã dừng nhận tin.' });
    expect((await other.get('/admin/broadcasts/audience-size?areas=son-la&role=everyone&lang=any&channel=any')).status).toBe(404);
  });

  it('previews the message as Telegram and Zalo show it, and sends nothing without the form’s token', async () => {
    expect((await org.post('/admin/broadcasts/preview', form())).status).toBe(403);
    const preview = await org.post('/admin/broadcasts/preview', form(), '/admin/broadcasts/new');
    expect(preview.status).toBe(200);
    const [, telegram = '', zalo = ''] = preview.body.split(/data-preview="(?:telegram|zalo)"/);
    expect(telegram).toContain(`📣 Thông báo từ Ban tổ chức Tuần lễ học tập suốt đời (Tỉnh Sơn La):\n${TEXT}`);
    expect(telegram).toContain('<span>Dừng nhận tin</span>');
    expect(zalo).toContain(TEXT);
    expect(zalo).toContain('/stop');
    expect(preview.body).toContain('Sẽ gửi tới 5 người (Telegram: 5)');
    expect(preview.body).toContain('id="send" formaction="/admin/broadcasts/create"');
    expect((await org.post('/admin/broadcasts/create', form())).status).toBe(403);
    expect(await h.broadcasts.store.list()).toEqual([]);
  });

  it('says what is wrong with a bad form and creates nothing', async () => {
    const bad = await org.post('/admin/broadcasts/create', form({ text: '   ', link: 'not a link', when: 'later', date: '2020-01-01', time: '08:00' }), '/admin/broadcasts/new');
    expect(bad.status).toBe(200);
    expect(bad.body).toContain('data-error="text"');
    expect(bad.body).toContain('data-error="link"');
    expect(bad.body).toContain('data-error="past"');
    expect(bad.body).toContain('Thông báo chưa được gửi');
    // The chat's rule for links: a web address on a named host.
    const local = await org.post('/admin/broadcasts/create', form({ link: 'http://localhost:3000/x' }), '/admin/broadcasts/new');
    expect(local.body).toContain('data-error="link"');
    expect(await h.broadcasts.store.list()).toEqual([]);
  });

  it('delivers a broadcast composed in the console exactly once per recipient, with its report as a chart and a CSV', async () => {
    const created = await org.post('/admin/broadcasts/create', form(), '/admin/broadcasts/new');
    expect(created.status).toBe(303);
    sentId = String(created.headers.location).split('/').at(-1) ?? '';
    expect(sentId).toMatch(/^bc-\d{8}-[a-z0-9]{6}$/);
    await h.settle();
    for (const u of TO_HIEU) expect(h.telegram.got.get(u.slice('telegram:'.length)), u).toBe(1);
    expect(h.telegram.duplicates()).toEqual([]);
    for (const u of [BLOCKER, STOPPED, ...TAY_NINH]) expect(h.telegram.got.has(u.slice('telegram:'.length)), u).toBe(false);
    expect(await campaignStats(h.app, sentId)).toEqual({ queued: 6, sent: 4, blocked: 1, opted_out: 1 });

    const report = await org.get(`/admin/broadcasts/${sentId}`);
    expect(report.status).toBe(200);
    const bar = (status: string) => Number(new RegExp(`data-status="${status}" data-count="(\\d+)"`).exec(report.body)?.[1]);
    expect([bar('sent'), bar('failed'), bar('blocked'), bar('opted_out'), bar('undeliverable')]).toEqual([4, 0, 1, 1, 0]);
    expect(report.body).toContain('đã gửi xong');

    const csv = await org.get(`/admin/broadcasts/${sentId}/recipients.csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.startsWith('\uFEFF')).toBe(true);
    const lines = csv.body.trim().split('\r\n');
    expect(lines).toHaveLength(7);
    expect(lines.filter((l) => l.endsWith(',telegram,Đã gửi,'))).toHaveLength(4);
    expect(lines.filter((l) => l.includes(',Đã chặn,'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes(',Đã dừng nhận tin,'))).toHaveLength(1);
    // People by their pseudonymous reference only.
    expect(csv.body).not.toContain('7101');
    expect((await audit()).map((e) => e.action)).toEqual(expect.arrayContaining(['broadcast.send', 'broadcast.export']));

    const list = await org.get('/admin/broadcasts');
    expect(list.body).toContain(`data-broadcast="${sentId}" data-status="done"`);
    expect(list.body).toContain('4/6');
  });

  it('gives another area’s organiser nothing of it, and lets them change nothing', async () => {
    const list = await other.get('/admin/broadcasts');
    expect(list.status).toBe(200);
    expect(list.body).not.toContain(sentId);
    for (const path of [`/admin/broadcasts/${sentId}`, `/admin/broadcasts/${sentId}/recipients.csv`]) expect((await other.get(path)).status, path).toBe(404);
    expect((await other.get('/admin/broadcasts/new?area=son-la')).status).toBe(404);
    const peek = await other.post('/admin/broadcasts/preview', form(), '/admin/broadcasts/new');
    expect(peek.status).toBe(404);
    expect(peek.body).not.toContain(TEXT);
    const refused = await other.post('/admin/broadcasts/create', form(), '/admin/broadcasts/new');
    expect(refused.status).toBe(404);
    expect(await h.broadcasts.store.list()).toHaveLength(1);
  });

  it('schedules, and cancels only for its organiser with the form’s token', async () => {
    const tomorrow = addDays(vnDate(new Date()), 1);
    const created = await org.post('/admin/broadcasts/create', form({ when: 'later', date: tomorrow, time: '08:00' }), '/admin/broadcasts/new');
    expect(created.status).toBe(303);
    const id = String(created.headers.location).split('/').at(-1) ?? '';
    expect(await h.broadcasts.store.get(id)).toMatchObject({ status: 'scheduled' });
    const page = `/admin/broadcasts/${id}`;
    expect((await org.get(page)).body).toContain('id="cancel"');
    expect((await other.post(`${page}/cancel`, {}, '/admin/broadcasts')).status).toBe(404);
    expect((await org.post(`${page}/cancel`)).status).toBe(403);
    expect(await h.broadcasts.store.get(id)).toMatchObject({ status: 'scheduled' });
    const cancelled = await org.post(`${page}/cancel`, {}, page);
    expect(cancelled.status).toBe(303);
    expect(await h.broadcasts.store.get(id)).toMatchObject({ status: 'cancelled' });
    expect((await audit()).map((e) => `${e.action} ${e.target}`)).toEqual(expect.arrayContaining([`broadcast.schedule ${id}`, `broadcast.cancel ${id}`]));
  });

  it('reads in English after the switch, every text found', async () => {
    expect((await org.post('/admin/lang', { lang: 'en', back: '/admin/broadcasts' }, '/admin/broadcasts')).status).toBe(303);
    for (const path of ['/admin/broadcasts', '/admin/broadcasts/new', `/admin/broadcasts/${sentId}`, '/admin/settings', '/admin/invites']) {
      const page = await org.get(path);
      expect(page.status, path).toBe(200);
      // A missing text would show as its key.
      expect(page.body, path).not.toMatch(/\b(?:boards|broadcast|console|roles|reminders)\.[a-z_]+\.[a-z_]/);
    }
    expect((await org.get(`/admin/broadcasts/${sentId}`)).body).toContain('Delivery');
    const csv = await org.get(`/admin/broadcasts/${sentId}/recipients.csv`);
    expect(csv.body.split('\r\n')[0]).toBe('\uFEFFRecipient (pseudonymous code),Channel,Status,Reason');
  });
});
