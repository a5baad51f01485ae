import { join } from 'node:path';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { botTexts, inPage, launchBrowser, phonePage, settled, until } from '../support/browser.js';
import { listen, postJson, type LocalServer } from '../support/http.js';
import { issuedWebId } from '../support/web.js';

/** The chat page in Chromium at 390×844, as a citizen on a phone uses it; the bot behind it runs on Redis. */
describe('the web chat page in a real browser', () => {
  let t: TestApp;
  let http: LocalServer;
  let browser: Browser;
  const certificate = join(import.meta.dirname, '../fixtures/certificate.png');

  beforeAll(async () => {
    t = await createTestApp();
    // As `npm start` runs it: notices to citizens go through the durable queue.
    await t.app.start();
    http = await listen(t.app);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await http?.close();
    await t?.close();
  });

  const idOf = (page: Page) => inPage<string>(page, "localStorage.getItem('xhht-user')");
  const chat = async (user: string, body: Record<string, unknown>) => {
    const { status, json } = await postJson(`${http.url}/api/chat`, { user, ...body });
    expect(status).toBe(200);
    return json.replies as { text: string; choices: { label: string; value: string }[] }[];
  };
  const history = async (user: string) => (await postJson(`${http.url}/api/chat/history`, { user })).json.messages as { from: string; text: string }[];

  /** An active button of the newest question, by its value (or, for a file in a queue, part of its label). */
  async function button(page: Page, which: { value: string } | { label: string }): Promise<ElementHandle> {
    const test = 'value' in which ? `b.dataset.value === ${JSON.stringify(which.value)}` : `b.textContent.includes(${JSON.stringify(which.label)})`;
    const handle = await page.waitForFunction(`[...document.querySelectorAll('#log .msg.bot .choices button:not(:disabled)')].reverse().find((b) => ${test})`);
    return handle as ElementHandle;
  }

  /** Waits until the page shows a bot bubble containing `text` (and nothing is pending). */
  async function shows(page: Page, text: string): Promise<void> {
    await page.waitForFunction(`!document.body.dataset.pending && [...document.querySelectorAll('#log .msg.bot')].some((e) => e.innerText.includes(${JSON.stringify(text)}))`);
  }

  async function type(page: Page, text: string, expectReply: string): Promise<void> {
    await page.waitForFunction("!document.getElementById('text').disabled");
    await page.type('#text', text);
    await page.keyboard.press('Enter');
    await shows(page, expectReply);
  }

  /** The newest reply: its first line and every one of its buttons inside the visible chat area, buttons at least 44 px tall. */
  const newestReplyInView = (page: Page) =>
    inPage<{ firstLineVisible: boolean; buttons: number; buttonsVisible: boolean; minHeight: number; sendHeight: number; attachHeight: number }>(
      page,
      `(() => {
        const view = document.getElementById('log').getBoundingClientRect();
        const last = [...document.querySelectorAll('#log .msg.bot')].at(-1);
        const top = last.getBoundingClientRect().top;
        const buttons = [...last.querySelectorAll('.choices button')].map((b) => b.getBoundingClientRect());
        return {
          firstLineVisible: top >= view.top - 1 && top + 20 <= view.bottom,
          buttons: buttons.length,
          buttonsVisible: buttons.every((r) => r.top >= view.top - 1 && r.bottom <= view.bottom + 1),
          minHeight: Math.min(...buttons.map((r) => r.height)),
          sendHeight: document.getElementById('send').getBoundingClientRect().height,
          attachHeight: document.getElementById('attach').getBoundingClientRect().height,
        };
      })()`,
    );

  it('puts each reply’s first line and its buttons in view, with tap targets of 44 px or more, and a one-line header', async () => {
    const page = await phonePage(browser);
    await page.goto(http.url);
    await settled(page);
    for (const step of [null, 'learning', 'no']) {
      if (step) {
        await (await button(page, { value: step })).click();
        await page.waitForFunction('!document.body.dataset.pending');
      }
      const view = await newestReplyInView(page);
      expect(view, String(step)).toMatchObject({ firstLineVisible: true, buttonsVisible: true });
      expect(view.buttons).toBeGreaterThan(0);
      expect(view.minHeight).toBeGreaterThanOrEqual(44);
      expect(view.sendHeight).toBeGreaterThanOrEqual(44);
      expect(view.attachHeight).toBeGreaterThanOrEqual(44);
    }
    // An answer carries its source as a card; the whole passage behind "Xem toàn văn" is long, and its start stays in view.
    await type(page, 'Mục tiêu xây dựng xã hội học tập đến năm 2030 là gì?', '2030');
    expect((await newestReplyInView(page)).firstLineVisible).toBe(true);
    expect(await inPage(page, "[...document.querySelectorAll('#log .msg.bot')].at(-1).querySelector('.cite').innerText")).toMatch(/^Nguồn: /);
    const before = await inPage<number>(page, "document.querySelectorAll('#log .msg.bot').length");
    await (await button(page, { value: 'full' })).click();
    await page.waitForFunction(`!document.body.dataset.pending && document.querySelectorAll('#log .msg.bot').length > ${before}`);
    expect((await newestReplyInView(page)).firstLineVisible).toBe(true);
    // At 360 px the title fits on one line.
    await page.setViewport({ width: 360, height: 740, isMobile: true, hasTouch: true });
    const header = await inPage<{ height: number; line: number }>(
      page,
      "(() => { const h = document.querySelector('header h1'); return { height: h.getBoundingClientRect().height, line: parseFloat(getComputedStyle(h).lineHeight) || 24 }; })()",
    );
    expect(header.height).toBeLessThan(header.line * 1.5);
    await page.close();
  });

  it('resumes mid-registration after a reload, at the same question, without sending anything', async () => {
    const page = await phonePage(browser);
    await page.goto(http.url);
    await settled(page);
    await (await button(page, { value: 'learning' })).click();
    await (await button(page, { value: 'yes' })).click();
    await shows(page, 'Họ và tên');
    await type(page, 'Nguyễn Thị Hoa', 'Năm sinh');
    const user = await idOf(page);
    const before = await history(user);

    await page.reload();
    await settled(page);
    const texts = await botTexts(page);
    expect(texts.at(-1)).toContain('Năm sinh');
    expect(await inPage(page, "[...document.querySelectorAll('#log .msg.me')].map((e) => e.innerText)")).toContain('Nguyễn Thị Hoa');
    // Nothing was sent on reload: the server's history is as it was.
    expect(await history(user)).toEqual(before);
    await type(page, '1988', 'tỉnh/thành');
    await page.close();
  });

  it('gives a page with a made-up id a new one, and shows the chat in English with ?lang=en, labels following /lang', async () => {
    const page = await phonePage(browser);
    // An old page picked its own id; it is still in the browser's storage.
    await page.evaluateOnNewDocument("if (!sessionStorage.getItem('seeded')) { sessionStorage.setItem('seeded', '1'); localStorage.setItem('xhht-user', 'citB'); }");
    await page.goto(`${http.url}/?lang=en`);
    await settled(page);
    expect(await idOf(page)).toMatch(/^w[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
    expect(await inPage(page, "document.getElementById('text').placeholder")).toBe('Type a message…');
    expect(await inPage(page, "document.getElementById('send').textContent")).toBe('Send');
    expect(await inPage(page, "document.getElementById('attach').getAttribute('aria-label')")).toBe('Send a photo or a PDF file');
    expect((await botTexts(page)).join('\n')).toContain('Hello');
    await type(page, '/lang vi', 'Đã chuyển sang tiếng Việt');
    expect(await inPage(page, "document.getElementById('text').placeholder")).toBe('Nhập tin nhắn…');
    expect(await inPage(page, 'document.documentElement.lang')).toBe('vi');
    await page.close();
  });

  it('shows typing dots and holds the input while a reply is on its way', async () => {
    const page = await phonePage(browser);
    await page.goto(http.url);
    await settled(page);
    // The next message is held on its way to the server until the page has been looked at.
    await page.setRequestInterception(true);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      page.on('request', (req) => {
        if (req.url().endsWith('/api/chat') && req.method() === 'POST') {
          release = () => void req.continue();
          resolve();
        } else void req.continue();
      });
    });
    await (await button(page, { value: 'settings' })).click();
    await held;
    expect(
      await inPage(page, "({ typing: !!document.querySelector('#log .typing'), input: document.getElementById('text').disabled, send: document.getElementById('send').disabled })"),
    ).toEqual({ typing: true, input: true, send: true });
    release();
    await shows(page, 'Cài đặt');
    expect(await inPage(page, "({ typing: !!document.querySelector('#log .typing'), input: document.getElementById('text').disabled })")).toEqual({ typing: false, input: false });
    await page.close();
  });

  it('offers “Thử lại” when a request fails, and sends it again', async () => {
    const page = await phonePage(browser);
    await page.goto(http.url);
    await settled(page);
    await page.setOfflineMode(true);
    await (await button(page, { value: 'settings' })).click();
    const retry = await page.waitForSelector('#log .error button.retry');
    expect(await inPage(page, "document.querySelector('#log .error button.retry').textContent")).toBe('Thử lại');
    // The input is usable again, not disabled for good.
    expect(await inPage(page, "document.getElementById('text').disabled")).toBe(false);
    await page.setOfflineMode(false);
    await retry?.click();
    await shows(page, 'Cài đặt');
    expect(await page.$('#log .error')).toBeNull();
    await page.close();
  });

  it('shows a proactive message at once, without a reload, with an unread mark while the tab is in the background', async () => {
    const page = await phonePage(browser);
    // Headless tabs are never hidden: the page is told so, as a phone does when another app is in front.
    await page.evaluateOnNewDocument("Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => window.inBackground === true })");
    await page.goto(http.url);
    await settled(page);
    await page.waitForSelector('body[data-live="on"]');
    const user = await idOf(page);
    await inPage(page, 'window.inBackground = true');
    await t.app.senders.get('web')?.send(user, [
      { text: 'Tuần lễ học tập suốt đời 2026 khai mạc ngày 1/10 tại nhà văn hóa phường. Chi tiết: https://congdanhoctap.vn/tuan-le-2026. Không bấm javascript:alert(1)' },
    ]);
    await shows(page, 'khai mạc ngày 1/10 tại nhà văn hóa');
    // Web addresses are links, without the full stop after them; nothing else is.
    const links = await inPage<string[]>(page, "[...[...document.querySelectorAll('#log .msg.bot')].at(-1).querySelectorAll('a')].map((a) => a.getAttribute('href'))");
    expect(links).toEqual(['https://congdanhoctap.vn/tuan-le-2026']);
    expect(await inPage(page, 'document.title')).toBe('(1) Trợ lý Xây dựng xã hội học tập');
    await inPage(page, "window.inBackground = false, document.dispatchEvent(new Event('visibilitychange'))");
    expect(await inPage(page, 'document.title')).toBe('Trợ lý Xây dựng xã hội học tập');
    await page.close();
  });

  it('takes a certificate photo as evidence; the officer sees it in the review; the decision reaches the open page', async () => {
    const citizen = await phonePage(browser);
    await citizen.goto(http.url);
    await settled(citizen);
    const lan = await idOf(citizen);
    // Registration and the activity up to its evidence, as the page would send them.
    await chat(lan, { text: '/menu' });
    for (const body of [{ choice: 'learning' }, { choice: 'yes' }, { text: 'Hoàng Thị Lan' }, { text: '1992' }, { text: 'son la' }]) await chat(lan, body);
    const communes = await chat(lan, { text: 'to hieu' });
    const commune = communes.flatMap((r) => r.choices).find((c) => c.label.includes('Tô Hiệu'))?.value as string;
    for (const body of [{ choice: commune }, { choice: 'resident' }, { text: '0978 111 222' }, { choice: 'log' }, { text: '12/02/2026' }, { choice: 'course' }, { text: 'Lớp kỹ năng số' }, { text: '20' }, { text: '1 5' }]) await chat(lan, body);

    await citizen.reload();
    await settled(citizen);
    expect((await botTexts(citizen)).at(-1)).toContain('minh chứng');
    const input = (await citizen.$('#file')) as ElementHandle<never>;
    await input.uploadFile(certificate);
    await shows(citizen, 'Đã lưu: Lớp kỹ năng số');
    expect(await inPage(citizen, "[...document.querySelectorAll('#log .msg.me')].at(-1).querySelector('img') !== null")).toBe(true);
    for (const body of [{ choice: 'back' }, { choice: 'score' }, { text: '9 8 9 8 9 8 9 8 9 8' }, { choice: 'submit' }, { choice: 'send' }]) await chat(lan, body);
    await citizen.waitForSelector('body[data-live="on"]');

    // The commune's officer, invited by code, opens the file on the page.
    const officer = await issuedWebId(http.url);
    const { code } = await t.app.invites.create({ role: 'officer', area: 'son-la.to-hieu', ttlMs: 86_400_000, createdBy: 'test' });
    await chat(officer, { text: '/menu' });
    await chat(officer, { text: `/join ${code}` });
    await chat(officer, { text: '/menu' });
    await chat(officer, { choice: 'learning' });
    await chat(officer, { choice: 'review' });
    const desk = await phonePage(browser);
    await desk.evaluateOnNewDocument(`localStorage.setItem('xhht-user', ${JSON.stringify(officer)})`);
    await desk.goto(http.url);
    await settled(desk);
    // The queue named the citizen: the officer's history keeps its buttons, not her name.
    expect((await botTexts(desk)).join('\n')).not.toContain('Hoàng Thị Lan');
    await (await button(desk, { label: 'Phường Tô Hiệu' })).click();
    await shows(desk, 'Hoàng Thị Lan');
    const src = await until<string>(
      desk,
      "(() => { const img = [...document.querySelectorAll('#log .msg.bot img')].at(-1); return img && img.complete && img.naturalWidth > 0 ? img.getAttribute('src') : undefined; })()",
    );
    expect(src).toMatch(/^\/api\/chat\/files\//);
    expect(src).not.toContain(lan);

    await (await button(desk, { value: 'approve' })).click();
    await (await button(desk, { value: 'yes' })).click();
    await shows(desk, 'Đã công nhận hồ sơ');
    // The citizen's page, open all along, shows the decision without a reload.
    await shows(citizen, 'công nhận ngày');
    await Promise.all([citizen.close(), desk.close()]);
  });
}, 300_000);
