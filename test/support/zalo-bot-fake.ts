import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenLocal, type LocalServer } from './http.js';

export const ZALO_BOT_TEST_ENV = {
  ZALO_BOT_TOKEN: '1459232241454765289:BotSecretAbc-123',
  ZALO_BOT_WEBHOOK_SECRET: 'hook-secret-8chars',
};

/**
 * A local stand-in for bot-api.zaloplatforms.com: /bot<TOKEN>/<method> with the Bot API's answers
 * ({"ok":true,"result":...} or {"ok":false,"error_code","description"}), refusing a wrong token and
 * text over 2,000 characters; it can be told to answer 429 or 403.
 */
export class FakeZaloBot {
  readonly messages: { chatId: string; text: string }[] = [];
  readonly webhooks: { url: string; secretToken: string }[] = [];
  private readonly blocked = new Set<string>();
  private tooMany = 0;
  private http?: LocalServer;
  url = '';

  constructor(readonly token: string = ZALO_BOT_TEST_ENV.ZALO_BOT_TOKEN) {}

  async start(): Promise<this> {
    this.http = await listenLocal(createServer((req, res) => void this.route(req, res)));
    this.url = this.http.url;
    return this;
  }

  async close(): Promise<void> {
    await this.http?.close();
  }

  /** The next `n` calls answer 429. */
  rateLimit(n: number): void {
    this.tooMany = n;
  }

  /** This chat has blocked the bot: 403. */
  block(chatId: string): void {
    this.blocked.add(chatId);
  }

  textsTo(chatId: string): string[] {
    return this.messages.filter((m) => m.chatId === chatId).map((m) => m.text);
  }

  async textsFor(chatId: string, count: number, timeoutMs = 8000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.textsTo(chatId).length < count) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} message(s) to ${chatId}; got ${JSON.stringify(this.messages)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.textsTo(chatId);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    if (!m || m[1] !== this.token) return reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid JSON' });
    }
    if (this.tooMany > 0) {
      this.tooMany--;
      return reply(res, 429, { ok: false, error_code: 429, description: 'Too Many Requests' });
    }
    if (m[2] === 'setWebhook') {
      this.webhooks.push({ url: String(body.url), secretToken: String(body.secret_token) });
      return reply(res, 200, { ok: true, result: { url: body.url, updated_at: Date.now() } });
    }
    if (m[2] !== 'sendMessage') return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const chatId = typeof body.chat_id === 'string' ? body.chat_id : '';
    const text = typeof body.text === 'string' ? body.text : '';
    if (!chatId || !text || text.length > 2000) return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: text must be 1-2000 characters' });
    if (this.blocked.has(chatId)) return reply(res, 403, { ok: false, error_code: 403, description: 'Forbidden: the user has blocked the bot' });
    this.messages.push({ chatId, text });
    reply(res, 200, { ok: true, result: { message_id: randomBytes(10).toString('hex'), date: Date.now() } });
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
