import { join } from 'node:path';
import type { Capability } from '../app/app.js';
import { z } from 'zod';
import { vnDate } from '../core/clock.js';
import { FlowData } from '../engine/flow-data.js';
import type { ActionResult } from '../engine/registry.js';
import type { Turn } from '../engine/turn.js';
import { DeadlineCalendar } from '../reminders/calendar.js';
import { EventCalendar } from '../reminders/events.js';
import { UnitKinds } from '../reminders/units.js';
import { WeekSettings } from '../reminders/week-settings.js';
import { loadKnowledgeBase, QUESTION_MAX, type KnowledgeBase } from './knowledge-base.js';
import { LiveFacts } from './live-facts.js';

/**
 * The question last answered from the plans, and which of its passages is shown ("full text", "more"); it
 * stays in the session only while the person is in Q&A.
 */
const qaData = new FlowData('qa', z.object({ question: z.string().max(QUESTION_MAX).optional(), page: z.number().int().min(0).optional() }), ['qa']);
const GREETING_WORDS = 3;
/** Declines that already say where to ask instead: no question for the commune's officers. */
const NOT_FOR_OFFICERS = new Set(['empty', 'named-person', 'other-province']);

/**
 * Q&A in the chat: a question typed at the menu or in Q&A gets the sentence that answers it from the best
 * passage of the plans, with a short citation; "Xem toàn văn" shows that passage whole, "Xem đoạn khác"
 * pages through the others that answer it well enough. Questions about this year's events and the next
 * reporting deadlines are answered from the calendars and today's date (live-facts.ts).
 */
export const qa: Capability = {
  name: 'qa',
  register(app) {
    // Built on first use, or at start-up: command-line tools that never answer do not pay for it.
    let built: { kb: KnowledgeBase; live: LiveFacts } | undefined;
    const knowledge = (): { kb: KnowledgeBase; live: LiveFacts } => {
      if (built) return built;
      const plansDir = app.dirs.plans;
      const units = UnitKinds.load(join(app.dirs.data, 'units.yaml'));
      const live = LiveFacts.load(
        plansDir,
        EventCalendar.load({ plansDir, areas: app.areas }),
        DeadlineCalendar.load({ plansDir, areas: app.areas, units }),
        app.i18n,
      );
      return (built = { kb: loadKnowledgeBase({ plansDir, i18n: app.i18n }), live });
    };
    app.onStart(() => void knowledge());
    const weeks = new WeekSettings(app.redis, app.prefix);

    const answer = async (turn: Turn): Promise<ActionResult<'greeted' | 'declined'>> => {
      const question = turn.text.slice(0, QUESTION_MAX * 2);
      const { kb, live } = knowledge();
      const result = await live.answerOr(kb, question, vnDate(app.clock.now()), turn.lang, (id, year) => weeks.forYear(id, year));
      // Someone new who says "xin chào" has just been greeted with the menu: no "I don't know" on top.
      if (!result.answered && turn.replies.length > 0 && question.split(/\s+/).length <= GREETING_WORDS) return 'greeted';
      // A question the plans do not answer (not an empty one, nor one about a person or another province,
      // which say where to ask): the flow offers a kept note or the commune's officers.
      if (!result.answered && !result.why?.via && !NOT_FOR_OFFICERS.has(result.why?.decision ?? '')) {
        qaData.clear(turn);
        return 'declined';
      }
      turn.reply({ text: result.answer });
      if (result.answered && result.why?.via === undefined) {
        qaData.write(turn, { question: question.slice(0, QUESTION_MAX), page: 0 });
      } else qaData.clear(turn);
    };

    /** The passage on the page the person is at, or a "no more" reply. */
    const hitAt = (turn: Turn, page: number) => {
      const { question } = qaData.read(turn);
      if (question === undefined) return undefined;
      return knowledge().kb.search(question, { offset: page, limit: 1, lang: turn.lang }).hits[0];
    };
    const pageOf = (turn: Turn): number => qaData.read(turn).page ?? 0;

    app.registry
      .data(qaData)
      .action('qa.answer', ['greeted', 'declined'], answer)
      .action('qa.more', async (turn) => {
        const page = pageOf(turn) + 1;
        const hit = hitAt(turn, page);
        if (!hit) {
          turn.say('qa.no_more');
          return;
        }
        qaData.update(turn, { page });
        turn.reply({ text: hit.reply });
      })
      .action('qa.full', async (turn) => {
        const hit = hitAt(turn, pageOf(turn));
        if (!hit) {
          turn.say('qa.no_more');
          return;
        }
        turn.reply({ text: hit.full });
      })
      .action('qa.forget', async (turn) => qaData.clear(turn));
  },
};
