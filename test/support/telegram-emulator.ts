import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Bot API server for tests: long polling and webhooks, the send methods the bot uses, callback
 * answers and bot commands, with faults on demand (429 with retry_after, 403 for a blocked chat).
 * It records what the bot called, so tests assert on what a person would see.
 */

export interface TgUser {
  id: number;
  first_name: string;
  language_code?: string;
  username?: string;
  is_bot?: boolean;
}

export interface TgChat {
  id: number;
  type: 'private' | 'group' | 'supergroup';
  title?: string;
}

export type Update = { update_id: number } & Record<string, unknown>;

export interface Button {
  text: string;
  callback_data?: string;
  url?: string;
}

export interface Sent {
  message_id: number;
  chat_id: string;
  method: 'sendMessage' | 'sendDocument' | 'sendPhoto' | 'sendAudio' | 'sendVideo';
  text: string;
  /** A photo or file sent by its file_id or URL (not uploaded). */
  media?: string;
  parse_mode?: string;
  keyboard?: Button[][];
  document?: { name: string; content: string };
  at: number;
}

export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  /** The HTTP status the emulator answered with. */
  status: number;
  at: number;
  /** Called over HTTP, or returned in the body of a webhook response. */
  via: 'api' | 'webhook-response';
}

interface Fault {
  method: string;
  chatId?: string;
  code: number;
  description: string;
  retryAfter?: number;
  times: number;
}

const SEND_METHODS = new Set(['sendMessage', 'sendDocument', 'sendPhoto', 'sendAudio', 'sendVideo']);

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Bot API parameters come as JSON, as a form, or in the query string. */
async function paramsOf(req: IncomingMessage, url: URL): Promise<{ params: Record<string, unknown>; file?: { name: string; content: string } }> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const body = await readAll(req);
  const type = req.headers['content-type'] ?? '';
  if (!body.length) return { params };
  if (type.startsWith('application/json')) return { params: { ...params, ...(JSON.parse(body.toString('utf8')) as Record<string, unknown>) } };
  const form = await new Response(body, { headers: { 'content-type': type } }).formData();
  let file: { name: string; content: string } | undefined;
  for (const [key, value] of form) {
    if (typeof value === 'string') params[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    else file = { name: value.name, content: await value.text() };
  }
  return { params, ...(file ? { file } : {}) };
}

export class TelegramEmulator {
  readonly token: string;
  readonly apiRoot: string;
  readonly botUser: TgUser;
  /** Every call but getUpdates, in order. */
  readonly calls: ApiCall[] = [];
  readonly sent: Sent[] = [];
  readonly callbackAnswers: { callback_query_id: string; text?: string; at: number; via: ApiCall['via'] }[] = [];
  /** setMyCommands by language_code ("" for the default list). */
  readonly commands = new Map<string, { command: string; description: string }[]>();
  webhook?: { url: string; secret?: string; allowedUpdates?: unknown };
  /** What the bot answered to each webhook POST. */
  readonly webhookResponses: { status: number; body: string }[] = [];
  getUpdatesCalls = 0;
  /** Calls made with a token other than the bot's. */
  unauthorized = 0;

  private queue: Update[] = [];
  private waiters = new Set<() => void>();
  private faults: Fault[] = [];
  /** Files people sent, by file_id: what getFile and the file download serve. */
  private readonly files = new Map<string, Buffer>();
  private readonly blocked = new Set<string>();
  private nextUpdateId = 100;
  private nextMessageId = 1;
  private nextCallbackId = 1;

  private constructor(
    private readonly server: Server,
    token: string,
    username: string,
  ) {
    const { port } = server.address() as AddressInfo;
    this.token = token;
    this.apiRoot = `http://127.0.0.1:${port}`;
    this.botUser = { id: Number(token.split(':')[0]), is_bot: true, first_name: 'XHHT', username };
  }

