import { setTimeout as sleep } from 'node:timers/promises';
import { Telegraf, TelegramError } from 'telegraf';
import type { App } from '../../app/app.js';
import { REPEAT, StoreRefusedError, type UpdateOptions } from '../../app/bot.js';
import { markSeen, seenKey, type SeenMark } from '../../sessions/seen.js';
import type { ChannelSender, DeliveryOutcome, FetchedFile } from '../../core/delivery.js';
import { escapeHtml } from '../../core/html.js';
import { InFlight } from '../../core/in-flight.js';
import type { Inbound, Reply } from '../../core/message.js';
import { DEFAULT_LANGUAGE, LANGUAGES, type Language } from '../../i18n/index.js';
import { CallbackData } from './callback-data.js';
import { ButtonAnswer } from './button-answer.js';
import { asDeliveryOutcome, classify, messageInResponse, perform, withRateLimit, type RateLimitPolicy, type WebhookReply } from './delivery.js';
import { render } from './render.js';
import { PooledTelegram } from './transport.js';
import { ALLOWED_UPDATES, toIncoming, updateSchema, type BotIdentity, type Incoming, type TelegramUpdate } from './update.js';

export interface TelegramSettings {
  token: string;
  apiRoot: string;
  /** Webhook mode when set: the public address Telegram posts updates to. */
  webhookUrl?: string;
  webhookSecret: string;
}

/** Telegram gives up redelivering an update after 24 hours; its id is remembered that long. */
const UPDATE_SEEN_TTL_S = 24 * 3600;
/** The commands shown in Telegram's menu, described in each language. */
const MENU_COMMANDS = ['start', 'menu', 'help', 'lang', 'cancel'] as const;
/** Tries at the command menu before doing without it. */
const MENU_ATTEMPTS = 6;
/** Work in flight gets this long to finish on shutdown. */
const DRAIN_MS = 10_000;
/**
 * How long polling waits for a batch's updates before fetching the next (which confirms this one to
 * Telegram): long enough for a usual update to be done, so a hard kill loses none of those, and short
 * enough that one person waiting out a 429 does not hold up everyone else.
 */
const POLL_HOLD_MS = 500;
/** Long polling that Telegram ended starts again after this, doubling up to the maximum. */
const POLL_RESTART_MS = 1000;
const POLL_RESTART_MAX_MS = 30_000;

type Replying = Extract<Incoming, { kind: 'message' | 'callback' }>;

/** What `receive` gives the webhook when the update should come again later (the store is down or full). */
export const REDELIVER = 'redeliver';

/** The store could not record the update: in webhook mode Telegram is asked to deliver it again. */
class StoreRefused extends Error {}

/**
 * The Telegram channel: turns updates (long polling or webhook) into `app.bot.handle` calls and sends
 * the replies back; it is also the sender of proactive messages to Telegram users. One person's
 * updates run one after another, from the deduplication to the last reply sent; different people's
 * run side by side.
 */
export class TelegramChannel implements ChannelSender {
  readonly channel = 'telegram' as const;
  private readonly telegraf: Telegraf;
  private readonly telegram: PooledTelegram;
  private readonly callbackData: CallbackData;
  private readonly inFlight = new InFlight();
  private readonly stopped = new AbortController();
  private readonly replyPolicy: RateLimitPolicy;
  private me?: BotIdentity;
  private connecting?: Promise<void>;
  private menu?: Promise<void>;
  private polling?: Promise<void>;

  constructor(
    private readonly app: App,
    private readonly settings: TelegramSettings,
  ) {
    this.telegraf = new Telegraf(settings.token);
    this.telegram = new PooledTelegram(settings.token, { apiRoot: settings.apiRoot, webhookReply: false });
    // Polling (getUpdates) and everything telegraf calls itself go through the same client.
    this.telegraf.telegram = this.telegram;
    this.callbackData = new CallbackData(app.redis, app.prefix, app.config.SESSION_TTL_DAYS * 86_400);
    // Not cut short by stop(): a reply waiting out a rate limit is work in flight, drained like the rest.
    this.replyPolicy = { attempts: 3, maxWaitMs: 60_000, sleep: (ms) => sleep(ms) };
    // The only middleware, so polling's batch reaches `receive` in Telegram's order (see receive).
    this.telegraf.use((ctx) => {
      const parsed = updateSchema.safeParse(ctx.update);
      if (!parsed.success) {
        app.log.warn({ update: ctx.update.update_id, problem: parsed.error.issues[0]?.message }, 'malformed Telegram update skipped');
        return;
      }
      const held = new AbortController();
      const work = this.receive(parsed.data);
      void work.finally(() => held.abort());
      return Promise.race([work, sleep(POLL_HOLD_MS, undefined, { signal: held.signal }).catch(() => undefined)]).then(() => undefined);
    });
    this.telegraf.catch((err, ctx) => app.log.error({ err, update: ctx.update.update_id }, 'Telegram update failed'));
  }

