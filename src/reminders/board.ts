import { addDays } from '../core/clock.js';
import { onceKey } from '../outbound/deliver.js';
import { OVERDUE_DAYS, unitKey, type Obligation, type Occurrence, type UnitRef } from './calendar.js';
import type { Reminders } from './context.js';
import { daysBetween } from './schedule.js';

/** A deadline that passed less than this many days ago stays on the board (its late units are the news). */
export const BOARD_KEEPS_PAST_DAYS = 45;
/** How far ahead the board looks for an obligation's next deadline. */
const LOOK_AHEAD_DAYS = 6 * 366;

export type UnitState = 'reported' | 'late' | 'due_today' | 'open';

export interface UnitRow {
  unit: UnitRef;
  state: UnitState;
  /** When "Đã nộp" was pressed (epoch ms). */
  reportedAt?: number;
  /** When someone of the unit first pressed "Nhắc lại sau" (epoch ms). */
  snoozedAt?: number;
  /** The unit has seen a reminder of this deadline: it asked to hear again, or reported. */
  seen: boolean;
  daysLate?: number;
  /** Officers of the unit who receive its reminders. */
  officers: number;
  /** Reminders of this deadline handed over for delivery to those officers. */
  reminded: number;
}

export interface ObligationBoard {
  obligation: Obligation;
  /** The deadline the table is about. */
  occurrence: Occurrence;
  /** The one before and the one after, for moving along the calendar. */
  previous?: Occurrence;
  next?: Occurrence;
  /** The next deadline from today on (may be `occurrence` itself). */
  upcoming?: Occurrence;
  rows: UnitRow[];
  /** `seen`: units reminded that asked to hear again or reported. */
  counts: Record<UnitState, number> & { units: number; reminded: number; seen: number };
}

/**
 * The obligations owed inside `scope` (an area the officer answers for) and, per obligation, every unit
 * of the area that owes it: a kind it names, in each area of that kind's level inside both the scope and
 * the obligation's province. A commune officer sees their commune's units; a province officer every
 * commune's and the province's own.
 */
export function unitsOwing(r: Reminders, scope: string): { obligation: Obligation; units: UnitRef[] }[] {
  const { areas } = r.app;
  const inside = areas.subtree(scope);
  return r.calendar.obligations.flatMap((o) => {
    if (!o.active) return [];
    const units = o.units.flatMap((kind) => {
      const level = r.units.get(kind)?.level;
      return inside.filter((a) => a.kind === level && (o.area === undefined || areas.isWithin(a.id, o.area))).map((a) => ({ kind, area: a.id }));
    });
    return units.length ? [{ obligation: o, units }] : [];
  });
}

/** The deadline the board shows for an obligation on `today`: one that passed lately, else the next one; or the one asked for. */
function focus(r: Reminders, o: Obligation, today: string, asked?: string): { occurrence?: Occurrence; previous?: Occurrence; next?: Occurrence; upcoming?: Occurrence } {
  const all = r.calendar.occurrences(o, '2000-01-01', addDays(today, LOOK_AHEAD_DAYS));
  const upcoming = all.find((x) => x.due >= today);
  const recent = [...all].reverse().find((x) => x.due < today && daysBetween(x.due, today) <= BOARD_KEEPS_PAST_DAYS);
  const chosen = (asked && all.find((x) => x.due === asked)) || recent || upcoming || all.at(-1);
  const at = chosen ? all.indexOf(chosen) : -1;
  return { occurrence: chosen, previous: at > 0 ? all[at - 1] : undefined, next: at >= 0 ? all[at + 1] : undefined, upcoming };
}

/** How many reminders of the occurrence were handed over for these officers: one per reminder day and person. */
async function remindersHandedOver(r: Reminders, occurrence: Occurrence, unit: UnitRef, officers: string[]): Promise<number> {
  if (!officers.length) return 0;
  const leads = [...new Set([...occurrence.obligation.leads, ...Array.from({ length: OVERDUE_DAYS }, (_, i) => -(i + 1))])];
  const keys = leads.flatMap((lead) => {
    const day = addDays(occurrence.due, -lead);
    return officers.map((user) => onceKey(r.app, { campaign: `reminders:${day}`, key: `rem:${occurrence.id}:${unitKey(unit)}:${lead}`, user }));
  });
  // One key per read: the marks sit in the slots of their people's buckets.
  const found = await Promise.all(keys.map((k) => r.app.redis.exists(k)));
  return found.reduce((sum, n) => sum + n, 0);
}

/** One obligation's board inside `scope` on `today`; `due` picks another of its deadlines. */
export async function obligationBoard(r: Reminders, o: Obligation, units: UnitRef[], today: string, due?: string): Promise<ObligationBoard | undefined> {
  const { occurrence, previous, next, upcoming } = focus(r, o, today, due);
  if (!occurrence) return undefined;
  const rows = await Promise.all(
    units.map(async (unit): Promise<UnitRow> => {
      const [{ reported, snoozed }, officers] = await Promise.all([r.marks.ofUnit(occurrence.id, unit), r.subs.members(unit)]);
      const reminded = await remindersHandedOver(r, occurrence, unit, officers);
      const left = daysBetween(today, occurrence.due);
      const state: UnitState = reported ? 'reported' : left < 0 ? 'late' : left === 0 ? 'due_today' : 'open';
      return {
        unit,
        state,
        officers: officers.length,
        reminded,
        seen: Boolean(reported || snoozed),
        ...(reported ? { reportedAt: reported.at } : {}),
        ...(snoozed ? { snoozedAt: snoozed.at } : {}),
        ...(state === 'late' ? { daysLate: -left } : {}),
      };
    }),
  );
  // Late first (every late unit of one deadline is equally late), then due today, open, reported; by area name within each.
  const order: Record<UnitState, number> = { late: 0, due_today: 1, open: 2, reported: 3 };
  const name = (u: UnitRef) => r.app.areas.get(u.area)?.fullName ?? u.area;
  rows.sort((a, b) => order[a.state] - order[b.state] || name(a.unit).localeCompare(name(b.unit), 'vi') || a.unit.kind.localeCompare(b.unit.kind));
  const counts = { reported: 0, late: 0, due_today: 0, open: 0, units: rows.length, reminded: 0, seen: 0 };
  for (const row of rows) {
    counts[row.state]++;
    counts.reminded += row.reminded;
    if (row.reminded && row.seen) counts.seen++;
  }
  return { obligation: o, occurrence, previous, next, upcoming, rows, counts };
}
