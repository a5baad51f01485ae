import { vnDate } from '../core/clock.js';
import { HttpError } from '../http/errors.js';
import type { Language } from '../i18n/index.js';
import { unitKey, type UnitRef } from './calendar.js';
import { dueLabel, sourceLabel, unitLabel } from './compose.js';
import type { Reminders } from './context.js';
import { icsCalendar } from './ical.js';

/** Years ahead a calendar holds: enough for the plans' final reviews. */
const YEARS_AHEAD = 5;
export const ICS_MIME = 'text/calendar';

/** A unit's deadlines from 1 January of this year as iCalendar text. */
export function unitCalendar(r: Reminders, unit: UnitRef, lang: Language): string {
  const t = r.app.i18n.for(lang);
  const now = r.app.clock.now();
  const year = Number(vnDate(now).slice(0, 4));
  const names = unitLabel(r, unit, lang);
  const events = r.calendar
    .forUnit(unit)
    .flatMap((o) => r.calendar.occurrences(o, `${year}-01-01`, `${year + YEARS_AHEAD}-12-31`))
    .sort((a, b) => a.due.localeCompare(b.due))
    .map((occurrence) => ({
      uid: `${occurrence.id}.${unitKey(unit).replace('|', '.')}@xhht-bot`,
      date: occurrence.due,
      summary: t('reminders.ics.summary', { title: r.calendar.title(occurrence.obligation, lang), date: dueLabel(occurrence, t) }),
      description: t('reminders.ics.description', { ...names, source: sourceLabel(r, occurrence, t) }),
    }));
  return icsCalendar({ name: t('reminders.ics.name', names), events, now });
}

export function calendarFileName(unit: UnitRef): string {
  return `han-bao-cao-${unit.kind}-${unit.area}.ics`.replace(/[^A-Za-z0-9_.-]/g, '-');
}

/** The address calendar apps subscribe to for a link's token. */
export function calendarUrl(r: Reminders, token: string): string {
  const base = r.app.config.CALENDAR_BASE_URL ?? `http://${r.app.config.HOST}:${r.app.config.PORT}`;
  return `${base.replace(/\/+$/, '')}/api/calendar/${token}.ics`;
}

/** GET /api/calendar/<token>.ics: the officer's deadlines for calendar apps, while the link and the role last. */
export function registerCalendarRoute(r: Reminders): void {
  r.app.http.get<{ Params: { file: string } }>('/api/calendar/:file', async (req, reply) => {
    const m = /^([A-Za-z0-9_-]+)\.ics$/.exec(req.params.file);
    const link = m?.[1] ? await r.tokens.resolve(m[1]) : undefined;
    // One answer for a forged, revoked or outdated link: nothing tells them apart.
    if (!link || !(await r.app.roles.grantOf(link.user, 'officer'))) throw new HttpError(404, 'no such calendar');
    const lang = (await r.app.users.get(link.user))?.lang ?? 'vi';
    return reply.type(`${ICS_MIME}; charset=utf-8`).send(unitCalendar(r, link.unit, lang));
  });
}
