import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenLocal, type LocalServer } from './http.js';

/** One message the fake accepted (error 0), as Zalo would have delivered it. */
export interface ZaloDelivered {
  endpoint: 'cs' | 'template';
  userId: string;
  text?: string;
  templateId?: string;
  templateData?: Record<string, string>;
  accessToken: string;
  /** When it arrived (epoch ms). */
  at: number;
}

/** Every call the fake received, accepted or not, with the code it answered. */
export interface ZaloCall {
  path: string;
  accessToken: string | undefined;
  /** The request body exactly as sent (to check that ids stayed exact). */
  raw: string;
  error: number;
}

export interface OAuthCall {
  appId: string | null;
  grantType: string | null;
  refreshToken: string | null;
  secretKey: string | undefined;
  error: number;
}

const MESSAGES: Record<number, string> = {
  [-32]: 'Request was rejected because the app exceeded its rate limit',
  [-201]: 'Parameters are invalid',
  [-213]: 'User has not followed the OA',
  [-216]: 'Access token is invalid',
  [-217]: 'User has rejected messages from the OA',
  [-220]: 'Access token has expired',
  [-230]: 'User has not interacted with the OA in the last 7 days',
  [-244]: 'User has turned off this type of message',
};

export const ZALO_TEXT_MAX = 2000;

/**
 * A local stand-in for openapi.zalo.me and oauth.zaloapp.com: checks the access_token header and the
 * OAuth form and secret_key, answers with Zalo's error bodies (HTTP 200, non-zero `error`), rotates
 * single-use refresh tokens (a spent one is refused), and can be told to expire the access token,
 * rate-limit, or refuse one person.
 */
export class FakeZalo {
  readonly delivered: ZaloDelivered[] = [];
  private readonly byUser = new Map<string, ZaloDelivered[]>();
  readonly calls: ZaloCall[] = [];
  readonly oauthCalls: OAuthCall[] = [];
  /** The refresh token the next OAuth call must present. */
  refreshToken: string;
  private readonly spent = new Set<string>();
  private readonly access = new Map<string, 'valid' | 'expired'>();
  private readonly refusals = new Map<string, number>();
  private rateLimited = 0;
  private oauthDelayMs = 0;
  private messageDelay: (raw: string) => number = () => 0;
  private http?: LocalServer;
  url = '';

  constructor(
    readonly appId: string,
    readonly appSecret: string,
    initialRefreshToken: string,
  ) {
    this.refreshToken = initialRefreshToken;
  }

  async start(): Promise<this> {
    this.http = await listenLocal(
      createServer((req, res) => {
        void this.route(req, res).catch((err: unknown) => {
          res.writeHead(500);
          res.end(String(err));
        });
      }),
    );
    this.url = this.http.url;
    return this;
  }

  async close(): Promise<void> {
    await this.http?.close();
  }

  /** Every access token issued so far is now expired (Zalo answers -220). */
  expireAccessTokens(): void {
    for (const token of this.access.keys()) this.access.set(token, 'expired');
  }

  /**
   * The OA is authorised again in Zalo's console: every token issued so far stops working, and the
   * returned refresh token is the one an operator would copy into ZALO_REFRESH_TOKEN.
   */
  reauthorize(): string {
    this.spent.add(this.refreshToken);
    this.access.clear();
    this.refreshToken = `ref_${randomBytes(12).toString('hex')}`;
    return this.refreshToken;
  }

  /** The next `n` message calls answer -32. */
  rateLimit(n: number): void {
    this.rateLimited = n;
  }

  /** Message calls to this person answer `code` (e.g. -230 for text, -213, -244) until cleared. */
  refuse(userId: string, code: number | undefined): void {
    if (code === undefined) this.refusals.delete(userId);
    else this.refusals.set(userId, code);
  }

  /** OAuth answers this much later: makes concurrent refreshes overlap for sure. */
  delayOAuth(ms: number): void {
    this.oauthDelayMs = ms;
  }

  /** Message calls answer this much later; a function picks the delay per request body. */
  delayMessages(delay: number | ((raw: string) => number)): void {
    this.messageDelay = typeof delay === 'number' ? () => delay : delay;
  }

  textsTo(userId: string): string[] {
    return (this.byUser.get(userId) ?? []).filter((d) => d.text !== undefined).map((d) => d.text as string);
  }

  /** Everything delivered to this person, texts and templates. */
  deliveredTo(userId: string): ZaloDelivered[] {
    return this.byUser.get(userId) ?? [];
  }

  private deliver(d: ZaloDelivered): void {
    this.delivered.push(d);
    const list = this.byUser.get(d.userId) ?? [];
    list.push(d);
    this.byUser.set(d.userId, list);
  }

