import { vnDate } from '../core/clock.js';
import { splitUserId } from '../core/message.js';
import type { Language } from '../i18n/index.js';
import type { OutboundMessage } from '../outbound/types.js';
import { unitKey, type UnitRef } from './calendar.js';
import { escalationReply, newsReply, reminderReply, reminderTemplateData, type ReminderFacts } from './compose.js';
import { sendInstant, type Reminders } from './context.js';
import { escalationsOn, hasReminderOn, remindersOn, ESCALATE_AFTER_DAYS } from './due.js';
import { parseOccurrenceId, daysBetween } from './schedule.js';

/** Sent later than this after its time, a message says it is late ("Nhắc muộn"). */
export const LATE_AFTER_MS = 10 * 60_000;
const BATCH = 500;

export interface DayCounts {
  reminders: number;
  escalations: number;
  news: number;
}

/** Looks up each person's language and area once per run. */
class People {
  private readonly cache = new Map<string, Promise<{ lang: Language; area?: string }>>();
  constructor(private readonly r: Reminders) {}
  get(user: string) {
    let p = this.cache.get(user);
    if (!p) {
      p = this.r.app.users.get(user).then((u) => ({ lang: u?.lang ?? 'vi', area: u?.area }));
      this.cache.set(user, p);
    }
    return p;
  }
}

class Batch {
  private pending: OutboundMessage[] = [];
  count = 0;
  constructor(private readonly r: Reminders) {}
  async add(m: OutboundMessage): Promise<void> {
    this.pending.push(m);
    this.count++;
    if (this.pending.length >= BATCH) await this.flush();
  }
  async flush(): Promise<void> {
    if (!this.pending.length) return;
    const out = this.pending;
    this.pending = [];
    // Looked up at each call: a durable queue may have replaced the default outbound.
    await this.r.app.outbound.enqueue(out);
  }
}

function lateSince(r: Reminders, day: string, now: Date): Date | undefined {
  const at = sendInstant(r, day);
  return now.getTime() - at.getTime() > LATE_AFTER_MS ? at : undefined;
}

/** Zalo outside its window needs a template: attached when one is configured, the sender decides. */
function reminderMessage(r: Reminders, user: string, base: Omit<OutboundMessage, 'user' | 'kind'>, f: ReminderFacts): OutboundMessage {
  const templateId = r.app.config.ZALO_REMINDER_TEMPLATE_ID;
  const template = templateId && splitUserId(user).channel === 'zalo' ? { id: templateId, data: reminderTemplateData(r, f) } : undefined;
  return { user, kind: 'reminder', ...base, ...(template ? { template } : {}) };
}

/** Deadline reminders of `day` to the officers subscribed to each unit that has not reported. */
async function deadlineReminders(r: Reminders, day: string, now: Date, people: People, batch: Batch): Promise<void> {
  const units = await r.subs.units();
  const late = lateSince(r, day, now);
  const byUnit = new Map<string, { unit: UnitRef; due: ReturnType<typeof remindersOn> }>();
  for (const d of remindersOn(r.calendar, units, day)) {
    const k = unitKey(d.unit);
    if (!byUnit.has(k)) byUnit.set(k, { unit: d.unit, due: [] });
    byUnit.get(k)?.due.push(d);
  }
  for (const { unit, due } of byUnit.values()) {
    const reported = await r.marks.reportedSet(due.map((d) => d.occurrence.id), unit);
    const members = await r.subs.members(unit);
    await Promise.all(members.map((user) => people.get(user)));
    for (const d of due) {
      if (reported.has(d.occurrence.id)) continue;
      for (const user of members) {
        const { lang } = await people.get(user);
        const facts: ReminderFacts = { ...d, lateSince: late };
        await batch.add(
          reminderMessage(r, user, { campaign: `reminders:${day}`, key: `rem:${d.occurrence.id}:${unitKey(unit)}:${d.lead}`, replies: [reminderReply(r, facts, lang)] }, facts),
        );
        await r.marks.reminded(user, d.occurrence.id, now.getTime());
      }
    }
  }
}

