import { expect } from 'vitest';
import type { App } from '../../src/app/app.js';
import type { Reply } from '../../src/core/message.js';

/** The sign-in link the chat gives `user` for /web (the person must hold a console role). */
export async function consoleLink(app: App, user: string): Promise<string> {
  const replies: Reply[] = await app.bot.handle({ user, text: '/web' });
  const url = replies.find((r) => r.link)?.link?.url;
  expect(url, JSON.stringify(replies)).toMatch(/\/admin\/login\/[A-Za-z0-9_-]{43}$/);
  return url as string;
}

/** The `_csrf` value of the first form on a console page. */
export function csrfOf(page: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  expect(token, 'the page has a form with a CSRF token').toBeTruthy();
  return token as string;
}

export interface ConsoleAnswer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | number | undefined>;
}

/**
 * One browser's view of the console through fastify's inject(): it keeps the cookies the server sets
 * (session, CSRF secret, language) and sends them back, as a browser on the console's address would.
 */
export class ConsoleBrowser {
  readonly cookies = new Map<string, string>();

  constructor(private readonly app: App) {}

  private async request(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<ConsoleAnswer> {
    const res = await this.app.http.inject({
      method,
      url: path,
      cookies: Object.fromEntries(this.cookies),
      ...(form ? { payload: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}),
    });
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const cleared = c.value === '' || c.maxAge === 0 || (c.expires !== undefined && c.expires.getTime() < Date.now());
      if (cleared) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return { status: res.statusCode, body: res.body, headers: res.headers };
  }

  get(path: string): Promise<ConsoleAnswer> {
    return this.request('GET', path);
  }

  /** Posts a form; with `csrfFrom`, the token of the page at that address goes along (as the page's form would send it). */
  async post(path: string, form: Record<string, string> = {}, csrfFrom?: string): Promise<ConsoleAnswer> {
    const token = csrfFrom ? csrfOf((await this.get(csrfFrom)).body) : undefined;
    return this.request('POST', path, { ...form, ...(token ? { _csrf: token } : {}) });
  }

  /** Opens a sign-in link and presses its button, as a person would. */
  async signIn(link: string): Promise<ConsoleAnswer> {
    const path = new URL(link).pathname;
    return this.post(path, {}, path);
  }
}

/** Reads RFC 4180 CSV back (quoted fields with commas, doubled quotes, CRLF), as a spreadsheet would. */
export function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field.replace(/\r$/, '')), rows.push(row), (row = []), (field = '');
    else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/** A browser signed in to the console as `user` (who must hold a console role), through the chat's link. */
export async function signedInBrowser(app: App, user: string): Promise<ConsoleBrowser> {
  const browser = new ConsoleBrowser(app);
  const res = await browser.signIn(await consoleLink(app, user));
  expect(res.status, 'signing in').toBe(303);
  return browser;
}