  /** Waits until `check` holds (replies are sent after the webhook has answered). */
  async waitFor(check: () => boolean, what = 'the expected messages', timeoutMs = 8000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; delivered: ${JSON.stringify(this.delivered.map((d) => [d.userId, d.text?.slice(0, 60)]))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Waits for `count` messages to this person and returns all their texts. */
  async textsFor(userId: string, count: number): Promise<string[]> {
    await this.waitFor(() => this.textsTo(userId).length >= count, `${count} message(s) to ${userId}`);
    return this.textsTo(userId);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'POST' && path === '/v4/oa/access_token') return this.oauth(req, raw, res);
    if (req.method === 'POST' && (path === '/v3.0/oa/message/cs' || path === '/v3.0/oa/message/template')) return this.message(req, path, raw, res);
    reply(res, 404, { error: 404, message: 'not found' });
  }

  private async oauth(req: IncomingMessage, raw: string, res: ServerResponse): Promise<void> {
    if (this.oauthDelayMs) await new Promise((r) => setTimeout(r, this.oauthDelayMs));
    const form = new URLSearchParams(raw);
    const secretKey = header(req, 'secret_key');
    const call: OAuthCall = { appId: form.get('app_id'), grantType: form.get('grant_type'), refreshToken: form.get('refresh_token'), secretKey, error: 0 };
    this.oauthCalls.push(call);
    const refuse = (error: number, name: string) => {
      call.error = error;
      reply(res, 200, { error, error_name: name, error_reason: name, error_description: `${name}. See https://developers.zalo.me/docs/official-account`, ref_doc: 'https://developers.zalo.me/docs/official-account' });
    };
    if (!(header(req, 'content-type') ?? '').includes('application/x-www-form-urlencoded')) return refuse(-14003, 'Invalid parameter');
    if (call.appId !== this.appId) return refuse(-14001, 'Invalid app_id');
    if (secretKey !== this.appSecret) return refuse(-14002, 'Invalid secret key');
    if (call.grantType !== 'refresh_token') return refuse(-14003, 'Invalid grant_type');
    if (!call.refreshToken || call.refreshToken !== this.refreshToken || this.spent.has(call.refreshToken)) return refuse(-14014, 'Invalid refresh token');
    this.spent.add(call.refreshToken);
    const access = `acc_${randomBytes(12).toString('hex')}`;
    this.refreshToken = `ref_${randomBytes(12).toString('hex')}`;
    this.access.set(access, 'valid');
    // Zalo sends expires_in as a string of seconds.
    reply(res, 200, { access_token: access, refresh_token: this.refreshToken, expires_in: '90000' });
  }

  private async message(req: IncomingMessage, path: string, raw: string, res: ServerResponse): Promise<void> {
    const delay = this.messageDelay(raw);
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const accessToken = header(req, 'access_token');
    const call: ZaloCall = { path, accessToken, raw, error: 0 };
    this.calls.push(call);
    const fail = (error: number) => {
      call.error = error;
      reply(res, 200, { error, message: MESSAGES[error] ?? 'Unknown error' });
    };
    const state = accessToken ? this.access.get(accessToken) : undefined;
    if (state === undefined || header(req, 'authorization')) return fail(-216);
    if (state === 'expired') return fail(-220);
    if (this.rateLimited > 0) {
      this.rateLimited--;
      return fail(-32);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return fail(-201);
    }
    const cs = path.endsWith('/cs');
    const userId = cs ? str((body as { recipient?: { user_id?: unknown } }).recipient?.user_id) : str((body as { user_id?: unknown }).user_id);
    if (!userId) return fail(-201);
    const refusal = this.refusals.get(userId);
    // The 7-day window bounds free text only: approved templates still reach the person.
    if (refusal !== undefined && (cs || refusal !== -230)) return fail(refusal);
    if (cs) {
      const text = str((body as { message?: { text?: unknown } }).message?.text);
      if (!text || text.length > ZALO_TEXT_MAX) return fail(-201);
      this.deliver({ endpoint: 'cs', userId, text, accessToken: accessToken as string, at: Date.now() });
      return reply(res, 200, { error: 0, message: 'Success', data: { message_id: randomBytes(16).toString('hex'), user_id: userId } });
    }
    const t = body as { template_id?: unknown; template_data?: unknown };
    const templateId = str(t.template_id);
    if (!templateId || typeof t.template_data !== 'object' || t.template_data === null) return fail(-201);
    this.deliver({ endpoint: 'template', userId, templateId, templateData: t.template_data as Record<string, string>, accessToken: accessToken as string, at: Date.now() });
    reply(res, 200, { error: 0, message: 'Success', data: { msg_id: randomBytes(16).toString('hex'), sent_time: String(Date.now()) } });
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export const ZALO_TEST_ENV = {
  ZALO_APP_ID: '4291763606161179100',
  ZALO_APP_SECRET: 'app-secret-Ab3dEf',
  ZALO_OA_SECRET_KEY: 'oa-secret-9XyZw',
  ZALO_REFRESH_TOKEN: 'ref_first_from_env',
};

/** A fake Zalo with the test app's credentials and first refresh token. */
export function startFakeZalo(): Promise<FakeZalo> {
  return new FakeZalo(ZALO_TEST_ENV.ZALO_APP_ID, ZALO_TEST_ENV.ZALO_APP_SECRET, ZALO_TEST_ENV.ZALO_REFRESH_TOKEN).start();
}