  /** Updates are taken once getMe has told the bot its own name (group messages are matched against it). */
  get ready(): boolean {
    return this.me !== undefined && !this.stopped.signal.aborted;
  }

  /**
   * Handles one update: resolves once its replies are out (with the call to put in the webhook
   * response, if any), and never rejects. The person's turn (Bot.inOrder) is taken before the first
   * `await`, so updates handed over in order are handled, and answered, in that order.
   */
  receive(update: TelegramUpdate, opts: { webhook?: boolean } = {}): Promise<WebhookReply | typeof REDELIVER | undefined> {
    if (!this.me) throw new Error('the Telegram channel has not connected yet');
    const incoming = toIncoming(update, this.me);
    if (incoming.kind === 'ignored') {
      this.app.log.debug({ update: update.update_id, reason: incoming.reason }, 'Telegram update ignored');
      return Promise.resolve(undefined);
    }
    return this.inFlight.track(this.app.bot.inOrder(incoming.user, () => this.handle(update.update_id, incoming, opts.webhook ?? false)));
  }

  private async handle(updateId: number, incoming: Exclude<Incoming, { kind: 'ignored' }>, webhook: boolean): Promise<WebhookReply | typeof REDELIVER | undefined> {
    const log = this.app.log;
    let button: ButtonAnswer | undefined;
    let message: WebhookReply | undefined;
    let handled = true;
    try {
      if (incoming.kind === 'blocked') {
        if ((handled = await this.firstDelivery(updateId, incoming.user, webhook))) {
          await this.app.users.markInactive(incoming.user, 'blocked');
          log.info({ user: incoming.user }, 'blocked by a Telegram user');
        }
      } else if (incoming.kind === 'message') {
        const handledNow = await this.app.bot.handleUpdate(incoming.inbound, this.updateOptions(updateId, incoming.user, webhook));
        if ((handled = handledNow !== REPEAT)) message = await this.deliver(incoming, handledNow.replies, webhook);
      } else {
        button = new ButtonAnswer(incoming.callbackId, webhook, (id, text) => this.answerButton(id, text));
        handled = await this.onButton(updateId, incoming, button, webhook);
      }
    } catch (err) {
      if (err instanceof StoreRefused || err instanceof StoreRefusedError) {
        log.warn({ err: err.cause, update: updateId }, 'store unavailable: Telegram is asked to deliver the update again');
        return REDELIVER;
      }
      log.error({ err, update: updateId, user: incoming.user }, 'Telegram update failed');
      if (incoming.kind !== 'blocked') await this.apologise(incoming);
    }
    if (!handled) {
      log.info({ update: updateId }, 'Telegram update delivered twice; handled once');
      return undefined;
    }
    // A press keeps the response for its answer (see ButtonAnswer); its replies went through the API.
    return button ? button.settle() : message;
  }

  /** Handles a button press; false when the update was handled before. */
  private async onButton(updateId: number, c: Extract<Incoming, { kind: 'callback' }>, button: ButtonAnswer, webhook: boolean): Promise<boolean> {
    let value: string | undefined;
    try {
      value = c.data === undefined ? undefined : await this.callbackData.decode(c.data);
    } catch (err) {
      // Nothing was done yet: as for the seen mark, Telegram may deliver the update again.
      if (webhook) throw new StoreRefused('the store could not read the button', { cause: err });
      throw err;
    }
    if (value === undefined) {
      if (!(await this.firstDelivery(updateId, c.user, webhook))) return false;
      button.toast(this.app.i18n.t(await this.languageOf(c), 'telegram.button_expired'));
      return true;
    }
    button.start();
    const handled = await this.app.bot.handleUpdate({ ...c.inbound, choice: value }, this.updateOptions(updateId, c.user, webhook));
    if (handled === REPEAT) return false;
    await this.deliver(c, handled.replies);
    return true;
  }

  /** answerCallbackQuery through the API: failures are logged, since the button gives up on its own after a while. */
  private async answerButton(id: string, text?: string): Promise<void> {
    try {
      await withRateLimit(() => this.telegram.answerCbQuery(id, text), this.replyPolicy);
    } catch (err) {
      this.app.log.warn({ err, callback: id }, 'could not answer a Telegram button press');
    }
  }

