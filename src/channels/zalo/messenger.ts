import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveryOutcome } from '../../core/delivery.js';
import type { Logger } from '../../core/logger.js';
import type { TemplateMessage, ZaloOaApi, ZaloResult } from './oa-api.js';
import { outcomeOf } from './outcome.js';
import type { MinuteRateLimit } from './rate-limit.js';

/**
 * How a send waits: a reply to someone who just wrote waits out rate limits (a few times) so that
 * it arrives; a proactive message hands the wait back to its queue as a retry.
 */
export type SendMode = 'reply' | 'proactive';

/** What the conversations need from either Zalo mode. */
export interface TextSender {
  /** Sends the texts in order and stops at the first that does not go out. */
  sendTexts(userId: string, texts: string[], mode: SendMode): Promise<DeliveryOutcome>;
}

const REPLY_ATTEMPTS = 4;

/** Runs `attempt` (numbered from 1) until it is not a retry, or, for a proactive send, once. */
export async function withRetries(mode: SendMode, attempt: (n: number) => Promise<DeliveryOutcome>): Promise<DeliveryOutcome> {
  for (let n = 1; ; n++) {
    const outcome = await attempt(n);
    if (outcome.status !== 'retry' || mode === 'proactive' || n >= REPLY_ATTEMPTS) return outcome;
    await sleep(outcome.afterMs);
  }
}

export async function sendInOrder(texts: string[], send: (text: string) => Promise<DeliveryOutcome>): Promise<DeliveryOutcome> {
  for (const text of texts) {
    const outcome = await send(text);
    if (outcome.status !== 'sent') return outcome;
  }
  return { status: 'sent' };
}

/** A failure to reach the platform at all: worth trying again later. */
export function transportFailure(log: Logger, err: unknown): DeliveryOutcome {
  log.warn({ err }, 'Zalo send failed');
  return { status: 'failed', reason: err instanceof Error ? err.message : String(err), transient: true };
}

export interface MessengerOptions {
  /** The first wait after Zalo answers -32; it doubles with each attempt. */
  rateLimitBackoffMs: number;
}

/** Sends through the OA API within the shared rate limit, mapping every answer to a DeliveryOutcome. */
export class ZaloMessenger implements TextSender {
  constructor(
    private readonly api: ZaloOaApi,
    private readonly limit: MinuteRateLimit,
    private readonly log: Logger,
    private readonly opts: MessengerOptions,
  ) {}

  sendTexts(userId: string, texts: string[], mode: SendMode): Promise<DeliveryOutcome> {
    return sendInOrder(texts, (text) => this.attempt(() => this.api.sendText(userId, text), mode));
  }

  sendTemplate(userId: string, template: TemplateMessage, mode: SendMode): Promise<DeliveryOutcome> {
    return this.attempt(() => this.api.sendTemplate(userId, template), mode);
  }

  private attempt(call: () => Promise<ZaloResult>, mode: SendMode): Promise<DeliveryOutcome> {
    return withRetries(mode, async (n) => {
      const wait = await this.limit.take();
      if (wait > 0) return { status: 'retry', afterMs: wait, reason: 'rate_limit' };
      try {
        return outcomeOf(await call(), this.opts.rateLimitBackoffMs * 2 ** (n - 1));
      } catch (err) {
        return transportFailure(this.log, err);
      }
    });
  }
}
