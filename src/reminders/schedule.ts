import { z } from 'zod';

/** Dates are Viet Nam calendar days, "YYYY-MM-DD"; they compare as strings. */

function realDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((s) => realDate(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10))), 'a date that exists on the calendar');

/** "MM-DD" every year; 29 February is refused because it is not in every year. */
export const monthDaySchema = z
  .string()
  .regex(/^\d{2}-\d{2}$/, 'a day of the year MM-DD, e.g. 12-15')
  .refine((s) => realDate(2001, Number(s.slice(0, 2)), Number(s.slice(3, 5))), 'a day that exists every year (not 02-29)');

export const scheduleSchema = z.union([
  z.object({ yearly: monthDaySchema }).strict(),
  z
    .object({
      every_months: z.number().int().min(1).max(60),
      /** Day of the month; a month shorter than that uses its last day. */
      day: z.number().int().min(1).max(31),
      /** The first month of the series, "YYYY-MM". */
      from: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM'),
    })
    .strict(),
  z.object({ once: isoDateSchema }).strict(),
], { error: 'one of { yearly: MM-DD }, { every_months: N, day: D, from: YYYY-MM } or { once: YYYY-MM-DD }' });
export type Schedule = z.infer<typeof scheduleSchema>;

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Due dates of a schedule from `from` to `to` (both included), oldest first. */
export function dueDates(schedule: Schedule, from: string, to: string): string[] {
  const out: string[] = [];
  if ('once' in schedule) {
    if (schedule.once >= from && schedule.once <= to) out.push(schedule.once);
  } else if ('yearly' in schedule) {
    for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) {
      const d = `${pad(y, 4)}-${schedule.yearly}`;
      if (d >= from && d <= to) out.push(d);
    }
  } else {
    let y = Number(schedule.from.slice(0, 4));
    let m = Number(schedule.from.slice(5, 7));
    // Jump close to the window instead of walking every step since the series began.
    const firstYear = Number(from.slice(0, 4)) - 1;
    if (y < firstYear) {
      const steps = Math.floor(((firstYear - y) * 12) / schedule.every_months);
      const months = m - 1 + steps * schedule.every_months;
      y += Math.floor(months / 12);
      m = (months % 12) + 1;
    }
    for (;;) {
      const d = `${pad(y, 4)}-${pad(m)}-${pad(Math.min(schedule.day, daysInMonth(y, m)))}`;
      if (d > to) break;
      if (d >= from) out.push(d);
      const months = m - 1 + schedule.every_months;
      y += Math.floor(months / 12);
      m = (months % 12) + 1;
    }
  }
  return out;
}

/** An occurrence is one due date of one obligation: "<obligation>@YYYYMMDD", short enough for button data. */
export function occurrenceId(obligation: string, due: string): string {
  return `${obligation}@${due.replaceAll('-', '')}`;
}

export function parseOccurrenceId(id: string): { obligation: string; due: string } | undefined {
  const m = /^([a-z][a-z0-9_]{0,39})@(\d{4})(\d{2})(\d{2})$/.exec(id);
  if (!m) return undefined;
  const due = `${m[2]}-${m[3]}-${m[4]}`;
  return isoDateSchema.safeParse(due).success ? { obligation: m[1] as string, due } : undefined;
}

/** Days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86_400_000);
}
