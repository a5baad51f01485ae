import type { Capability } from '../app/app.js';
import { formatVnDateTime } from '../core/clock.js';
import { OUTBOUND } from '../outbound/capability.js';
import { registerQuestionChat } from './chat.js';
import { registerQuestionPages } from './console.js';
import { Questions } from './service.js';

/** A question shown in /mydata is cut here. */
const SHOWN_CHARS = 120;

/**
 * Questions the bot could not answer go to people: the person sends one to their commune's officers,
 * who answer in the chat (/questions) or the console; the answer reaches the person on their channel,
 * and may be kept as a note the bot answers from. Questions are the person's data (/mydata, /deletedata).
 */
export const questions: Capability = {
  name: 'questions',
  // Answers reach the person through the outbound queue.
  needs: [OUTBOUND],
  register(app) {
    const service = new Questions(app);
    registerQuestionChat(app, service);
    registerQuestionPages(app, service);
    // The session read tells whether the inbox exists: a message with nothing waiting costs no read of it.
    app.waiting.push({ key: (user) => service.heldKey(user), take: (user) => service.held(user) });

    app.privacy.add({
      name: 'questions',
      async describe(user, t) {
        const [asked, held] = await Promise.all([service.store.of(user), service.store.heldCount(user)]);
        const lines = asked.map((q) => {
          const text = q.text.length > SHOWN_CHARS ? `${q.text.slice(0, SHOWN_CHARS - 1)}…` : q.text;
          const when = formatVnDateTime(new Date(q.askedAt));
          return q.answer === undefined
            ? t('questions.privacy_open', { text, when, area: service.areaName(q.area) })
            : t('questions.privacy_answered', { text, when, area: service.areaName(q.area) });
        });
        if (held) lines.push(t('questions.privacy_held', { count: held }));
        return lines;
      },
      erase: (user) => service.store.forget(user),
    });
  },
};
