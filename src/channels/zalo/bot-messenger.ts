import type { DeliveryOutcome } from '../../core/delivery.js';
import type { Logger } from '../../core/logger.js';
import type { BotResult, ZaloBotApi } from './bot-api.js';
import { sendInOrder, transportFailure, withRetries, type SendMode, type TextSender } from './messenger.js';

/** Zalo Bot answers in the Bot API's manner: 429 too many requests, 403 the person blocked the bot. */
export function botOutcomeOf(result: BotResult, backoffMs: number): DeliveryOutcome {
  if (result.ok) return { status: 'sent' };
  if (result.code === 429) return { status: 'retry', afterMs: backoffMs, reason: 'rate_limited' };
  if (result.code === 403) return { status: 'blocked', reason: 'blocked_bot' };
  const reason = `zalo_bot_error(${result.code}): ${result.description}`.slice(0, 200);
  return { status: 'failed', reason, transient: result.code >= 500 };
}

export class ZaloBotMessenger implements TextSender {
  constructor(
    private readonly api: ZaloBotApi,
    private readonly log: Logger,
    private readonly rateLimitBackoffMs: number,
  ) {}

  sendTexts(chatId: string, texts: string[], mode: SendMode): Promise<DeliveryOutcome> {
    return sendInOrder(texts, (text) =>
      withRetries(mode, async (n) => {
        try {
          return botOutcomeOf(await this.api.sendMessage(chatId, text), this.rateLimitBackoffMs * 2 ** (n - 1));
        } catch (err) {
          return transportFailure(this.log, err);
        }
      }),
    );
  }
}
