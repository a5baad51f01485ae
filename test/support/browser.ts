import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page, type Viewport } from 'puppeteer-core';

const INSTALL_HINT =
  'Chromium was not found. Install it from the distribution (Debian/Ubuntu: `sudo apt-get install -y chromium`) ' +
  'or set CHROMIUM_PATH to a Chromium or Chrome binary; the tests download no browser.';

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(INSTALL_HINT);
  return found;
}

/** The distribution's Chromium, headless; one per test file. */
export function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Root in a container has no user namespace sandbox; /dev/shm is small there.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--lang=vi-VN'],
    protocolTimeout: 120_000,
  });
}

/**
 * A page in a browser profile of its own (its own storage: a person of their own), closed with it,
 * waiting as long as a slow shared machine needs: tests wait for conditions, never for time.
 */
async function pageOfItsOwn(browser: Browser, viewport: Viewport): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.once('close', () => void context.close().catch(() => undefined));
  await page.setViewport(viewport);
  page.setDefaultTimeout(60_000);
  return page;
}

/** A phone-sized page (390×844). */
export function phonePage(browser: Browser): Promise<Page> {
  return pageOfItsOwn(browser, { width: 390, height: 844, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
}

/** A laptop-sized page (1280×800), as an officer at the commune office has. */
export function laptopPage(browser: Browser): Promise<Page> {
  return pageOfItsOwn(browser, { width: 1280, height: 800 });
}

/*
 * What runs in the page is given as JavaScript text: the suite is type-checked for Node, without the DOM
 * library (whose fetch types clash with Node's).
 */

/** The value of an expression evaluated in the page. */
export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

/** Waits until the expression is truthy in the page, and gives its value. */
export async function until<T>(page: Page, expression: string): Promise<T> {
  const handle = await page.waitForFunction(expression);
  return (await handle.jsonValue()) as T;
}

/** The page has drawn its conversation and nothing is pending. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction("document.body.dataset.ready === '1' && !document.body.dataset.pending");
}

/** Texts of the bot's bubbles, oldest first. */
export function botTexts(page: Page): Promise<string[]> {
  return inPage(page, "[...document.querySelectorAll('#log .msg.bot')].map((e) => e.innerText)");
}

/** Waits until no request is pending and a bot bubble holds the text. */
export async function botSays(page: Page, text: string): Promise<void> {
  await page.waitForFunction(`!document.body.dataset.pending && [...document.querySelectorAll('#log .msg.bot')].some((e) => e.innerText.includes(${JSON.stringify(text)}))`);
}

/** Types a message in the web chat and waits for the bot's reply that holds `expectReply`. */
export async function say(page: Page, text: string, expectReply: string): Promise<void> {
  await page.waitForFunction("!document.getElementById('text').disabled");
  await page.type('#text', text);
  await page.keyboard.press('Enter');
  await botSays(page, expectReply);
}

/** Nothing sticks out sideways: the page is usable without scrolling left and right. */
export function fitsWidth(page: Page): Promise<boolean> {
  return inPage<boolean>(page, 'document.documentElement.scrollWidth <= window.innerWidth');
}
