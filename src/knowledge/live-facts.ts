/**
 * Questions whose answer depends on today: this year's or the next Lifelong Learning Week and Book Day,
 * and the next reporting deadlines. They are answered from the calendars the reminders use
 * (plans/events.yaml with what organisers set in the chat, plans/deadlines.yaml) and today's date,
 * never from a note written in an earlier year, and the answer says where the date comes from.
 * plans/live-facts.yaml says which questions these are.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { loadDataFile } from '../core/data-file.js';
import { addDays, formatVnDate } from '../core/clock.js';
import type { I18n, Language } from '../i18n/index.js';
import { datesLabel } from '../reminders/compose.js';
import type { DeadlineCalendar } from '../reminders/calendar.js';
import type { EventCalendar, EventDates, NewsEvent, WeekSetting } from '../reminders/events.js';
import { foldedWords } from './fold.js';
import { QUESTION_MAX, type Answer, type KnowledgeBase } from './knowledge-base.js';

export const LIVE_FACTS_FILE = 'live-facts.yaml';

const phrases = z.array(z.string().min(1)).min(1);
const liveFactsSchema = z
  .object({ events: z.record(z.string(), phrases), now: phrases, next: phrases, theme: phrases, deadlines: phrases })
  .strict();
type LiveFactsFile = z.infer<typeof liveFactsSchema>;

/** Deadlines listed for "hạn báo cáo sắp tới", and how far ahead they are looked for. */
const DEADLINES_SHOWN = 3;
const DEADLINES_AHEAD_DAYS = 400;
const YEAR = /(?<!\d)(20\d\d)(?!\d)/;

export type LiveQuestion =
  | { readonly kind: 'event'; readonly event: NewsEvent; readonly year?: number; readonly next: boolean; readonly theme: boolean }
  | { readonly kind: 'deadlines' };

export interface LiveAnswer {
  readonly answered: boolean;
  readonly answer: string;
  readonly via: string;
}

/** Chat settings of an event for a year, by area ("*" everywhere): see WeekSettings. */
export type SettingsFor = (eventId: string, year: number) => Promise<ReadonlyMap<string, WeekSetting>>;

const noSettings: SettingsFor = async () => new Map();

/** Whether the folded words of a text contain one of the phrases, as whole words. */
function hasAny(words: string, list: readonly string[]): boolean {
  return list.some((p) => words.includes(` ${p} `));
}

export class LiveFacts {
  private readonly eventWords: { event: NewsEvent; words: string[] }[];
  private readonly now: string[];
  private readonly nextWords: string[];
  private readonly theme: string[];
  private readonly deadlineWords: string[];

  constructor(
    file: LiveFactsFile,
    private readonly events: EventCalendar,
    private readonly deadlines: DeadlineCalendar,
    private readonly i18n: I18n,
  ) {
    const folded = (list: readonly string[]) => list.map((p) => foldedWords(p).join(' '));
    this.eventWords = Object.entries(file.events).flatMap(([id, list]) => {
      const event = events.get(id);
      return event ? [{ event, words: folded(list) }] : [];
    });
    this.now = folded(file.now);
    this.nextWords = folded(file.next);
    this.theme = folded(file.theme);
    this.deadlineWords = folded(file.deadlines);
  }

  static load(plansDir: string, events: EventCalendar, deadlines: DeadlineCalendar, i18n: I18n): LiveFacts {
    const { data } = loadDataFile(join(plansDir, LIVE_FACTS_FILE), liveFactsSchema, {
      check: (file, add) => {
        for (const id of Object.keys(file.events)) if (!events.get(id)) add(['events', id], 'no such event in events.yaml');
      },
    });
    return new LiveFacts(data, events, deadlines, i18n);
  }

  /**
   * Whether a question asks a live fact: an event with words about the coming or current one, or a year
   * from this year on; a past year ("năm 2014") is for the notes. Or the next reporting deadlines.
   */
  ask(question: string, today: string): LiveQuestion | undefined {
    const words = ` ${foldedWords(question).join(' ')} `;
    if (hasAny(words, this.deadlineWords)) return { kind: 'deadlines' };
    const found = this.eventWords.find(({ words: names }) => hasAny(words, names));
    if (!found) return undefined;
    const thisYear = Number(today.slice(0, 4));
    const named = question.match(YEAR);
    const year = named ? Number(named[1]) : undefined;
    if (year !== undefined && year < thisYear) return undefined;
    if (year === undefined && !hasAny(words, this.now)) return undefined;
    const next = year === undefined && hasAny(words, this.nextWords);
    return { kind: 'event', event: found.event, ...(year !== undefined && { year }), next, theme: hasAny(words, this.theme) };
  }

