import type { App } from '../app/app.js';
import { vnInstant } from '../core/clock.js';
import type { DeadlineCalendar } from './calendar.js';
import type { CalendarTokens } from './calendar-tokens.js';
import type { EventCalendar } from './events.js';
import type { LocalEvents } from './local-events.js';
import type { Marks } from './marks.js';
import type { Subscriptions } from './subscriptions.js';
import type { UnitKinds } from './units.js';
import type { WeekSettings } from './week-settings.js';

/** Everything the reminders capability is made of, built once in register(). */
export interface Reminders {
  app: App;
  calendar: DeadlineCalendar;
  events: EventCalendar;
  units: UnitKinds;
  subs: Subscriptions;
  marks: Marks;
  weeks: WeekSettings;
  local: LocalEvents;
  tokens: CalendarTokens;
}

/** REMINDERS_SEND_AT as hours and minutes. */
export function sendTime(r: Pick<Reminders, 'app'>): { hh: number; mm: number } {
  const [hh, mm] = r.app.config.REMINDERS_SEND_AT.split(':').map(Number) as [number, number];
  return { hh, mm };
}

/** The instant reminders of a Viet Nam day go out. */
export function sendInstant(r: Pick<Reminders, 'app'>, day: string): Date {
  const { hh, mm } = sendTime(r);
  return vnInstant(day, hh, mm);
}