  /**
   * Sends replies in order, waiting out rate limits; a 403 in the person's own chat means they blocked
   * the bot. With `inResponse` (a typed message in webhook mode), the last call is returned for the
   * webhook response instead, which saves a Bot API call per message, when it is a plain message and
   * every call before it went through at the first try: Telegram tells nobody how a call in a response
   * fared, so once a 429 was seen the rest goes through the API, where a failure is seen and handled.
   * The calls before it are done first, so the person reads the reply in order.
   */
  private async deliver(to: Replying, replies: Reply[], inResponse = false): Promise<WebhookReply | undefined> {
    const calls = await render(replies, (v) => this.callbackData.encode(v));
    let refused = false;
    for (const [i, call] of calls.entries()) {
      if (inResponse && !refused && i === calls.length - 1 && call.method === 'sendMessage') return messageInResponse(to.chatId, call);
      const attempt = () =>
        perform(this.telegram, to.chatId, call).catch((err: unknown) => {
          refused = true;
          throw err;
        });
      try {
        await withRateLimit(attempt, this.replyPolicy);
      } catch (err) {
        const failure = classify(err);
        if (failure.kind !== 'blocked') throw err;
        if (to.user === `telegram:${to.chatId}`) await this.app.users.markInactive(to.user, failure.reason);
        this.app.log.info({ user: to.user, reason: failure.reason }, 'Telegram refused a reply: blocked');
        return undefined;
      }
    }
    return undefined;
  }

  private async apologise(to: Replying): Promise<void> {
    try {
      const lang = await this.languageOf(to);
      await this.telegram.sendMessage(to.chatId, escapeHtml(this.app.i18n.t(lang, 'common.error')), { parse_mode: 'HTML' });
    } catch (err) {
      this.app.log.warn({ err, user: to.user }, 'could not apologise to a Telegram user');
    }
  }

  private async languageOf(to: { user: string; inbound: Pick<Inbound, 'langHint'> }): Promise<Language> {
    const known = await this.app.users.get(to.user).catch(() => undefined);
    return known?.lang ?? to.inbound.langHint ?? DEFAULT_LANGUAGE;
  }

  /**
   * The mark of an update seen, in the sender's seen set: Telegram may deliver an update twice (and to
   * two instances). A message's mark is set as its turn opens (UpdateOptions), in the same round trip.
   */
  private seen(updateId: number, user: string): SeenMark {
    return { key: seenKey(this.app.prefix, user), id: `tg:${this.botId}:${updateId}`, ttlS: UPDATE_SEEN_TTL_S };
  }

  /**
   * When Redis is down or full, a webhook update is refused so that Telegram delivers it again once the
   * store takes writes; a polled one (already confirmed to Telegram) goes on, and the person is asked to try again.
   */
  private updateOptions(updateId: number, user: string, webhook: boolean): UpdateOptions {
    return { once: this.seen(updateId, user), redeliver: webhook };
  }

  /** The seen mark on its own, for an update that opens no turn (a block, a button that expired). */
  private async firstDelivery(updateId: number, user: string, webhook: boolean): Promise<boolean> {
    try {
      return await markSeen(this.app.redis, this.seen(updateId, user));
    } catch (err) {
      if (webhook) throw new StoreRefused('the store refused the update', { cause: err });
      this.app.log.warn({ err, update: updateId }, 'could not check a Telegram update for a repeat');
      return true;
    }
  }

  private get botId(): string {
    return this.settings.token.slice(0, this.settings.token.indexOf(':'));
  }

  /** Proactive messages (reminders, broadcasts): the same rendering as replies, and no waiting here. */
  async send(nativeId: string, replies: Reply[]): Promise<DeliveryOutcome> {
    if (!/^-?\d{1,20}$/.test(nativeId)) return { status: 'undeliverable', reason: 'not a Telegram chat id' };
    try {
      for (const call of await render(replies, (v) => this.callbackData.encode(v))) await perform(this.telegram, nativeId, call);
      return { status: 'sent' };
    } catch (err) {
      return asDeliveryOutcome(classify(err));
    }
  }

  /** Connects in the background, so a Telegram outage at start-up does not hold up the rest of the bot. */
  start(): void {
    this.connecting = this.connect().catch((err: unknown) => {
      if (!this.stopped.signal.aborted) this.app.log.error({ err }, 'the Telegram channel could not start');
    });
  }

  private async connect(): Promise<void> {
    const api = this.telegram;
    const me = await this.retrying('getMe', () => api.getMe());
    this.telegraf.botInfo = me;
    // The command menu is a convenience: it is set alongside, so that a Bot API that keeps refusing it
    // (some servers answer 500) never holds up polling or the webhook; a failure is logged.
    this.menu = this.retrying('setMyCommands', () => this.setCommands(), MENU_ATTEMPTS).catch((err: unknown) => {
      if (!this.stopped.signal.aborted) this.app.log.warn({ err }, 'could not set the Telegram command menu; the bot serves without it');
    });
    if (this.stopped.signal.aborted) return;
    if (this.settings.webhookUrl) {
      const url = this.settings.webhookUrl;
      await this.retrying('setWebhook', () =>
        api.setWebhook(url, { secret_token: this.settings.webhookSecret, allowed_updates: [...ALLOWED_UPDATES] }),
      );
      this.me = { id: me.id, username: me.username };
      this.app.log.info({ bot: me.username, url }, 'Telegram webhook set');
    } else {
      // getUpdates is refused while a webhook is set (e.g. by an earlier deployment).
      await this.retrying('deleteWebhook', () => api.deleteWebhook());
      if (this.stopped.signal.aborted) return;
      this.me = { id: me.id, username: me.username };
      this.polling = this.poll();
      this.app.log.info({ bot: me.username }, 'Telegram long polling started');
    }
  }

