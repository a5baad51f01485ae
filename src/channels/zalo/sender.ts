import type { App } from '../../app/app.js';
import type { ChannelSender } from '../../core/delivery.js';
import { userId } from '../../core/message.js';
import type { ZaloMessenger } from './messenger.js';
import { OUTSIDE_WINDOW } from './outcome.js';
import { renderReplies } from './render.js';

/** Zalo lets an OA message a person freely for 7 days after their last message; templates after that. */
export const MESSAGING_WINDOW_MS = 7 * 86_400_000;

/**
 * Proactive messages (reminders, broadcasts): text inside the 7-day window, the message's approved
 * template outside it, and nothing at all (no API call) when it has none.
 */
export function zaloSender(app: App, messenger: ZaloMessenger): ChannelSender {
  return {
    channel: 'zalo',
    async send(nativeId, replies, opts) {
      const person = await app.users.get(userId('zalo', nativeId));
      const inWindow = person !== undefined && app.clock.now().getTime() - person.lastSeen < MESSAGING_WINDOW_MS;
      if (inWindow) {
        const texts = renderReplies(replies, app.i18n.for(person.lang), 'proactive');
        const outcome = await messenger.sendTexts(nativeId, texts, 'proactive');
        // Our clock and Zalo's may disagree at the window's edge: the template still reaches them.
        if (!(outcome.status === 'undeliverable' && outcome.reason === OUTSIDE_WINDOW && opts?.template)) return outcome;
      }
      if (!opts?.template) return { status: 'undeliverable', reason: OUTSIDE_WINDOW };
      return messenger.sendTemplate(nativeId, opts.template, 'proactive');
    },
  };
}
