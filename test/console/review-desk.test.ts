import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LearningContext } from '../../src/learning/context.js';
import { createTestApp, textOf, type TestApp } from '../support/app.js';
import { FakeClock } from '../support/clock.js';
import { ConsoleBrowser, csrfOf, signedInBrowser } from '../support/console.js';
import { learningContext, seedFile, webOutbox } from '../support/learning.js';

const ADMIN = 'telegram:9401';
const OFFICER_A = 'telegram:9411';
const OFFICER_B = 'telegram:9412';
const CITIZEN = 'telegram:9421';

/** The review desk: the same decisions as the chat, behind the officer's area and unit, every one audited. */
describe('console review desk', () => {
  let t: TestApp;
  let ctx: LearningContext;
  const clock = new FakeClock('2026-06-01T03:00:00Z');
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { ADMIN_IDS: ADMIN } });
    ctx = learningContext(t.app);
    const grantedAt = clock.now().getTime();
    await t.app.roles.grant(OFFICER_A, { role: 'officer', area: 'son-la.chieng-an', unit: 'hoi_khuyen_hoc_xa', grantedAt });
    await t.app.roles.grant(OFFICER_B, { role: 'officer', area: 'son-la.to-hieu', unit: 'hoi_khuyen_hoc_xa', grantedAt });
    for (const u of [ADMIN, OFFICER_A, OFFICER_B, CITIZEN]) await t.send(u, '/start');
    ids.lan = await seedFile(ctx, 'web:lan', { name: 'Lò Thị Lan', area: 'son-la.chieng-an', status: 'submitted', evidence: { type: 'link', url: 'https://example.vn/chung-nhan/lan', text: 'Giấy chứng nhận' } });
    ids.minh = await seedFile(ctx, 'web:minh', { name: 'Cầm Văn Minh', area: 'son-la.chieng-an', group: 'farmer', status: 'submitted', evidence: { type: 'note', text: 'Học cùng hội nông dân' } });
    ids.hoa = await seedFile(ctx, 'web:hoa', { name: 'Quàng Thị Hoa', area: 'son-la.to-hieu', status: 'submitted', evidence: { type: 'link', url: 'https://example.vn/chung-nhan/hoa' } });
    ids.cu = await seedFile(ctx, 'web:cu', { name: 'Lò Văn Cư', area: 'son-la.chieng-an' });
    await t.app.http.ready();
  });
  afterAll(() => t?.close());

  const signedIn = (user: string) => signedInBrowser(t.app, user);

  it('lists the files waiting in the officer’s commune, filtered by group, status and name', async () => {
    const a = await signedIn(OFFICER_A);
    const queue = await a.get('/admin/review');
    expect(queue.status).toBe(200);
    expect(queue.body).toContain('Lò Thị Lan');
    expect(queue.body).toContain('Cầm Văn Minh');
    expect(queue.body).not.toContain('Quàng Thị Hoa');
    expect(queue.body).not.toContain('Lò Văn Cư');
    expect((await a.get('/admin/review?group=farmer')).body).not.toContain('Lò Thị Lan');
    const search = await a.get('/admin/review?q=lo%20thi');
    expect(search.body).toContain('Lò Thị Lan');
    expect(search.body).not.toContain('Cầm Văn Minh');
    expect((await a.get('/admin/review?status=registered')).body).toContain('Lò Văn Cư');
    expect((await a.get('/admin/review?status=nonsense')).status).toBe(400);
  });

  it('shows a file with its profile, ten scores and evidence; links open only through the checked address', async () => {
    const a = await signedIn(OFFICER_A);
    const page = await a.get(`/admin/review/${ids.lan}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Hồ sơ của Lò Thị Lan, năm 2026');
    expect(page.body.match(/<li>\d+\. /g)).toHaveLength(ctx.criteria.indicators.length);
    expect(ctx.criteria.indicators).toHaveLength(10);
    // The evidence's address is not in the page: only the console's checked link is.
    expect(page.body).not.toContain('https://example.vn/chung-nhan/lan');
    const activity = (await ctx.store.activities('web:lan', 2026))[0]?.id as string;
    const opened = await a.get(`/admin/review/${ids.lan}/evidence/${activity}`);
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe('https://example.vn/chung-nhan/lan');
    expect((await a.get(`/admin/review/${ids.minh}`)).body).toContain('Học cùng hội nông dân');
    // A link without words shows where it leads, not the address itself.
    const b = await signedIn(OFFICER_B);
    const hoa = await b.get(`/admin/review/${ids.hoa}`);
    expect(hoa.body).toContain('Mở liên kết (example.vn)');
    expect(hoa.body).not.toContain('https://example.vn/chung-nhan/hoa');
  });

  it('keeps commune B’s files, evidence and decisions from commune A’s officer, and from anyone without a session', async () => {
    const a = await signedIn(OFFICER_A);
    const activity = (await ctx.store.activities('web:hoa', 2026))[0]?.id as string;
    for (const path of [`/admin/review/${ids.hoa}`, `/admin/review/${ids.hoa}/evidence/${activity}`, '/admin/review?area=son-la.to-hieu', '/admin/review/zzzzzzzz']) {
      const res = await a.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('Quàng Thị Hoa');
      expect(res.headers.location).toBeUndefined();
    }
    const token = csrfOf((await a.get(`/admin/review/${ids.lan}`)).body);
    for (const action of ['approve', 'return']) {
      const res = await a.post(`/admin/review/${ids.hoa}/${action}`, { _csrf: token, reason: 'Không phải địa bàn' });
      expect(res.status).toBe(404);
    }
    expect((await ctx.store.file('web:hoa', 2026))?.status).toBe('submitted');

    const anonymous = new ConsoleBrowser(t.app);
    for (const path of [`/admin/review`, `/admin/review/${ids.hoa}`, `/admin/review/${ids.hoa}/evidence/${activity}`]) expect((await anonymous.get(path)).status, path).toBe(401);
    expect((await anonymous.post(`/admin/review/${ids.hoa}/approve`, {}, '/admin')).status).toBe(401);
    // A citizen gets no link, so no session; a forged session cookie is no session.
    expect((await t.app.bot.handle({ user: CITIZEN, text: '/web' })).some((r) => r.link)).toBe(false);
    anonymous.cookies.set('xhht_console', 'A'.repeat(43));
    expect((await anonymous.get('/admin/review')).status).toBe(401);
  });

  it('changes nothing on a request without the CSRF token', async () => {
    const a = await signedIn(OFFICER_A);
    const res = await a.post(`/admin/review/${ids.minh}/approve`, {});
    expect(res.status).toBe(403);
    expect(res.body).toContain('Yêu cầu không hợp lệ');
    expect((await ctx.store.file('web:minh', 2026))?.status).toBe('submitted');
  });

  it('approves from the desk: the citizen is told in their chat, the chat queue no longer offers it, and it is audited', async () => {
    const a = await signedIn(OFFICER_A);
    const done = await a.post(`/admin/review/${ids.lan}/approve`, {}, `/admin/review/${ids.lan}`);
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/admin/review?done=approved');
    expect((await a.get('/admin/review?done=approved')).body).toContain('Đã công nhận hồ sơ');
    expect(await webOutbox(t.app, 'web:lan', 1)).toEqual([expect.stringContaining('công nhận')]);
    expect((await ctx.store.file('web:lan', 2026))?.status).toBe('approved');
    // The chat's review queue of the same officer: Lan's file is gone from it.
    const chat = await t.send(OFFICER_A, '/review');
    expect(textOf(chat)).not.toContain('Lò Thị Lan');
    // A second decision, from the desk again: refused, nothing changes.
    const again = await a.post(`/admin/review/${ids.lan}/return`, { reason: 'Đổi ý' }, `/admin/review/${ids.lan}`);
    expect(again.body).toContain('không còn chờ duyệt');
    expect((await ctx.store.file('web:lan', 2026))?.status).toBe('approved');

    // Returned with a reason: the citizen reads the reason.
    const back = await a.post(`/admin/review/${ids.minh}/return`, { reason: 'Thiếu ảnh giấy chứng nhận' }, `/admin/review/${ids.minh}`);
    expect(back.headers.location).toBe('/admin/review?done=returned');
    expect(await webOutbox(t.app, 'web:minh', 1)).toEqual([expect.stringContaining('Thiếu ảnh giấy chứng nhận')]);
    // Too short a reason is refused with nothing changed.
    const b = await signedIn(OFFICER_B);
    const short = await b.post(`/admin/review/${ids.hoa}/return`, { reason: 'x' }, `/admin/review/${ids.hoa}`);
    expect(short.status).toBe(400);
    expect((await ctx.store.file('web:hoa', 2026))?.status).toBe('submitted');

    const audit = await (await signedIn(ADMIN)).get('/admin/audit');
    expect(audit.body).toContain('review.approve');
    expect(audit.body).toContain(ids.lan);
    expect(audit.body).toContain('review.return');
  });

  it('shows a decision made in the chat on the desk', async () => {
    const b = await signedIn(OFFICER_B);
    await t.send(OFFICER_B, '/review');
    const picked = await t.app.bot.handle({ user: OFFICER_B, choice: ids.hoa as string });
    expect(textOf(picked)).toContain('Quàng Thị Hoa');
    await t.app.bot.handle({ user: OFFICER_B, choice: 'approve' });
    const approved = await t.app.bot.handle({ user: OFFICER_B, choice: 'yes' });
    expect(textOf(approved)).toContain('Đã công nhận hồ sơ năm 2026 của Quàng Thị Hoa');
    const page = await b.get(`/admin/review/${ids.hoa}`);
    expect(page.body).toContain('Đã công nhận ngày');
    expect(page.body).not.toContain('id="approve"');
    expect((await b.get('/admin/review')).body).not.toContain('Quàng Thị Hoa');
  });
});
