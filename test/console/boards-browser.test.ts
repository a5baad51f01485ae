import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROADCASTS } from '../../src/broadcast/capability.js';
import { occurrenceId } from '../../src/reminders/schedule.js';
import { FakeChannel } from '../outbound/fake-channel.js';
import { remindersHarness, type RemindersHarness } from '../reminders/helpers.js';
import { textOf } from '../support/app.js';
import { inPage, laptopPage, launchBrowser } from '../support/browser.js';
import { consoleLink } from '../support/console.js';
import { listen, type LocalServer } from '../support/http.js';

const LEAD = 'telegram:5001';
const TO_HIEU_OFFICER = 'web:boards-browser-to-hieu';
const RESIDENTS = ['telegram:5101', 'telegram:5102', 'telegram:5103'];

/**
 * The morning of 11 December in a real browser: a Sơn La officer who also organises opens the console,
 * sees which communes are late with the 10/12 report (Tô Hiệu said "Đã nộp"), then composes a broadcast
 * to Tô Hiệu, watches the audience count as they pick it, previews and sends it, and reads its report.
 */
describe('the deadlines board and a broadcast, in Chromium', () => {
  let h: RemindersHarness;
  let http: LocalServer;
  let browser: Browser;
  let page: Page;
  const telegram = new FakeChannel('telegram');

  beforeAll(async () => {
    h = await remindersHarness({ start: '2026-12-01T09:00:00+07:00' });
    h.app.senders.set('telegram', telegram);
    await h.officer(TO_HIEU_OFFICER, 'son-la.to-hieu', 'ubnd_xa');
    await h.send(TO_HIEU_OFFICER, { choice: 'deadlines' });
    await h.send(TO_HIEU_OFFICER, { choice: 'yes' });
    h.clock.set('2026-12-09T10:00:00+07:00');
    expect(textOf(await h.send(TO_HIEU_OFFICER, `/reported ${occurrenceId('sl_2547_bao_cao_6_thang', '2026-12-10')}`))).toContain('Đã ghi nhận');
    h.clock.set('2026-12-11T07:30:00+07:00');
    await h.send(LEAD, '/start');
    const grantedAt = h.clock.now().getTime();
    await h.app.roles.grant(LEAD, { role: 'officer', area: 'son-la', unit: 'so_gddt', grantedAt });
    await h.app.roles.grant(LEAD, { role: 'organiser', area: 'son-la', grantedAt });
    for (const u of RESIDENTS) {
      await h.app.users.seen(u, 'vi');
      await h.app.users.setArea(u, 'son-la.to-hieu');
    }
    http = await listen(h.app);
    browser = await launchBrowser();
    page = await laptopPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await http?.close();
    await h?.close();
  });

  const go = async (path: string) => {
    await page.goto(`${http.url}${path}`);
  };

  it('shows the late communes highlighted and Tô Hiệu reported', async () => {
    const link = new URL(await consoleLink(h.app, LEAD));
    await go(link.pathname);
    await Promise.all([page.waitForNavigation(), page.click('#sign-in')]);
    await go('/admin/deadlines');
    const card = '#sl_2547_bao_cao_6_thang';
    expect(await page.$eval(`${card} [data-due]`, (e) => e.textContent)).toContain('Hạn: 10/12/2026');
    const states = await inPage<Record<string, string>>(page, `Object.fromEntries([...document.querySelectorAll('${card} tr[data-unit]')].map((r) => [r.dataset.unit, r.dataset.state]))`);
    expect(states['ubnd_xa|son-la.to-hieu']).toBe('reported');
    expect(states['ubnd_xa|son-la.chieng-an']).toBe('late');
    // Late rows stand out: a red edge and a tinted row, above the reported ones.
    const late = await inPage<string>(page, `getComputedStyle(document.querySelector('${card} tr.late td')).backgroundColor`);
    expect(late).toBe('rgb(253, 236, 236)');
    const order = Object.values(states);
    expect(order.indexOf('reported')).toBe(order.length - 1);
    expect(await inPage<boolean>(page, 'document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  });

  it('composes a broadcast with a live audience count, previews it and sends it once to each resident', async () => {
    await go('/admin/broadcasts/new');
    expect(await page.$eval('[data-live-count]', (e) => e.textContent)).toContain('Chọn khu vực');
    await page.select('select[name="areas"]', 'son-la.to-hieu');
    // The page's script asks the console as the area is picked.
    await page.waitForFunction("document.querySelector('[data-live-count]').textContent.includes('Sẽ gửi tới 4 người')");
    await page.select('select[name="role"]', 'citizens');
    await page.waitForFunction("document.querySelector('[data-live-count]').textContent.includes('Sẽ gửi tới 3 người (Telegram: 3)')");
    await page.type('textarea[name="text"]', 'Mời bà con dự khai mạc Tuần lễ học tập tại Nhà văn hóa phường.');
    await Promise.all([page.waitForNavigation(), page.click('#preview')]);
    expect(await page.$eval('[data-preview="telegram"] .bubble', (e) => e.textContent)).toContain('📣 Thông báo từ');
    expect(await page.$eval('[data-preview="zalo"] .bubble', (e) => e.textContent)).toContain('Mời bà con dự khai mạc');
    await Promise.all([page.waitForNavigation(), page.click('#send')]);
    expect(new URL(page.url()).pathname).toMatch(/^\/admin\/broadcasts\/bc-\d{8}-[a-z0-9]{6}$/);

    const broadcasts = h.app.need(BROADCASTS);
    await broadcasts.tick();
    await h.app.outbound.idle?.();
    await broadcasts.tick();
    await page.reload();
    for (const u of RESIDENTS) expect(telegram.got.get(u.slice('telegram:'.length)), u).toBe(1);
    expect(await page.$eval('g[data-status="sent"]', (e) => e.getAttribute('data-count'))).toBe('3');
    const bar = await page.$eval('g[data-status="sent"] rect', (e) => e.getBoundingClientRect().width);
    expect(bar).toBeGreaterThan(100);
  });

  it('fits a phone: every new page is usable at 390 px without scrolling sideways', async () => {
    await page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true });
    for (const path of ['/admin/deadlines', '/admin/broadcasts', '/admin/broadcasts/new', '/admin/settings', '/admin/invites']) {
      await go(path);
      // Against the layout width: a phone browser zooms out to show what sticks out, which innerWidth would follow.
      expect(await inPage<number>(page, 'document.documentElement.scrollWidth - document.documentElement.clientWidth'), path).toBeLessThanOrEqual(0);
    }
    await go('/admin/deadlines');
  });
});
