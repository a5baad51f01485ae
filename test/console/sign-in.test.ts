import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Capability } from '../../src/app/app.js';
import { html } from '../../src/console/html.js';
import { consoleKeys } from '../../src/console/keys.js';
import { secretHash } from '../../src/console/secrets.js';
import { ConsoleBrowser, consoleLink, csrfOf } from '../support/console.js';
import { createTestApp, textOf, type TestApp } from '../support/app.js';

const ADMIN = 'telegram:9001';
const OFFICER_A = 'telegram:9101';
const OFFICER_B = 'telegram:9102';
const PROVINCE = 'telegram:9103';
const CITIZEN = 'telegram:9201';

/** A page and an action of an area, as capabilities add them: what the guard lets through is what a test can see. */
const areaPages: Capability = {
  name: 'test-area-pages',
  register(app) {
    const notes = new Map<string, string>();
    app.console
      .page({
        path: '/admin/test-area/:area',
        title: 'console.home.title',
        needs: 'officer',
        async handler(ctx) {
          const { area } = ctx.params(z.object({ area: z.string() }));
          ctx.requireArea(area);
          return html`<p data-note>${notes.get(area) ?? 'none'}</p>${ctx.csrfField}`;
        },
      })
      .action({
        path: '/admin/test-area/:area',
        needs: 'officer',
        async handler(ctx) {
          const { area } = ctx.params(z.object({ area: z.string() }));
          ctx.requireArea(area);
          const { note } = ctx.form(z.object({ note: z.string().min(1) }));
          notes.set(area, note);
          await ctx.audit('test.note', area, area);
          return `/admin/test-area/${area}`;
        },
      });
  },
};