  static async start(opts: { token?: string; username?: string } = {}): Promise<TelegramEmulator> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const emu = new TelegramEmulator(server, opts.token ?? '123456:TEST-token_abc', opts.username ?? 'xhht_test_bot');
    server.on('request', (req, res) => {
      emu.serve(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
      });
    });
    return emu;
  }

  async close(): Promise<void> {
    for (const wake of this.waiters) wake();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  // ---- what people do ----

  static person(id: number, language_code = 'vi'): TgUser {
    return { id, first_name: `Person ${id}`, language_code };
  }

  private newMessage(from: TgUser, chat: TgChat | undefined, fields: Record<string, unknown>) {
    return {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      from,
      chat: chat ?? { id: from.id, type: 'private', first_name: from.first_name },
      ...fields,
    };
  }

  /** The id the next update gets (ids only grow: getUpdates confirms by offset). */
  newUpdateId(): number {
    return this.nextUpdateId++;
  }

  /** An update as Telegram would make it, not yet delivered. */
  textUpdate(from: TgUser, text: string, opts: { chat?: TgChat; replyToBot?: boolean } = {}): Update {
    const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0]!.length }] : undefined;
    return {
      update_id: this.newUpdateId(),
      message: this.newMessage(from, opts.chat, {
        text,
        ...(entities ? { entities } : {}),
        ...(opts.replyToBot ? { reply_to_message: { message_id: 1, from: this.botUser, chat: opts.chat, date: 0, text: '…' } } : {}),
      }),
    };
  }

  buttonUpdate(from: TgUser, data: string, opts: { chat?: TgChat; messageId?: number } = {}): Update {
    return {
      update_id: this.newUpdateId(),
      callback_query: {
        id: `cb${this.nextCallbackId++}`,
        from,
        chat_instance: '1',
        data,
        message: { message_id: opts.messageId ?? 1, date: 0, chat: opts.chat ?? { id: from.id, type: 'private' }, from: this.botUser, text: '…' },
      },
    };
  }

  /** Keeps a file as Telegram's servers would once a person sent it, so that the bot can download it by its id. */
  hostFile(fileId: string, bytes: Buffer): void {
    this.files.set(fileId, bytes);
  }

  mediaUpdate(from: TgUser, media: Record<string, unknown>): Update {
    return { update_id: this.newUpdateId(), message: this.newMessage(from, undefined, media) };
  }

  /** Hands updates to the bot: POSTs each to the webhook when one is set (returns the statuses), else queues them for getUpdates in one batch. */
  async deliver(...updates: Update[]): Promise<number[]> {
    if (this.webhook) {
      const statuses: number[] = [];
      for (const u of updates) statuses.push((await this.post(u, this.webhook.secret)).status);
      return statuses;
    }
    this.queue.push(...updates);
    for (const wake of [...this.waiters]) wake();
    return [];
  }

  /**
   * POSTs an update to the webhook with the given secret header (none when undefined). Like Telegram,
   * it makes the Bot API call that a 200 response may carry in its body.
   */
  async post(body: unknown, secret: string | undefined): Promise<Response> {
    if (!this.webhook) throw new Error('no webhook is set');
    const res = await fetch(this.webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret !== undefined ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    this.webhookResponses.push({ status: res.status, body: text });
    if (res.status === 200 && text) this.callInResponse(res.headers.get('content-type') ?? '', text);
    return res;
  }

  /**
   * The Bot API call a webhook response carries: a JSON object naming its method, made like any other
   * call (so a bad one fails as it would over HTTP). Anything else is refused, recorded as a call of
   * method '(invalid)' with status 400: Telegram tells the bot nothing either way.
   */
  private callInResponse(type: string, text: string): void {
    let call: unknown;
    try {
      call = type.startsWith('application/json') ? JSON.parse(text) : undefined;
    } catch {
      call = undefined;
    }
    if (call && typeof call === 'object' && !Array.isArray(call) && typeof (call as { method?: unknown }).method === 'string') {
      const params = call as { method: string } & Record<string, unknown>;
      this.apply(params.method, params, undefined, 'webhook-response');
    } else this.calls.push({ method: '(invalid)', params: { body: text }, status: 400, at: Date.now(), via: 'webhook-response' });
  }

  async sendText(from: TgUser, text: string, opts?: { chat?: TgChat; replyToBot?: boolean }): Promise<Update> {
    const u = this.textUpdate(from, text, opts);
    await this.deliver(u);
    return u;
  }

  async press(from: TgUser, data: string, opts?: { chat?: TgChat }): Promise<Update> {
    const u = this.buttonUpdate(from, data, opts);
    await this.deliver(u);
    return u;
  }

  // ---- faults ----

  /** The next `times` calls of `method` (to `chatId`, if given) fail as Telegram would. */
  failNext(method: string, fault: { code: number; description: string; retryAfter?: number }, opts: { chatId?: number; times?: number } = {}): void {
    this.faults.push({ method, ...fault, times: opts.times ?? 1, ...(opts.chatId !== undefined ? { chatId: String(opts.chatId) } : {}) });
  }

  tooManyRequests(method: string, retryAfter: number, opts?: { chatId?: number; times?: number }): void {
    this.failNext(method, { code: 429, description: `Too Many Requests: retry after ${retryAfter}`, retryAfter }, opts);
  }

  /** The person blocks the bot: every message to them is refused with 403. */
  block(chatId: number): void {
    this.blocked.add(String(chatId));
  }

  unblock(chatId: number): void {
    this.blocked.delete(String(chatId));
  }

  // ---- what the bot did ----

  sentTo(chatId: number): Sent[] {
    return this.sent.filter((s) => s.chat_id === String(chatId));
  }

  /** Resolves with the probe's first defined value, checking every 10 ms. */
  async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 10_000, what = 'the bot'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v !== undefined && v !== false) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Waits until `count` messages more than `after` have gone to the chat, and returns the new ones. */
  async messagesTo(chatId: number, count: number, after = 0, timeoutMs = 10_000): Promise<Sent[]> {
    return this.waitFor(() => {
      const all = this.sentTo(chatId);
      return all.length >= after + count ? all.slice(after) : undefined;
    }, timeoutMs, `${count} message(s) to ${chatId}`);
  }

  // ---- the Bot API ----

  private reply(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.apiRoot);
    const download = /^\/file\/bot([^/]+)\/files\/([\w-]+)$/.exec(url.pathname);
    if (download) {
      const bytes = download[1] === this.token ? this.files.get(download[2] as string) : undefined;
      if (!bytes) return this.reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
      return void res.end(bytes);
    }
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    if (!m) return this.reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method] = m as unknown as [string, string, string];
    if (token !== this.token) {
      this.unauthorized++;
      return this.reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    const { params, file } = await paramsOf(req, url);
    if (method === 'getUpdates') return this.getUpdates(res, params);
    const { status, body } = this.apply(method, params, file, 'api');
    this.reply(res, status, body);
  }

  /** One Bot API call, made by the bot over HTTP or returned by it in a webhook response. */
  private apply(method: string, params: Record<string, unknown>, file: { name: string; content: string } | undefined, via: ApiCall['via']): { status: number; body: unknown } {
    const call: ApiCall = { method, params, status: 200, at: Date.now(), via };
    this.calls.push(call);
    const fail = (status: number, description: string, extra: object = {}) => {
      call.status = status;
      return { status, body: { ok: false, error_code: status, description, ...extra } };
    };
    const ok = (result: unknown) => ({ status: 200, body: { ok: true, result } });
    const chatId = params.chat_id === undefined ? undefined : String(params.chat_id);
    const fault = this.takeFault(method, chatId);
    if (fault) return fail(fault.status, fault.body.description, fault.body.parameters ? { parameters: fault.body.parameters } : {});
    if (SEND_METHODS.has(method) && chatId && this.blocked.has(chatId)) return fail(403, 'Forbidden: bot was blocked by the user');
    switch (method) {
      case 'getMe':
        return ok(this.botUser);
      case 'setMyCommands':
        this.commands.set(String(params.language_code ?? ''), params.commands as { command: string; description: string }[]);
        return ok(true);
      case 'setWebhook':
        this.webhook = {
          url: String(params.url),
          ...(params.secret_token !== undefined ? { secret: String(params.secret_token) } : {}),
          allowedUpdates: params.allowed_updates,
        };
        return ok(true);
      case 'getFile': {
        const id = String(params.file_id ?? '');
        const bytes = this.files.get(id);
        if (!bytes) return fail(400, 'Bad Request: invalid file_id');
        return ok({ file_id: id, file_unique_id: id, file_size: bytes.length, file_path: `files/${id}` });
      }
      case 'deleteWebhook':
        this.webhook = undefined;
        return ok(true);
      case 'answerCallbackQuery':
        this.callbackAnswers.push({ callback_query_id: String(params.callback_query_id), ...(params.text !== undefined ? { text: String(params.text) } : {}), at: Date.now(), via });
        return ok(true);
      case 'sendMessage':
      case 'sendDocument':
      case 'sendPhoto':
      case 'sendAudio':
      case 'sendVideo': {
        if (!chatId) return fail(400, 'Bad Request: chat_id is empty');
        const text = String(params.text ?? params.caption ?? '');
        if (method === 'sendMessage' && (text.length === 0 || text.length > 4096)) return fail(400, `Bad Request: message text is ${text.length ? 'too long' : 'empty'}`);
        const markup = params.reply_markup as { inline_keyboard?: Button[][] } | undefined;
        const sent: Sent = {
          message_id: this.nextMessageId++,
          chat_id: chatId,
          method,
          text,
          ...(params.parse_mode ? { parse_mode: String(params.parse_mode) } : {}),
          ...(markup?.inline_keyboard ? { keyboard: markup.inline_keyboard } : {}),
          ...(file ? { document: file } : {}),
          ...(!file && typeof (params.photo ?? params.document ?? params.audio ?? params.video) === 'string'
            ? { media: String(params.photo ?? params.document ?? params.audio ?? params.video) }
            : {}),
          at: Date.now(),
        };
        this.sent.push(sent);
        return ok({ message_id: sent.message_id, date: Math.floor(sent.at / 1000), chat: { id: Number(chatId), type: 'private' }, from: this.botUser, text });
      }
      default:
        return fail(400, `Bad Request: method ${method} is not emulated`);
    }
  }

  /** The error body of the next planned failure of this call, if any (failNext, tooManyRequests). */
  private takeFault(method: string, chatId?: string): { status: number; body: { ok: false; error_code: number; description: string; parameters?: { retry_after: number } } } | undefined {
    const fault = this.faults.find((f) => f.method === method && f.times > 0 && (f.chatId === undefined || f.chatId === chatId));
    if (!fault) return undefined;
    fault.times--;
    const parameters = fault.retryAfter !== undefined ? { parameters: { retry_after: fault.retryAfter } } : {};
    return { status: fault.code, body: { ok: false, error_code: fault.code, description: fault.description, ...parameters } };
  }

  /** Long polling: updates at or after `offset` (earlier ones are confirmed and dropped), waiting up to `timeout` s. */
  private async getUpdates(res: ServerResponse, params: Record<string, unknown>): Promise<void> {
    this.getUpdatesCalls++;
    const fault = this.takeFault('getUpdates');
    if (fault) return this.reply(res, fault.status, fault.body);
    const offset = Number(params.offset ?? 0);
    if (offset > 0) this.queue = this.queue.filter((u) => u.update_id >= offset);
    const limit = Number(params.limit ?? 100);
    if (this.queue.length === 0 && Number(params.timeout ?? 0) > 0) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Number(params.timeout) * 1000);
        this.waiters.add(wake);
        res.once('close', wake);
      });
    }
    if (res.destroyed) return;
    this.reply(res, 200, { ok: true, result: this.queue.slice(0, limit) });
  }
}