  async answer(q: LiveQuestion, today: string, lang: Language, settingsFor: SettingsFor = noSettings): Promise<LiveAnswer> {
    return q.kind === 'deadlines' ? this.nextDeadlines(today, lang) : this.eventAnswer(q, today, lang, settingsFor);
  }

  /** The answer to a question, live when it asks a live fact, else the knowledge base's; its passages either way. */
  async answerOr(kb: KnowledgeBase, question: string, today: string, lang?: Language, settingsFor?: SettingsFor): Promise<Answer> {
    const answer = kb.answer(question, lang);
    const live = this.ask(question.slice(0, QUESTION_MAX), today);
    // "Ai công bố chủ đề Tuần lễ?" asks who, not the date or theme: the passages answer it.
    const type = answer.why?.type;
    if (!live || type === 'who' || type === 'why' || type === 'how') return answer;
    const language = lang ?? answer.why?.language ?? 'vi';
    const { answered, answer: text, via } = await this.answer(live, today, language, settingsFor);
    const long = question.trim().length > QUESTION_MAX;
    const reply = long ? `${this.i18n.for(language)('qa.truncated')}\n${text}` : text;
    return { ...answer, answered, answer: reply, ...(answer.why && { why: { ...answer.why, via } }) };
  }

  private async datesFor(event: NewsEvent, year: number, settingsFor: SettingsFor): Promise<EventDates> {
    return this.events.datesFor(event, year, undefined, event.settable ? await settingsFor(event.id, year) : new Map());
  }

  private async eventAnswer(
    q: Extract<LiveQuestion, { kind: 'event' }>,
    today: string,
    lang: Language,
    settingsFor: SettingsFor,
  ): Promise<LiveAnswer> {
    const t = this.i18n.for(lang);
    const thisYear = Number(today.slice(0, 4));
    let year = q.year ?? (q.next ? thisYear + 1 : thisYear);
    let dates = await this.datesFor(q.event, year, settingsFor);
    // With no year named, the one meant is the next: this year's if it has not ended yet.
    if (q.year === undefined && !q.next && dates.end < today) dates = await this.datesFor(q.event, ++year, settingsFor);
    const name = q.event.name[lang];
    const lines = [t(dates.end < today ? 'qa.live.event_past' : 'qa.live.event', { name, year, dates: datesLabel(dates) })];
    // Only an event that has a theme (one organisers set) is said to lack one.
    if (dates.theme) lines.push(t('qa.live.theme', { theme: dates.theme }));
    else if (q.event.settable) lines.push(t('qa.live.no_theme', { year }));
    const source =
      dates.origin === 'chat'
        ? t('qa.live.source_chat')
        : dates.origin === 'plan'
          ? t('qa.live.source_plan', { year, source: q.event.source })
          : t('qa.live.source_usual', { source: q.event.source });
    lines.push('', t('qa.live.source', { source }));
    // A theme asked for and not known is not an answer: the dates alone are said as context.
    return { answered: !(q.theme && !dates.theme), answer: lines.join('\n'), via: `events:${dates.origin}` };
  }

  private nextDeadlines(today: string, lang: Language): LiveAnswer {
    const t = this.i18n.for(lang);
    const to = addDays(today, DEADLINES_AHEAD_DAYS);
    const next = this.deadlines.obligations
      .filter((o) => o.active)
      .flatMap((o) => this.deadlines.occurrences(o, today, to))
      .sort((a, b) => a.due.localeCompare(b.due))
      .slice(0, DEADLINES_SHOWN);
    if (next.length === 0) return { answered: false, answer: t('qa.live.no_deadlines'), via: 'deadlines' };
    const lines = next.map((o) => {
      const { doc, section } = this.deadlines.source(o.obligation);
      return t('qa.live.deadline', {
        due: formatVnDate(o.due),
        title: this.deadlines.title(o.obligation, lang),
        source: section ? `${doc}, ${t('qa.live.section', { section })}` : doc,
      });
    });
    return { answered: true, answer: [t('qa.live.deadlines'), ...lines, '', t('qa.live.deadlines_more')].join('\n'), via: 'deadlines' };
  }
}
