import { Input, TelegramError, type Telegram } from 'telegraf';
import type { DeliveryOutcome } from '../../core/delivery.js';
import type { ButtonAnswerInResponse } from './button-answer.js';
import type { Outgoing } from './render.js';

/** What a failed Bot API call means for the bot. */
export type Failure =
  | { kind: 'rate'; afterMs: number; reason: string }
  | { kind: 'blocked'; reason: string }
  | { kind: 'failed'; transient: boolean; reason: string };

export function classify(err: unknown): Failure {
  if (err instanceof TelegramError) {
    const reason = `${err.code} ${err.description}`;
    if (err.code === 429) return { kind: 'rate', afterMs: (err.parameters?.retry_after ?? 1) * 1000, reason };
    // Blocked by the person, their account deleted, or they never opened a chat with the bot.
    if (err.code === 403) return { kind: 'blocked', reason: err.description };
    return { kind: 'failed', transient: err.code >= 500, reason };
  }
  // The network or the Bot API server itself: worth another try later.
  return { kind: 'failed', transient: true, reason: err instanceof Error ? err.message : String(err) };
}

export function asDeliveryOutcome(f: Failure): DeliveryOutcome {
  switch (f.kind) {
    case 'rate':
      return { status: 'retry', afterMs: f.afterMs, reason: f.reason };
    case 'blocked':
      return { status: 'blocked', reason: f.reason };
    case 'failed':
      return { status: 'failed', transient: f.transient, reason: f.reason };
  }
}

type TextCall = Extract<Outgoing, { method: 'sendMessage' }>;

const messageExtra = (o: TextCall) => ({ parse_mode: 'HTML' as const, ...(o.keyboard ? { reply_markup: { inline_keyboard: o.keyboard } } : {}) });

/** A message returned in the webhook response, which Telegram then sends itself. */
export type MessageInResponse = { method: 'sendMessage'; chat_id: number; text: string } & ReturnType<typeof messageExtra>;

/** The Bot API call the webhook response carries: one at most. */
export type WebhookReply = ButtonAnswerInResponse | MessageInResponse;

/** The same call as `perform` makes for a message, as a webhook response body. */
export function messageInResponse(chatId: number, o: TextCall): MessageInResponse {
  return { method: 'sendMessage', chat_id: chatId, text: o.html, ...messageExtra(o) };
}

export async function perform(telegram: Telegram, chatId: number | string, o: Outgoing): Promise<void> {
  if (o.method === 'sendMessage') {
    await telegram.sendMessage(chatId, o.html, messageExtra(o));
  } else if (o.method === 'sendDocument') {
    await telegram.sendDocument(chatId, Input.fromBuffer(Buffer.from(o.content, 'utf8'), o.name));
  } else {
    const extra = o.caption ? { caption: o.caption } : {};
    if (o.kind === 'photo') await telegram.sendPhoto(chatId, o.file, extra);
    else if (o.kind === 'audio') await telegram.sendAudio(chatId, o.file, extra);
    else if (o.kind === 'video') await telegram.sendVideo(chatId, o.file, extra);
    else await telegram.sendDocument(chatId, o.file, extra);
  }
}

export interface RateLimitPolicy {
  /** Tries per call, the first included. */
  attempts: number;
  /** A longer wait than this is not waited out: the call fails instead. */
  maxWaitMs: number;
  sleep(ms: number): Promise<void>;
}

/** Makes one call, waiting out Telegram's retry_after between tries; other failures are thrown at once. */
export async function withRateLimit<T>(call: () => Promise<T>, policy: RateLimitPolicy): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const failure = classify(err);
      if (failure.kind !== 'rate' || attempt >= policy.attempts || failure.afterMs > policy.maxWaitMs) throw err;
      await policy.sleep(failure.afterMs);
    }
  }
}
