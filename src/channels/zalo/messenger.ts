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

const REPLY_ATTEMPTS = 4;

export interface MessengerOptions {
  /** The first wait after Zalo answers -32; it doubles with each attempt. */
  rateLimitBackoffMs: number;
}

/** Sends through the OA API within the shared rate limit, mapping every answer to a DeliveryOutcome. */
export class ZaloMessenger {
  constructor(
    private readonly api: ZaloOaApi,
    private readonly limit: MinuteRateLimit,
    private readonly log: Logger,
    private readonly opts: MessengerOptions,
  ) {}

  /** Sends the texts in order and stops at the first that does not go out. */
  async sendTexts(userId: string, texts: string[], mode: SendMode): Promise<DeliveryOutcome> {
    for (const text of texts) {
      const outcome = await this.attempt(() => this.api.sendText(userId, text), mode);
      if (outcome.status !== 'sent') return outcome;
    }
    return { status: 'sent' };
  }

  sendTemplate(userId: string, template: TemplateMessage, mode: SendMode): Promise<DeliveryOutcome> {
    return this.attempt(() => this.api.sendTemplate(userId, template), mode);
  }

  private async attempt(call: () => Promise<ZaloResult>, mode: SendMode): Promise<DeliveryOutcome> {
    for (let attempt = 1; ; attempt++) {
      const wait = await this.limit.take();
      let outcome: DeliveryOutcome;
      if (wait > 0) outcome = { status: 'retry', afterMs: wait, reason: 'rate_limit' };
      else {
        try {
          outcome = outcomeOf(await call(), this.opts.rateLimitBackoffMs * 2 ** (attempt - 1));
        } catch (err) {
          this.log.warn({ err }, 'Zalo send failed');
          outcome = { status: 'failed', reason: err instanceof Error ? err.message : String(err), transient: true };
        }
      }
      if (outcome.status !== 'retry' || mode === 'proactive' || attempt >= REPLY_ATTEMPTS) return outcome;
      await sleep(outcome.afterMs);
    }
  }
}
