import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMINDERS } from '../../src/reminders/capability.js';
import { remindersHarness, type RemindersHarness } from '../reminders/helpers.js';
import { textOf } from '../support/app.js';
import { inPage, laptopPage, launchBrowser } from '../support/browser.js';
import { consoleLink } from '../support/console.js';
import { listen, type LocalServer } from '../support/http.js';

const ORGANISER = 'telegram:5301';
const HERE = 'web:local-browser-to-hieu';
const THERE = 'web:local-browser-chieng-an';
const NAME = 'Ngày hội đọc sách phường Tô Hiệu';

/**
 * An organiser of Phường Tô Hiệu adds the ward's reading fair in the console of a real browser, after a
 * wrong end date is pointed out; on the fair's first day a subscriber of the ward hears of it, one of
 * the ward next door does not.
 */
describe('a local event added in the console, in Chromium', () => {
  let h: RemindersHarness;
  let http: LocalServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    h = await remindersHarness({ start: '2026-09-01T09:00:00+07:00' });
    await h.organiser(ORGANISER, 'son-la.to-hieu');
    await h.newsReader(HERE, 'son-la.to-hieu');
    await h.newsReader(THERE, 'son-la.chieng-an');
    http = await listen(h.app);
    browser = await launchBrowser();
    page = await laptopPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await http?.close();
    await h?.close();
  });

  const input = (name: string) => `document.querySelector('[data-local-form] input[name="${name}"]')`;
  // A date field takes its value as the page's script would set it: typed keys depend on the browser's locale.
  const setDate = (name: string, value: string) => inPage<string>(page, `${input(name)}.value = ${JSON.stringify(value)}`);

  it('adds the event once the dates are right', async () => {
    const link = new URL(await consoleLink(h.app, ORGANISER));
    await page.goto(`${http.url}${link.pathname}`);
    await Promise.all([page.waitForNavigation(), page.click('#sign-in')]);
    await page.goto(`${http.url}/admin/settings`);
    await page.type('[data-local-form] input[name="name_vi"]', NAME);
    await page.type('[data-local-form] input[name="place"]', 'Nhà văn hóa tổ 3');
    await setDate('start', '2026-09-20');
    await setDate('end', '2026-09-18');
    await Promise.all([page.waitForNavigation(), page.click('#add-local')]);
    expect(await page.$eval('#local [data-errors]', (e) => e.textContent)).toContain('Ngày kết thúc cần từ ngày bắt đầu trở đi.');
    expect(await h.app.need(REMINDERS).reminders.local.of('son-la.to-hieu')).toEqual([]);
    // What was typed is kept: only the end date changes.
    expect(await inPage<string>(page, `${input('name_vi')}.value`)).toBe(NAME);
    await setDate('end', '2026-09-21');
    await Promise.all([page.waitForNavigation(), page.click('#add-local')]);
    const row = await inPage<string>(page, `[...document.querySelectorAll('table[data-events] tr[data-local]')].map((r) => r.textContent).join('|')`);
    expect(row).toContain(NAME);
    expect(row).toContain('20/09/2026 – 21/09/2026');
    expect(await inPage<number>(page, 'document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
  });

  it('announces it on its first day to the ward’s subscriber only', async () => {
    await h.tickAt('2026-09-20T08:00:20+07:00');
    expect(textOf(await h.inbox(HERE))).toContain(`📣 Hôm nay bắt đầu ${NAME}!`);
    expect(textOf(await h.inbox(THERE))).not.toContain(NAME);
  });
});
