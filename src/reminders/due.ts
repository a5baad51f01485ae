import type { Areas } from '../areas/areas.js';
import { addDays } from '../core/clock.js';
import { OVERDUE_DAYS, type DeadlineCalendar, type Obligation, type Occurrence, type UnitRef } from './calendar.js';
import { daysBetween } from './schedule.js';
import type { UnitKinds } from './units.js';

export interface DueReminder {
  occurrence: Occurrence;
  unit: UnitRef;
  /** Days before the deadline; negative: days past it. */
  lead: number;
}

/** The supervisors' note goes out the day after the last overdue reminder. */
export const ESCALATE_AFTER_DAYS = OVERDUE_DAYS + 1;

/** The leads of an occurrence that fall on `day`: one of its lead days, or one of the overdue days. */
function leadOn(o: Obligation, due: string, day: string): number | undefined {
  const lead = daysBetween(day, due);
  if (lead >= 0) return o.leads.includes(lead) ? lead : undefined;
  return -lead <= OVERDUE_DAYS ? lead : undefined;
}

/** Every reminder of `day` for these units, before anyone's "Đã nộp" is taken into account. */
export function remindersOn(calendar: DeadlineCalendar, units: UnitRef[], day: string): DueReminder[] {
  const out: DueReminder[] = [];
  for (const unit of units)
    for (const o of calendar.forUnit(unit)) {
      const maxLead = Math.max(...o.leads);
      for (const occurrence of calendar.occurrences(o, addDays(day, -OVERDUE_DAYS), addDays(day, maxLead))) {
        const lead = leadOn(o, occurrence.due, day);
        if (lead !== undefined) out.push({ occurrence, unit, lead });
      }
    }
  return out;
}

/** Occurrences whose supervisors' note is due on `day` (if the unit has still not reported). */
export function escalationsOn(calendar: DeadlineCalendar, units: UnitRef[], day: string): { occurrence: Occurrence; unit: UnitRef }[] {
  const due = addDays(day, -ESCALATE_AFTER_DAYS);
  return units.flatMap((unit) => calendar.forUnit(unit).flatMap((o) => calendar.occurrences(o, due, due).map((occurrence) => ({ occurrence, unit }))));
}

/** True when the occurrence has a regular reminder on `day` (a snooze then adds nothing). */
export function hasReminderOn(occurrence: Occurrence, day: string): boolean {
  return leadOn(occurrence.obligation, occurrence.due, day) !== undefined;
}

export interface PreviewLine {
  day: string;
  deadline: string;
  obligation: string;
  unit: string;
  lead: number;
}

/**
 * What would go out from `from` to `to` from the data alone (no subscriptions): per obligation and
 * unit kind that owes it. `area` keeps obligations of that province (or of a commune's province, then
 * only commune-level kinds).
 */
export function previewBetween(
  calendar: DeadlineCalendar,
  units: UnitKinds,
  areas: Areas,
  from: string,
  to: string,
  filter: { unit?: string; area?: string } = {},
): PreviewLine[] {
  const lines: PreviewLine[] = [];
  const filterArea = filter.area ? areas.get(filter.area) : undefined;
  for (const o of calendar.obligations) {
    if (!o.active) continue;
    if (filterArea && o.area !== undefined && !areas.isWithin(filterArea.id, o.area) && !areas.isWithin(o.area, filterArea.id)) continue;
    const kinds = o.units.filter(
      (k) => (!filter.unit || k === filter.unit) && (!filterArea?.parent || units.get(k)?.level === filterArea.kind),
    );
    if (!kinds.length) continue;
    const maxLead = Math.max(...o.leads);
    for (const occurrence of calendar.occurrences(o, addDays(from, -OVERDUE_DAYS), addDays(to, maxLead))) {
      const leads = [...new Set([...o.leads, ...Array.from({ length: OVERDUE_DAYS }, (_, i) => -(i + 1))])];
      for (const lead of leads) {
        const day = addDays(occurrence.due, -lead);
        if (day < from || day > to) continue;
        for (const unit of kinds) lines.push({ day, deadline: occurrence.due, obligation: o.id, unit, lead });
      }
    }
  }
  return lines.sort(
    (a, b) => a.day.localeCompare(b.day) || a.deadline.localeCompare(b.deadline) || a.obligation.localeCompare(b.obligation) || a.unit.localeCompare(b.unit),
  );
}