describe('console sign-in and its guards', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_IDS: ADMIN }, extra: [areaPages] });
    const grantedAt = Date.now();
    await t.app.roles.grant(OFFICER_A, { role: 'officer', area: 'son-la.chieng-an', unit: 'commune_committee', grantedAt });
    await t.app.roles.grant(OFFICER_B, { role: 'officer', area: 'son-la.to-hieu', unit: 'commune_committee', grantedAt });
    await t.app.roles.grant(PROVINCE, { role: 'officer', area: 'son-la', unit: 'province_department', grantedAt });
    for (const u of [ADMIN, OFFICER_A, OFFICER_B, PROVINCE, CITIZEN]) await t.send(u, '/start');
    await t.app.http.ready();
  });
  afterAll(() => t.close());

  async function signedIn(user: string): Promise<ConsoleBrowser> {
    const browser = new ConsoleBrowser(t.app);
    const res = await browser.signIn(await consoleLink(t.app, user));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin');
    return browser;
  }

  it('gives a citizen a polite refusal and no link, and an officer a link only in a private chat', async () => {
    const refused = await t.send(CITIZEN, '/web');
    expect(textOf(refused)).toContain('chỉ dành cho cán bộ');
    expect(refused.some((r) => r.link)).toBe(false);
    const inGroup = await t.app.bot.handle({ user: OFFICER_A, text: '/web', chat: 'group' });
    expect(inGroup.some((r) => r.link)).toBe(false);
    expect(textOf(inGroup)).toContain('trò chuyện riêng');
    const menu = await t.send(OFFICER_A, '/menu');
    const console = menu.flatMap((r) => r.choices ?? []).find((c) => c.value === 'console');
    expect(console?.label).toBe('Mở trang quản lý');
    expect((await t.send(CITIZEN, '/menu')).flatMap((r) => r.choices ?? []).some((c) => c.value === 'console')).toBe(false);
    const viaMenu = await t.app.bot.handle({ user: OFFICER_A, choice: 'console' });
    expect(viaMenu.find((r) => r.link)?.link?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/admin\/login\//);
  });

  it('shows only how to sign in without a session, on every console page', async () => {
    const anonymous = new ConsoleBrowser(t.app);
    for (const path of ['/admin', '/admin/', '/admin/audit', '/admin/audit.csv', '/admin/test-area/son-la.chieng-an']) {
      const res = await anonymous.get(path);
      expect(res.status, path).toBe(401);
      expect(res.body).toContain('gõ /web');
      expect(res.body).not.toContain('data-who');
    }
  });

  it('signs in once through a link, with a strict, httpOnly cookie and the person’s roles and area', async () => {
    const link = await consoleLink(t.app, OFFICER_A);
    const browser = new ConsoleBrowser(t.app);
    // Opening the link (a chat app's preview does) spends nothing; the button does.
    expect((await browser.get(new URL(link).pathname)).status).toBe(200);
    const path = new URL(link).pathname;
    const res = await browser.post(path, {}, path);
    expect(res.status).toBe(303);
    const cookie = String([res.headers['set-cookie']].flat().find((c) => String(c).startsWith('xhht_console=')));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Max-Age=28800/);
    expect(cookie).toMatch(/Path=\/admin/);
    const home = await browser.get('/admin');
    expect(home.status).toBe(200);
    expect(home.body).toContain('Cán bộ · Phường Chiềng An, Tỉnh Sơn La');
    expect(home.headers['content-security-policy']).toContain("default-src 'none'");
    expect(home.headers['cache-control']).toBe('no-store');
    // The same link again, in another browser: nothing.
    const again = new ConsoleBrowser(t.app);
    expect((await again.get(path)).status).toBe(404);
    const reused = await again.post(path, {}, '/admin');
    expect(reused.status).toBe(404);
    expect(again.cookies.has('xhht_console')).toBe(false);
  });

  it('gives every form of a page one token, backed by one CSRF cookie', async () => {
    const link = await consoleLink(t.app, OFFICER_A);
    const res = await t.app.http.inject({ method: 'GET', url: new URL(link).pathname });
    const tokens = [...res.body.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    expect(new Set(tokens).size).toBe(1);
    expect(res.cookies.filter((c) => c.name === 'xhht_console_csrf')).toHaveLength(1);
  });

  it('refuses a forged link and one past its ten minutes', async () => {
    const forged = new ConsoleBrowser(t.app);
    const res = await forged.post(`/admin/login/${'A'.repeat(43)}`, {}, '/admin');
    expect(res.status).toBe(404);
    expect(res.body).toContain('gõ /web');
    expect((await forged.get('/admin')).status).toBe(401);

    const link = await consoleLink(t.app, OFFICER_A);
    const token = new URL(link).pathname.split('/').pop() as string;
    const key = consoleKeys(t.prefix).signIn(secretHash(token));
    expect(await t.app.redis.ttl(key)).toBeGreaterThan(590);
    expect(await t.app.redis.ttl(key)).toBeLessThanOrEqual(600);
    await t.app.redis.del(key); // what the TTL does after ten minutes
    const late = new ConsoleBrowser(t.app);
    expect((await late.signIn(link)).status).toBe(404);
    expect((await late.get('/admin')).status).toBe(401);
  });

  it('changes nothing on a request without the CSRF token, or with another browser’s', async () => {
    const browser = await signedIn(OFFICER_A);
    const other = await signedIn(OFFICER_A);
    const before = await t.app.redis.llen(consoleKeys(t.prefix).audit);
    const noToken = await browser.post('/admin/test-area/son-la.chieng-an', { note: 'forged' });
    expect(noToken.status).toBe(403);
    expect(noToken.body).toContain('mã xác nhận');
    const foreign = csrfOf((await other.get('/admin')).body);
    browser.cookies.delete('xhht_console_csrf');
    expect((await browser.post('/admin/test-area/son-la.chieng-an', { note: 'forged', _csrf: foreign })).status).toBe(403);
    expect((await browser.post('/admin/logout-all', {})).status).toBe(403);
    expect((await other.get('/admin/test-area/son-la.chieng-an')).body).toContain('>none<');
    expect(await t.app.redis.llen(consoleKeys(t.prefix).audit)).toBe(before);
    expect((await browser.get('/admin')).status).toBe(200);
    // With the page's token it goes through, and is in the audit log.
    const done = await other.post('/admin/test-area/son-la.chieng-an', { note: 'checked' }, '/admin/test-area/son-la.chieng-an');
    expect(done.status).toBe(303);
    expect((await other.get('/admin/test-area/son-la.chieng-an')).body).toContain('>checked<');
  });

  it('refuses a form that does not fit its schema with a clear page, and changes nothing', async () => {
    const browser = await signedIn(OFFICER_A);
    const res = await browser.post('/admin/test-area/son-la.chieng-an', { note: '' }, '/admin/test-area/son-la.chieng-an');
    expect(res.status).toBe(400);
    expect(res.body).toContain('Dữ liệu không hợp lệ');
    expect((await browser.get('/admin/test-area/son-la.chieng-an')).body).not.toMatch(/data-note>\s*</);
  });

  it('serves the console’s own styles and icon, and not the chat page’s template', async () => {
    const css = await t.app.http.inject({ method: 'GET', url: '/admin/assets/console.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
    expect(css.headers['cache-control']).toBe('public, max-age=3600');
    expect((await t.app.http.inject({ method: 'GET', url: '/admin/assets/favicon.svg' })).statusCode).toBe(200);
    expect((await t.app.http.inject({ method: 'GET', url: '/admin/assets/index.html' })).statusCode).toBe(404);
    expect((await t.app.http.inject({ method: 'GET', url: '/admin/assets/../../package.json' })).statusCode).toBe(404);
  });

  it('keeps an officer of commune A out of commune B, reading and changing; a province officer covers both', async () => {
    const a = await signedIn(OFFICER_A);
    const read = await a.get('/admin/test-area/son-la.to-hieu');
    expect(read.status).toBe(404);
    expect(read.body).not.toContain('data-note');
    const change = await a.post('/admin/test-area/son-la.to-hieu', { note: 'from A' }, '/admin/test-area/son-la.chieng-an');
    expect(change.status).toBe(404);
    const b = await signedIn(OFFICER_B);
    expect((await b.get('/admin/test-area/son-la.to-hieu')).body).toContain('>none<');
    const province = await signedIn(PROVINCE);
    expect((await province.get('/admin/test-area/son-la.to-hieu')).status).toBe(200);
    expect((await province.get('/admin/test-area/son-la.chieng-an')).status).toBe(200);
    expect((await province.get('/admin/test-area/tay-ninh')).status).toBe(404);
  });

  it('gives a citizen’s session nothing, and ends a session whose role was taken away', async () => {
    const browser = await signedIn(OFFICER_B);
    expect((await browser.get('/admin')).status).toBe(200);
    // The role is revoked after sign-in: the next request finds a citizen.
    await t.app.roles.forget(OFFICER_B);
    for (const path of ['/admin', '/admin/test-area/son-la.to-hieu', '/admin/audit']) {
      const res = await browser.get(path);
      expect(res.status, path).toBe(401);
      expect(res.body).not.toContain('data-who');
    }
    expect(await t.app.redis.scard(consoleKeys(t.prefix).sessionsOf(OFFICER_B))).toBe(0);
    await t.app.roles.grant(OFFICER_B, { role: 'officer', area: 'son-la.to-hieu', unit: 'commune_committee', grantedAt: Date.now() });
  });

  it('lets only administrators read and export the audit log, as CSV with a BOM that names people by reference', async () => {
    const officer = await signedIn(OFFICER_A);
    const refused = await officer.get('/admin/audit');
    expect(refused.status).toBe(403);
    expect(refused.body).not.toContain('data-audit');
    expect((await officer.get('/admin/audit.csv')).status).toBe(403);
    const admin = await signedIn(ADMIN);
    const page = await admin.get('/admin/audit');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Nhật ký thao tác');
    expect(page.body).toContain('sign-in');
    expect(page.body).toContain('test.note');
    const csv = await admin.get('/admin/audit.csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body.startsWith('\uFEFFThời gian,Người thực hiện,Vai trò,Thao tác,Đối tượng,Địa bàn\r\n')).toBe(true);
    const rows = csv.body.trim().split('\r\n').slice(1);
    expect(rows[0]).toMatch(/,p:[A-Za-z0-9_-]{16},admin,audit\.export,audit log,$/);
    expect(rows.some((r) => /,officer,test\.note,son-la\.chieng-an,son-la\.chieng-an$/.test(r))).toBe(true);
    for (const id of [ADMIN, OFFICER_A, OFFICER_B]) expect(csv.body).not.toContain(id.split(':')[1]);
  });

  it('signs out here, or everywhere: every session of that person ends, and no one else’s', async () => {
    const laptop = await signedIn(OFFICER_A);
    const phone = await signedIn(OFFICER_A);
    const other = await signedIn(PROVINCE);
    const oldCookie = laptop.cookies.get('xhht_console') as string;
    const out = await laptop.post('/admin/logout-all', { user: PROVINCE }, '/admin');
    expect(out.status).toBe(303);
    expect((await laptop.get('/admin')).status).toBe(401);
    expect((await phone.get('/admin')).status).toBe(401);
    expect((await other.get('/admin')).status).toBe(200);
    const replay = new ConsoleBrowser(t.app);
    replay.cookies.set('xhht_console', oldCookie);
    expect((await replay.get('/admin')).status).toBe(401);
    const single = await signedIn(PROVINCE);
    expect((await single.post('/admin/logout', {}, '/admin')).status).toBe(303);
    expect((await single.get('/admin')).status).toBe(401);
    expect((await other.get('/admin')).status).toBe(200);
  });

  it('lists open console sessions in /mydata and ends them with /deletedata', async () => {
    const user = 'telegram:9104';
    await t.app.roles.grant(user, { role: 'organiser', area: 'son-la', grantedAt: Date.now() });
    await t.send(user, '/start');
    const browser = await signedIn(user);
    expect(textOf(await t.send(user, '/mydata'))).toContain('1 phiên đăng nhập trang quản lý');
    await t.app.privacy.eraseAll(user);
    expect((await browser.get('/admin')).status).toBe(401);
  });

  it('switches the console to English and back, keeping the page', async () => {
    const browser = await signedIn(PROVINCE);
    const res = await browser.post('/admin/lang', { lang: 'en', back: '/admin' }, '/admin');
    expect([res.status, res.headers.location]).toEqual([303, '/admin']);
    expect((await browser.get('/admin')).body).toContain('Officer · Tỉnh Sơn La');
    const away = await browser.post('/admin/lang', { lang: 'vi', back: 'https://evil.example/' }, '/admin');
    expect(away.headers.location).toBe('/admin');
    expect((await browser.get('/admin')).body).toContain('Tổng quan');
  });
});

describe('the console on the in-process store (npm start without a redis-server)', () => {
  it('signs in once and signs out everywhere there too', async () => {
    const t = await createTestApp({ store: 'memory' });
    try {
      await t.app.roles.grant(OFFICER_A, { role: 'officer', area: 'son-la.chieng-an', unit: 'commune_committee', grantedAt: Date.now() });
      await t.send(OFFICER_A, '/start');
      const link = await consoleLink(t.app, OFFICER_A);
      const browser = new ConsoleBrowser(t.app);
      expect((await browser.signIn(link)).status).toBe(303);
      expect((await new ConsoleBrowser(t.app).signIn(link)).status).toBe(404);
      expect((await browser.get('/admin')).body).toContain('Phường Chiềng An');
      expect((await browser.post('/admin/logout-all', {}, '/admin')).status).toBe(303);
      expect((await browser.get('/admin')).status).toBe(401);
    } finally {
      await t.close();
    }
  });
});
