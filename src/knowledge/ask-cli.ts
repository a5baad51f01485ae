/**
 * `npm run ask -- --jsonl`: questions on stdin, one per line; one JSON object per line on stdout,
 * `{"question","answered","answer","sources":[{"document","title","section","text","score"}],"why"}`; `why` says
 * what decided (question type, coverage, margin, the ranking signals that fired, the rule or model score).
 * Without --jsonl the same answers are printed for people; questions may also be given as arguments.
 * Reads only the repository's plans/.
 */
import { join } from 'node:path';
import { Areas } from '../areas/areas.js';
import { runIfEntry, type CliIO } from '../core/cli.js';
import { systemClock, vnDate } from '../core/clock.js';
import { dataPaths } from '../core/paths.js';
import { createI18n } from '../i18n/index.js';
import { DeadlineCalendar } from '../reminders/calendar.js';
import { EventCalendar } from '../reminders/events.js';
import { UnitKinds } from '../reminders/units.js';
import { loadKnowledgeBase, type Answer } from './index.js';
import { LiveFacts } from './live-facts.js';

function asJson(question: string, answer: Answer): string {
  return JSON.stringify({
    question,
    answered: answer.answered,
    answer: answer.answer,
    sources: answer.sources.map(({ document, title, section, text, score }) => ({ document, title, section, text, score })),
    ...(answer.why && { why: answer.why }),
  });
}

function forPeople(question: string, answer: Answer): string {
  const sources = answer.sources.map((s, i) => `  ${i + 1}. [${s.score}] ${s.document} — ${s.section || s.title}`);
  return [`? ${question}`, answer.answer, ...(sources.length ? ['', ...sources] : []), ''].join('\n');
}

export async function main(args: readonly string[], io: CliIO): Promise<number> {
  const jsonl = args.includes('--jsonl');
  const i18n = createI18n();
  const kb = loadKnowledgeBase({ i18n });
  const plansDir = dataPaths.plans;
  const areas = Areas.load();
  const units = UnitKinds.load(join(dataPaths.data, 'units.yaml'));
  const live = LiveFacts.load(
    plansDir,
    EventCalendar.load({ plansDir, areas }),
    DeadlineCalendar.load({ plansDir, areas, units }),
    i18n,
  );
  // Questions about this year's events are answered for today in Viet Nam (week settings made in the
  // chat live in the bot's Redis, which this command does not read: it answers from plans/).
  const today = vnDate(systemClock.now());
  const print = async (question: string): Promise<void> => {
    const answer = await live.answerOr(kb, question, today);
    io.out(jsonl ? asJson(question, answer) : forPeople(question, answer));
  };
  const questions = args.filter((a) => !a.startsWith('--'));
  if (questions.length > 0) {
    for (const q of questions) await print(q);
    return 0;
  }
  for await (const line of io.input()) await print(line);
  return 0;
}

await runIfEntry(import.meta.url, main);
