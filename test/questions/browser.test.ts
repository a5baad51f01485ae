import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLink } from '../support/console.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { botSays, inPage, laptopPage, launchBrowser, phonePage, say, settled } from '../support/browser.js';
import { listen, type LocalServer } from '../support/http.js';

const QUESTION = 'Nhà văn hóa tổ 6 có lớp múa dân vũ cho các bà, các mẹ không?';
const ANSWER = 'Có, lớp dân vũ tập tối thứ Hai, thứ Tư, thứ Sáu lúc 19 giờ 30.';

/**
 * In Chromium: a citizen asks in the web chat on a phone and sends the question to the ward's officers;
 * the officer opens the console's Questions page on a laptop, answers with the form and keeps the answer
 * as a note; the answer appears in the citizen's chat at once.
 */
describe('the console Questions page, in a real browser', () => {
  let t: TestApp;
  let http: LocalServer;
  let browser: Browser;
  const officer = 'telegram:9551';

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.start();
    http = await listen(t.app);
    browser = await launchBrowser();
    await t.app.roles.grant(officer, { role: 'officer', area: 'son-la.chieng-an', unit: 'ubnd_xa', grantedAt: Date.now() });
    await t.send(officer, '/start');
  });
  afterAll(async () => {
    await browser?.close();
    await http?.close();
    await t?.close();
  });

  async function button(page: Page, which: { value: string } | { label: string }): Promise<ElementHandle> {
    const test = 'value' in which ? `b.dataset.value === ${JSON.stringify(which.value)}` : `b.textContent.includes(${JSON.stringify(which.label)})`;
    return (await page.waitForFunction(`[...document.querySelectorAll('#log .msg.bot .choices button:not(:disabled)')].reverse().find((b) => ${test})`)) as ElementHandle;
  }

  it('takes a question from the web chat to the officer\'s Questions page and the answer back to the chat', async () => {
    const phone = await phonePage(browser);
    await phone.goto(http.url);
    await settled(phone);
    await phone.waitForSelector('body[data-live="on"]');
    await say(phone, QUESTION, 'gửi câu hỏi này cho cán bộ');
    await (await button(phone, { value: 'send' })).click();
    await botSays(phone, 'xã, phường nào');
    await say(phone, 'chieng an', 'nơi nào dưới đây');
    await (await button(phone, { value: 'son-la.chieng-an' })).click();
    await botSays(phone, 'Đã gửi câu hỏi tới cán bộ');

    const laptop = await laptopPage(browser);
    const link = (await consoleLink(t.app, officer)).replace(/^https?:\/\/[^/]+/, http.url);
    await laptop.goto(link);
    await Promise.all([laptop.waitForNavigation(), laptop.click('#sign-in')]);
    await Promise.all([laptop.waitForNavigation(), laptop.click('nav.menu a[href="/admin/questions"]')]);
    expect(await laptop.$eval('h1', (e) => e.textContent)).toBe('Câu hỏi của người dân');
    expect(await laptop.$eval('section.questions h2', (e) => e.textContent)).toBe('Phường Chiềng An, Tỉnh Sơn La · 1 người hỏi');
    expect(await laptop.$eval('[data-question]', (e) => e.textContent)).toBe(QUESTION);
    expect(await inPage<boolean>(laptop, 'document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);

    // An empty answer is not sent: the browser asks for one first.
    await laptop.click('section.questions button[type="submit"]');
    expect(await inPage<boolean>(laptop, "document.querySelector('section.questions textarea').validity.valueMissing")).toBe(true);
    expect(new URL(laptop.url()).pathname).toBe('/admin/questions');

    await laptop.type('section.questions textarea', ANSWER);
    await laptop.click('section.questions input[name="keep"]');
    await Promise.all([laptop.waitForNavigation(), laptop.click('section.questions button[type="submit"]')]);
    expect(await laptop.$$eval('p.notice', (ps) => ps.map((p) => p.textContent))).toEqual(['Đã gửi câu trả lời tới 1 người.', 'Đã lưu ghi chú: bot sẽ trả lời câu hỏi tương tự bằng ghi chú này.']);
    expect(await laptop.$eval('[data-empty]', (e) => e.textContent)).toBe('Không có câu hỏi nào đang chờ trả lời.');

    // In the citizen's chat, without a reload.
    await botSays(phone, ANSWER);
    const last = await inPage<string>(phone, "[...document.querySelectorAll('#log .msg.bot')].at(-1).innerText");
    expect(last).toContain('Trả lời của Ủy ban nhân dân phường Chiềng An');

    // Someone else asks the same on their phone: the note answers at once.
    const other = await phonePage(browser);
    await other.goto(http.url);
    await settled(other);
    await say(other, 'nha van hoa to 6 co lop mua dan vu cho cac ba cac me khong', ANSWER);
    await laptop.close();
  });
});
