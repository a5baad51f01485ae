import { createHash } from 'node:crypto';
import type { App } from '../../app/app.js';
import { seenKey } from '../../sessions/seen.js';
import { InFlight } from '../../core/in-flight.js';
import { REPEAT, type Handled } from '../../app/bot.js';
import { userId, type Inbound } from '../../core/message.js';
import { record } from '../../outbound/deliver.js';
import type { ZaloEvent } from './events.js';
import type { TextSender } from './messenger.js';
import { renderReplies } from './render.js';
import { DEDUP_TTL_S } from './webhook.js';

/** Where the delivery log keeps the conversation replies Zalo refused, per person with the reason (90 days). */
export const ZALO_REPLIES_CAMPAIGN = 'zalo-replies';

export type AcceptedEvent = Exclude<ZaloEvent, { kind: 'ignored' }>;

/**
 * Handles accepted events after the webhook has answered, each in the person's turn (Bot.inOrder):
 * a quick second message is handled, and answered, only after the first, so it never overtakes it.
 */
export class ZaloConversations {
  private readonly inFlight = new InFlight();

  constructor(
    private readonly app: App,
    private readonly messenger: TextSender,
  ) {}

  /** Must be called in arrival order (it is, from the webhook). */
  accept(event: AcceptedEvent): void {
    const user = userId('zalo', event.user);
    switch (event.kind) {
      case 'message':
        return this.converse(event, { user, text: event.text, attachment: event.attachment });
      case 'follow':
        // A new follower gets what /start gives anyone: the welcome.
        return this.converse(event, { user, text: '/start' });
      case 'unfollow':
        // Someone the bot never met leaves nothing behind.
        return this.inOrder(event.user, async () => {
          if (await this.app.users.get(user)) await this.app.users.markInactive(user, 'unfollowed');
        });
      case 'submit_info':
        // The bot asks for what it needs itself, under consent; details shared with the OA are not kept.
        this.app.log.debug({ user }, 'Zalo user_submit_info acknowledged, nothing kept');
        return;
    }
  }

  private converse(event: AcceptedEvent, inbound: Inbound): void {
    // Checked now, so that a malformed message fails here as it did before it waited for its turn.
    const parsed = this.app.bot.parse(inbound);
    // Zalo delivers again what it thinks was not received: the event's mark, in the person's seen set,
    // is set as the turn opens. The webhook has answered already, so a store failure is an apology.
    const once = { key: seenKey(this.app.prefix, inbound.user), id: `z:${createHash('sha256').update(event.dedupKey).digest('base64url').slice(0, 16)}`, ttlS: DEDUP_TTL_S };
    this.inOrder(event.user, async () => {
      const handled = await this.app.bot.handleUpdate(parsed, { once, redeliver: false });
      if (handled !== REPEAT) await this.deliver(event.user, handled);
      else this.app.log.info({ user: inbound.user }, 'Zalo event delivered twice; handled once');
    });
  }

  private inOrder(nativeId: string, task: () => Promise<void>): void {
    void this.inFlight.track(
      this.app.bot.inOrder(userId('zalo', nativeId), task).catch((err: unknown) => {
        this.app.metrics.errors.inc({ channel: 'zalo', kind: 'internal' });
        this.app.log.error({ err, user: userId('zalo', nativeId) }, 'Zalo event handling failed');
      }),
    );
  }

  /** The replies in the language the turn ended in: no read of the person's record before they go out. */
  private async deliver(nativeId: string, { replies, lang }: Handled): Promise<void> {
    if (!replies.length) return;
    const user = userId('zalo', nativeId);
    const outcome = await this.messenger.sendTexts(nativeId, renderReplies(replies, this.app.i18n.for(lang), 'reply'), 'reply');
    if (outcome.status === 'sent') return;
    if (outcome.status === 'blocked') await this.app.users.markInactive(user, outcome.reason);
    // Kept like a proactive message's status, so that operators can see who did not get an answer and why.
    await record(this.app, { campaign: ZALO_REPLIES_CAMPAIGN, user }, outcome.status === 'retry' ? 'failed' : outcome.status, outcome.reason);
    this.app.metrics.errors.inc({ channel: 'zalo', kind: 'send' });
    this.app.log.warn({ user, outcome }, 'Zalo reply not delivered');
  }

  /** Waits for the events being handled and their replies (graceful shutdown). */
  async drain(timeoutMs: number): Promise<void> {
    await this.inFlight.drain(timeoutMs);
  }
}
