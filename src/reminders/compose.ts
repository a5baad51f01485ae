import { addDays, formatVnDate, formatVnDateTime } from '../core/clock.js';
import type { Reply } from '../core/message.js';
import type { Language, Translate } from '../i18n/index.js';
import type { Occurrence, UnitRef } from './calendar.js';
import type { Reminders } from './context.js';
import type { EventDates, NewsEvent } from './events.js';

/** Button values are global commands, so they work whatever step the officer's chat is at. */
export const REPORTED_COMMAND = 'reported';
export const SNOOZE_COMMAND = 'snooze';

export interface ReminderFacts {
  occurrence: Occurrence;
  unit: UnitRef;
  /** Days before the deadline; negative: days past it. */
  lead: number;
  /** When it should have gone out, if it goes out late. */
  lateSince?: Date;
  /** Sent because the officer asked to be reminded again. */
  again?: boolean;
}

export function unitLabel(r: Reminders, unit: UnitRef, lang: Language): { unit: string; area: string } {
  return { unit: r.units.name(unit.kind, lang), area: r.app.areas.get(unit.area)?.fullName ?? unit.area };
}

export function sourceLabel(r: Reminders, occurrence: Occurrence, t: Translate): string {
  const { doc, section } = r.calendar.source(occurrence.obligation);
  return section ? t('reminders.source', { doc, section }) : doc;
}

/** The deadline as the plan words it: "10/12/2026", or "trước ngày 10/12/2026" when the last day is the day before. */
export function dueLabel(occurrence: Occurrence, t: Translate): string {
  if (!occurrence.obligation.before) return formatVnDate(occurrence.due);
  return t('reminders.before_date', { date: formatVnDate(addDays(occurrence.due, 1)) });
}

/** The reminder an officer reads, with "Đã nộp" and "Nhắc lại sau". */
export function reminderReply(r: Reminders, f: ReminderFacts, lang: Language): Reply {
  const t = r.app.i18n.for(lang);
  const title = r.calendar.title(f.occurrence.obligation, lang);
  const date = dueLabel(f.occurrence, t);
  const lines: string[] = [];
  if (f.lateSince) lines.push(t('reminders.remind.late', { time: formatVnDateTime(f.lateSince) }));
  if (f.again) lines.push(t('reminders.remind.again'));
  if (f.lead > 0) lines.push(t('reminders.remind.ahead', { title, date, days: f.lead }));
  else if (f.lead === 0) lines.push(t('reminders.remind.today', { title, date }));
  else lines.push(t('reminders.remind.overdue', { title, date, days: -f.lead }));
  lines.push(t('reminders.remind.unit', unitLabel(r, f.unit, lang)));
  lines.push(t('reminders.remind.source', { source: sourceLabel(r, f.occurrence, t) }));
  if (f.occurrence.obligation.day_set_locally) lines.push(t('reminders.remind.day_set_locally'));
  lines.push(t('reminders.remind.hint'));
  return {
    text: lines.join('\n'),
    choices: [
      // The labels are the commands' aliases: typed, they answer the latest reminder.
      { label: t('reminders.button.reported'), value: `/${REPORTED_COMMAND} ${f.occurrence.id}`, typed: true },
      { label: t('reminders.button.snooze'), value: `/${SNOOZE_COMMAND} ${f.occurrence.id}`, typed: true },
    ],
  };
}

/** What an approved Zalo template gets: its parameters are plain strings. */
export function reminderTemplateData(r: Reminders, f: ReminderFacts): Record<string, string> {
  const { unit, area } = unitLabel(r, f.unit, 'vi');
  return {
    obligation: r.calendar.title(f.occurrence.obligation, 'vi'),
    deadline: dueLabel(f.occurrence, r.app.i18n.for('vi')),
    unit: `${unit}, ${area}`,
    days: String(f.lead),
  };
}

/** The note a supervising unit gets once a unit is past a deadline without marking it reported. */
export function escalationReply(r: Reminders, f: { occurrence: Occurrence; unit: UnitRef; daysLate: number; lateSince?: Date }, lang: Language): Reply {
  const t = r.app.i18n.for(lang);
  const lines: string[] = [];
  if (f.lateSince) lines.push(t('reminders.remind.late', { time: formatVnDateTime(f.lateSince) }));
  lines.push(
    t('reminders.escalate', {
      ...unitLabel(r, f.unit, lang),
      title: r.calendar.title(f.occurrence.obligation, lang),
      date: dueLabel(f.occurrence, t),
      days: f.daysLate,
    }),
  );
  lines.push(t('reminders.remind.source', { source: sourceLabel(r, f.occurrence, t) }));
  return { text: lines.join('\n') };
}

/** "01/10/2026 – 07/10/2026", or one date. */
export function datesLabel(d: Pick<EventDates, 'start' | 'end'>): string {
  return d.start === d.end ? formatVnDate(d.start) : `${formatVnDate(d.start)} – ${formatVnDate(d.end)}`;
}

export function eventLines(event: NewsEvent, dates: EventDates, t: Translate, lang: Language): string[] {
  const lines = [t('reminders.news.event', { name: event.name[lang], dates: datesLabel(dates) })];
  if (dates.theme) lines.push(t('reminders.news.theme', { theme: dates.theme }));
  if (dates.place) lines.push(t('reminders.news.place', { place: dates.place }));
  return lines;
}

/** A news message: a week ahead, or on the day, with "Dừng nhận tin". */
export function newsReply(event: NewsEvent, dates: EventDates, lead: number, lang: Language, t: Translate, lateSince?: Date): Reply {
  const lines: string[] = [];
  if (lateSince) lines.push(t('reminders.remind.late', { time: formatVnDateTime(lateSince) }));
  lines.push(
    lead > 0
      ? t('reminders.news.ahead', { name: event.name[lang], days: lead })
      : t('reminders.news.today', { name: event.name[lang] }),
  );
  lines.push(...eventLines(event, dates, t, lang));
  // The global /stop, like a broadcast's button: it works whatever question the chat waits at.
  return { text: lines.join('\n'), choices: [{ label: t('reminders.news.stop_button'), value: '/stop' }] };
}
