import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { fitsWidth, inPage, laptopPage, launchBrowser, phonePage, say, settled } from '../support/browser.js';
import { listen, type LocalServer } from '../support/http.js';

/**
 * An officer on a phone gets an invite code, joins in the web chat, asks it for the console link and opens
 * the link on a laptop: the console shows their ward; signing out everywhere ends the session for good.
 */
describe('signing in to the console from the chat, in a real browser', () => {
  let t: TestApp;
  let http: LocalServer;
  let browser: Browser;

  beforeAll(async () => {
    t = await createTestApp();
    http = await listen(t.app);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await http?.close();
    await t?.close();
  });



  it('gives an officer a one-time link in the chat that opens the console on another device, until signed out everywhere', async () => {
    const { code } = await t.app.invites.create({ role: 'officer', area: 'son-la.chieng-an', unit: 'commune_committee', createdBy: 'cli', ttlMs: 3_600_000 });
    const phone = await phonePage(browser);
    await phone.goto(http.url);
    await settled(phone);
    await say(phone, `/join ${code}`, 'Phường Chiềng An');
    await say(phone, '/web', 'dùng được một lần trong 10 phút');
    const link = await inPage<string>(phone, "[...document.querySelectorAll('#log .msg.bot a')].map((a) => a.href).filter((h) => h.includes('/admin/login/')).at(-1)");
    expect(link).toMatch(new RegExp(`^${http.url}/admin/login/[A-Za-z0-9_-]{43}$`));

    const laptop = await laptopPage(browser);
    await laptop.goto(link);
    expect(await laptop.$eval('h1', (e) => e.textContent)).toBe('Đăng nhập trang quản lý');
    await Promise.all([laptop.waitForNavigation(), laptop.click('#sign-in')]);
    expect(new URL(laptop.url()).pathname, await laptop.$eval('main', (e) => e.textContent)).toBe('/admin');
    expect(await laptop.$eval('[data-who]', (e) => e.textContent)).toContain('Cán bộ · Phường Chiềng An, Tỉnh Sơn La');
    expect(await fitsWidth(laptop)).toBe(true);
    const session = (await laptop.cookies()).find((c) => c.name === 'xhht_console');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    expect(await inPage(laptop, 'document.cookie')).not.toContain('xhht_console=');

    // The same link a second time, on the phone: it has been used.
    await phone.goto(link);
    expect(await phone.$eval('h1', (e) => e.textContent)).toBe('Liên kết không dùng được');
    expect(await fitsWidth(phone)).toBe(true);

    await Promise.all([laptop.waitForNavigation(), laptop.click('footer button.danger')]);
    expect(await laptop.$eval('h1', (e) => e.textContent)).toBe('Đăng nhập trang quản lý');
    expect(await laptop.$('[data-who]')).toBeNull();
    // The old cookie, sent again by anyone who kept it, opens nothing.
    const replay = await fetch(`${http.url}/admin`, { headers: { cookie: `xhht_console=${session?.value}` } });
    expect(replay.status).toBe(401);
    expect(await replay.text()).not.toContain('Chiềng An');
  });

  it('is usable on a phone: the signed-in console fits 390 px, with its menu and sign-out in reach', async () => {
    const { code } = await t.app.invites.create({ role: 'officer', area: 'son-la', unit: 'province_department', createdBy: 'cli', ttlMs: 3_600_000 });
    const phone = await phonePage(browser);
    await phone.goto(http.url);
    await settled(phone);
    await say(phone, `/join ${code}`, 'Tỉnh Sơn La');
    await say(phone, '/web', 'dùng được một lần');
    const link = await inPage<string>(phone, "[...document.querySelectorAll('#log .msg.bot a')].map((a) => a.href).filter((h) => h.includes('/admin/login/')).at(-1)");
    await phone.goto(link);
    await Promise.all([phone.waitForNavigation(), phone.click('#sign-in')]);
    expect(await phone.$eval('[data-who]', (e) => e.textContent)).toContain('Tỉnh Sơn La');
    expect(await fitsWidth(phone)).toBe(true);
    const signOut = await phone.$eval('footer button.danger', (e) => {
      const r = e.getBoundingClientRect();
      return { width: r.width, height: r.height };
    });
    expect(signOut.height).toBeGreaterThanOrEqual(36);
    // Language: the switch keeps the page and says it in English.
    await Promise.all([phone.waitForNavigation(), phone.click('form.lang button')]);
    expect(await phone.$eval('h1', (e) => e.textContent)).toBe('Overview');
  });
});