/** One note per unit still not reported after the overdue reminders, to the supervising unit's officers. */
async function escalations(r: Reminders, day: string, now: Date, people: People, batch: Batch): Promise<void> {
  const units = await r.subs.units();
  const late = lateSince(r, day, now);
  for (const { occurrence, unit } of escalationsOn(r.calendar, units, day)) {
    const supervisor = r.units.get(unit.kind)?.supervisor;
    if (!supervisor || (await r.marks.reported(occurrence.id, unit))) continue;
    const above = units.filter((u) => u.kind === supervisor && r.app.areas.isWithin(unit.area, u.area));
    for (const sup of above)
      for (const user of await r.subs.members(sup)) {
        const { lang } = await people.get(user);
        await batch.add({
          user,
          kind: 'reminder',
          campaign: `reminders:${day}`,
          key: `rem:${occurrence.id}:${unitKey(unit)}:escalate`,
          replies: [escalationReply(r, { occurrence, unit, daysLate: ESCALATE_AFTER_DAYS, lateSince: late }, lang)],
        });
      }
  }
}

/** News of the events whose announcement day is `day`, to everyone who asked for it in the event's area. */
async function news(r: Reminders, day: string, now: Date, _people: People, batch: Batch): Promise<void> {
  const late = lateSince(r, day, now);
  const thisYear = Number(day.slice(0, 4));
  for (const event of r.events.with(await r.local.all()))
    // A local event is held once: announced for the year it starts in.
    for (const year of event.local ? [Number(event.local.start.slice(0, 4))] : [thisYear, thisYear + 1]) {
      const settings = event.settable ? await r.weeks.forYear(event.id, year) : new Map();
      // Skip the subscriber scan unless some area's start date makes today an announcement day.
      const starts = new Set([r.events.datesFor(event, year, undefined, new Map()).start, ...[...settings.values()].map((s) => s.start)]);
      if (![...starts].some((s) => event.announce.includes(daysBetween(day, s)))) continue;
      for await (const page of r.subs.newsSubscribers()) {
        // One round trip for the page's people rather than one per person; not kept in People's cache,
        // which would grow to every subscriber of the country within one run.
        const found = await Promise.all(page.map((user) => r.app.users.get(user)));
        for (const [i, user] of page.entries()) {
          const lang = found[i]?.lang ?? 'vi';
          const area = found[i]?.area;
          if (!r.events.reaches(event, area)) continue;
          const dates = r.events.datesFor(event, year, area, settings);
          const lead = daysBetween(day, dates.start);
          if (!event.announce.includes(lead)) continue;
          await batch.add({
            user,
            kind: 'news',
            campaign: `news:${event.id}:${year}`,
            key: `news:${event.id}:${dates.start}:${lead}`,
            replies: [newsReply(event, dates, lead, lang, r.app.i18n.for(lang), late)],
          });
        }
      }
    }
}

/** Everything that goes out on `day` (once per key and person, whoever runs it and however often). */
export async function dispatchDay(r: Reminders, day: string, now: Date): Promise<DayCounts> {
  const people = new People(r);
  const counts: DayCounts = { reminders: 0, escalations: 0, news: 0 };
  for (const [name, run] of [
    ['reminders', deadlineReminders],
    ['escalations', escalations],
    ['news', news],
  ] as const) {
    const batch = new Batch(r);
    await run(r, day, now, people, batch);
    await batch.flush();
    counts[name] = batch.count;
  }
  return counts;
}

/** "Nhắc lại sau" reminders due by `now`; each is sent once and then cleared. */
export async function dispatchSnoozes(r: Reminders, now: Date): Promise<number> {
  const people = new People(r);
  const batch = new Batch(r);
  for (const s of await r.marks.dueSnoozes(now.getTime())) {
    const parsed = parseOccurrenceId(s.occurrence);
    const occurrence = parsed && r.calendar.occurrence(s.occurrence, parsed.obligation, parsed.due);
    const sub = await r.subs.of(s.user);
    const day = vnDate(new Date(s.at));
    const unit = sub && { kind: sub.kind, area: sub.area };
    // Nothing to say again when the unit reported, the officer left, or today's regular reminder says it.
    if (occurrence && unit && !(await r.marks.reported(occurrence.id, unit)) && !hasReminderOn(occurrence, day)) {
      const { lang } = await people.get(s.user);
      const facts: ReminderFacts = {
        occurrence,
        unit,
        lead: daysBetween(day, occurrence.due),
        again: true,
        lateSince: now.getTime() - s.at > LATE_AFTER_MS ? new Date(s.at) : undefined,
      };
      await batch.add(
        reminderMessage(r, s.user, { campaign: `reminders:${day}`, key: `rem:${occurrence.id}:${unitKey(unit)}:again:${day}`, replies: [reminderReply(r, facts, lang)] }, facts),
      );
      await r.marks.reminded(s.user, occurrence.id, now.getTime());
    }
    await batch.flush();
    await r.marks.clearSnooze(s);
  }
  return batch.count;
}
