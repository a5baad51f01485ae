import type { Capability } from '../app/app.js';
import type { ActionResult } from '../engine/registry.js';
import type { Turn } from '../engine/turn.js';
import { loadKnowledgeBase, QUESTION_MAX, type KnowledgeBase } from './knowledge-base.js';

/** The question being answered stays in the session only while the person is in Q&A ("more passages"). */
const QUESTION = 'qa_question';
const PAGE = 'qa_page';
const GREETING_WORDS = 3;

/**
 * Q&A in the chat: a question typed at the menu or in Q&A gets the best passage of the plans with its
 * citation, then "more passages" pages through the others that answer it well enough.
 */
export const qa: Capability = {
  name: 'qa',
  register(app) {
    // Built on first use, or at start-up: command-line tools that never answer do not pay for it.
    let built: KnowledgeBase | undefined;
    const kb = (): KnowledgeBase => (built ??= loadKnowledgeBase({ plansDir: app.dirs.plans, i18n: app.i18n }));
    app.onStart(() => void kb());

    const answer = async (turn: Turn): Promise<ActionResult> => {
      const question = turn.text.slice(0, QUESTION_MAX * 2);
      const result = kb().answer(question, turn.lang);
      // Someone new who says "xin chào" has just been greeted with the menu: no "I don't know" on top.
      if (!result.answered && turn.replies.length > 0 && question.split(/\s+/).length <= GREETING_WORDS) return { end: true };
      turn.reply({ text: result.answer });
      if (result.answered) {
        turn.data[QUESTION] = question.slice(0, QUESTION_MAX);
        turn.data[PAGE] = 0;
      } else {
        delete turn.data[QUESTION];
        delete turn.data[PAGE];
      }
    };

    app.registry
      .action('qa.answer', answer)
      .action('qa.more', async (turn) => {
        const question = turn.data[QUESTION];
        if (typeof question !== 'string') {
          turn.say('qa.no_more');
          return;
        }
        const page = (typeof turn.data[PAGE] === 'number' ? (turn.data[PAGE] as number) : 0) + 1;
        const hit = kb().search(question, { offset: page, limit: 1, lang: turn.lang }).hits[0];
        if (!hit) {
          turn.say('qa.no_more');
          return;
        }
        turn.data[PAGE] = page;
        turn.reply({ text: hit.reply });
      })
      .action('qa.forget', async (turn) => {
        delete turn.data[QUESTION];
        delete turn.data[PAGE];
      });
  },
};