  /**
   * Long polling until the bot stops. telegraf gives up polling for good on a 409 (another instance
   * polling during a rolling deploy, or a webhook set elsewhere) and on any answer it does not expect;
   * polling starts again after a pause, so that such a moment does not leave Telegram users unanswered.
   */
  private async poll(): Promise<void> {
    for (let attempt = 0; !this.stopped.signal.aborted; attempt++) {
      const started = Date.now();
      try {
        // Resolves only when polling ends; getMe is not asked again (botInfo is set).
        await this.telegraf.launch({ allowedUpdates: [...ALLOWED_UPDATES] });
      } catch (err) {
        if (this.stopped.signal.aborted) return;
        if (err instanceof TelegramError && err.code === 401) {
          this.app.log.error({ err }, 'Telegram refused TELEGRAM_BOT_TOKEN; long polling stopped');
          return;
        }
        if (err instanceof TelegramError && err.code === 409)
          this.app.log.warn({ err }, 'Telegram long polling ended: something else polls with this token (several instances need TELEGRAM_WEBHOOK_URL); polling again');
        else this.app.log.error({ err }, 'Telegram long polling stopped; starting it again');
      }
      // A run that lasted a while was healthy: the next failure starts the back-off afresh.
      if (Date.now() - started > POLL_RESTART_MAX_MS) attempt = 0;
      await sleep(Math.min(POLL_RESTART_MS * 2 ** attempt, POLL_RESTART_MAX_MS), undefined, { signal: this.stopped.signal }).catch(() => undefined);
    }
  }

  private async setCommands(): Promise<void> {
    const commands = (lang: Language) => MENU_COMMANDS.map((command) => ({ command, description: this.app.i18n.t(lang, `telegram.commands.${command}`) }));
    for (const lang of LANGUAGES) await this.telegram.setMyCommands(commands(lang), { language_code: lang });
    // Everyone else sees the default language.
    await this.telegram.setMyCommands(commands(DEFAULT_LANGUAGE));
  }

  /**
   * Retries a start-up call while the Bot API is unreachable, busy or rate limiting, until it works,
   * the bot stops or `attempts` are spent; a refused token ends the channel at once, any other refusal is thrown.
   */
  private async retrying<T>(what: string, call: () => Promise<T>, attempts = Infinity): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        if (err instanceof TelegramError && (err.code === 401 || err.code === 404)) {
          throw new Error(`Telegram refused TELEGRAM_BOT_TOKEN (${what}: ${err.description}); the Telegram channel is off`);
        }
        const failure = classify(err);
        if (failure.kind === 'blocked' || (failure.kind === 'failed' && !failure.transient) || attempt + 1 >= attempts) throw err;
        if (attempt === 0) this.app.log.warn({ err, call: what }, 'Telegram Bot API unreachable; retrying in the background');
        const wait = failure.kind === 'rate' ? failure.afterMs : Math.min(500 * 2 ** attempt, 30_000);
        await sleep(wait, undefined, { signal: this.stopped.signal });
      }
    }
  }

  /** A photo or document sent to the bot, through the Bot API's file download (bots may fetch files up to 20 MB). */
  async fetchFile(fileId: string): Promise<FetchedFile | undefined> {
    try {
      const url = await this.telegram.getFileLink(fileId);
      const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
      if (!res.ok) return undefined;
      return { mime: res.headers.get('content-type') ?? 'application/octet-stream', bytes: Buffer.from(await res.arrayBuffer()) };
    } catch (err) {
      this.app.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'telegram: file could not be fetched');
      return undefined;
    }
  }

  /** Stops taking updates and lets the ones in flight finish. */
  async stop(): Promise<void> {
    this.stopped.abort();
    const end = Date.now() + DRAIN_MS;
    const deadline = sleep(DRAIN_MS, undefined, { ref: false });
    await Promise.race([Promise.all([this.connecting, this.menu]), deadline]);
    if (this.polling) {
      try {
        this.telegraf.stop('shutdown');
      } catch {
        // "Bot is not running": launch() has not reached its first getUpdates yet, so there is nothing to stop.
      }
      await Promise.race([this.polling, deadline]);
    }
    await this.inFlight.drain(end - Date.now());
    await this.telegram.disconnect();
  }
}
