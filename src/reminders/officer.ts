import { z } from 'zod';
import { addDays, formatVnDate, vnDate } from '../core/clock.js';
import { FlowData } from '../engine/flow-data.js';
import type { Turn } from '../engine/turn.js';
import type { UnitRef } from './calendar.js';
import { calendarFileName, calendarUrl, ICS_MIME, unitCalendar } from './calendar-export.js';
import { dueLabel, REPORTED_COMMAND, SNOOZE_COMMAND, unitLabel } from './compose.js';
import { sendInstant, type Reminders } from './context.js';
import { daysBetween, parseOccurrenceId } from './schedule.js';

/** "Hạn sắp tới" shows this many deadlines, from this many days ahead. */
const LIST_MAX = 6;
const LIST_DAYS = 400;

/** What the deadlines flow keeps while it runs: ids, and the names its texts show (*_name). */
export const deadlinesData = new FlowData(
  'deadlines',
  z.object({
    kind: z.string().optional(),
    area: z.string().optional(),
    unit_name: z.string().optional(),
    area_name: z.string().optional(),
    subscribed: z.boolean().optional(),
    has_link: z.boolean().optional(),
  }),
  ['deadlines'],
);

/** "Đã nộp" or "Nhắc lại sau" typed while several reminders wait: which answer, and the reminders to pick from. */
const pickData = new FlowData(
  'reminder_pick',
  z.object({
    answer: z.enum([REPORTED_COMMAND, SNOOZE_COMMAND]).optional(),
    ids: z.array(z.string()).default([]),
    label: z.string().optional(),
    occurrence: z.string().optional(),
  }),
  ['reminder_pick'],
);

/**
 * The subscription of an officer as they are now: one to a unit their current grant does not cover
 * (left from before a move) gives them nothing.
 */
export async function currentSubscription(r: Reminders, user: string): Promise<UnitRef | undefined> {
  const [sub, grant] = await Promise.all([r.subs.of(user), r.app.roles.grantOf(user, 'officer')]);
  if (!sub || !grant || sub.area !== grant.area || (grant.unit !== undefined && grant.unit !== sub.kind)) return undefined;
  return { kind: sub.kind, area: sub.area };
}

/** The officer's unit: their subscription, else what their invite or this conversation named. */
async function unitOf(r: Reminders, turn: Turn): Promise<UnitRef | undefined> {
  const sub = await currentSubscription(r, turn.user);
  if (sub) return sub;
  const { kind, area } = deadlinesData.read(turn);
  return kind && area && r.units.has(kind) ? { kind, area } : undefined;
}

function names(r: Reminders, unit: UnitRef, turn: Turn): { unit_name: string; area_name: string } {
  const { unit: unitName, area } = unitLabel(r, unit, turn.lang);
  return { unit_name: unitName, area_name: area };
}

export function registerOfficer(r: Reminders): void {
  const { app } = r;

  app.registry
    .data(deadlinesData)
    .data(pickData)
    // Where the deadlines flow starts: an officer with a unit lists it, one without chooses a kind first.
    .action('reminders.checkOfficer', ['no_grant', 'subscribed', 'unit_known', 'no_unit'], async (turn) => {
      const grant = await app.roles.grantOf(turn.user, 'officer');
      if (!grant) {
        turn.say('reminders.deadlines.no_unit');
        return 'no_grant';
      }
      const sub = await r.subs.of(turn.user);
      if (sub && sub.area === grant.area) {
        deadlinesData.update(turn, { kind: sub.kind, area: sub.area, subscribed: true });
        return 'subscribed';
      }
      const kind = grant.unit && r.units.has(grant.unit) ? grant.unit : undefined;
      deadlinesData.update(turn, { kind, area: grant.area, subscribed: false });
      return kind ? 'unit_known' : 'no_unit';
    })
    .choices('reminders.unitKinds', async (turn) => {
      const area = app.areas.get(deadlinesData.read(turn).area ?? '');
      return (area ? r.units.atLevel(area.kind) : r.units.all).map((u) => ({ value: u.id, label: u.name[turn.lang] }));
    })
    // Fills the names the offer and list texts show.
    .action('reminders.describeUnit', async (turn) => {
      const { kind, area } = deadlinesData.read(turn);
      if (kind && area) deadlinesData.update(turn, names(r, { kind, area }, turn));
    })
    .action('reminders.subscribeUnit', ['no_unit'], async (turn) => {
      const { kind, area } = deadlinesData.read(turn);
      if (!kind || !area || !r.units.has(kind)) return 'no_unit';
      await r.subs.subscribe(turn.user, { kind, area });
      turn.say('reminders.deadlines.subscribed');
      // Asking for reminders is asking for messages again: after /stop nothing would reach them otherwise.
      if ((await app.users.get(turn.user))?.optOut) {
        await app.users.setOptOut(turn.user, false);
        turn.say('reminders.deadlines.resumed');
      }
      deadlinesData.update(turn, { subscribed: true });
      return undefined;
    })
    .action('reminders.unsubscribeUnit', async (turn) => {
      await r.subs.unsubscribe(turn.user);
      deadlinesData.update(turn, { subscribed: false });
    })
    .action('reminders.listDeadlines', ['no_unit'], async (turn) => {
      const unit = await unitOf(r, turn);
      if (!unit) return 'no_unit';
      const today = vnDate(turn.now());
      const items = r.calendar.upcoming(unit, today, LIST_DAYS);
      const reported = await r.marks.reportedSet(items.map((o) => o.id), unit);
      // Overdue ones stay on the list only while unreported.
      const shown = items.filter((o) => o.due >= today || !reported.has(o.id)).slice(0, LIST_MAX);
      // A subscription that /stop silences is not shown as on: the officer is offered to turn it on again.
      const [sub, person] = await Promise.all([r.subs.of(turn.user), app.users.get(turn.user)]);
      const stopped = Boolean(sub && person?.optOut);
      deadlinesData.update(turn, { ...names(r, unit, turn), has_link: await r.tokens.has(turn.user), subscribed: Boolean(sub) && !stopped });
      const lines = shown.map((o, i) => {
        const days = daysBetween(today, o.due);
        const when = reported.has(o.id)
          ? turn.t('reminders.deadlines.reported')
          : days > 0
            ? turn.t('reminders.deadlines.in_days', { days })
            : days === 0
              ? turn.t('reminders.deadlines.due_today')
              : turn.t('reminders.deadlines.overdue', { days: -days });
        return turn.t('reminders.deadlines.item', { n: i + 1, date: dueLabel(o, turn.t), title: r.calendar.title(o.obligation, turn.lang), when });
      });
      if (lines.length) turn.say('reminders.deadlines.list', { lines: lines.join('\n') });
      else turn.say('reminders.deadlines.none');
      if (stopped) turn.say('reminders.deadlines.stopped');
      return undefined;
    })
    .action('reminders.calendarFile', ['no_unit'], async (turn) => {
      const unit = await unitOf(r, turn);
      if (!unit) return 'no_unit';
      turn.reply({
        text: turn.t('reminders.deadlines.file', unitLabel(r, unit, turn.lang)),
        file: { name: calendarFileName(unit), mime: ICS_MIME, content: unitCalendar(r, unit, turn.lang) },
      });
      return undefined;
    })
    .action('reminders.calendarLink', ['no_unit'], async (turn) => {
      const unit = await unitOf(r, turn);
      if (!unit) return 'no_unit';
      const token = await r.tokens.issue(turn.user, unit);
      turn.say('reminders.deadlines.link', { url: calendarUrl(r, token) });
      deadlinesData.update(turn, { has_link: true });
      return undefined;
    })
    .action('reminders.revokeLink', async (turn) => {
      turn.say((await r.tokens.revoke(turn.user)) ? 'reminders.deadlines.link_revoked' : 'reminders.deadlines.no_link');
      deadlinesData.update(turn, { has_link: false });
    });

  /** The occurrence an id names, with the officer's current unit, if that unit owes it. */
  async function owed(turn: Turn, id: string) {
    const unit = await currentSubscription(r, turn.user);
    const parsed = parseOccurrenceId(id);
    const occurrence = parsed ? r.calendar.occurrence(id, parsed.obligation, parsed.due) : undefined;
    if (!unit || !occurrence) return undefined;
    return r.calendar.forUnit(unit).includes(occurrence.obligation) ? { occurrence, unit } : undefined;
  }

  /** The occurrence and the words that name it; when there is none, the officer is told so. */
  async function commandTarget(turn: Turn, id: string) {
    const found = await owed(turn, id);
    if (!found) {
      turn.say('reminders.command.unknown');
      return undefined;
    }
    const { occurrence, unit } = found;
    const named = { title: r.calendar.title(occurrence.obligation, turn.lang), date: dueLabel(occurrence, turn.t), ...unitLabel(r, unit, turn.lang) };
    return { occurrence, unit, named };
  }

  async function report(turn: Turn, id: string): Promise<void> {
    const target = await commandTarget(turn, id);
    if (!target) return;
    const fresh = await r.marks.markReported(target.occurrence.id, target.unit, turn.now().getTime());
    turn.say(fresh ? 'reminders.command.reported' : 'reminders.command.already_reported', target.named);
  }

  async function snooze(turn: Turn, id: string): Promise<void> {
    const target = await commandTarget(turn, id);
    if (!target) return;
    if (await r.marks.reported(target.occurrence.id, target.unit)) {
      turn.say('reminders.command.already_reported', target.named);
      return;
    }
    const tomorrow = addDays(vnDate(turn.now()), 1);
    await r.marks.snooze(target.occurrence.id, turn.user, target.unit, sendInstant(r, tomorrow).getTime(), turn.now().getTime());
    turn.say('reminders.command.snoozed', { title: target.named.title, date: formatVnDate(tomorrow), time: app.config.REMINDERS_SEND_AT });
  }

  const answers = { [REPORTED_COMMAND]: report, [SNOOZE_COMMAND]: snooze } as const;
  type Answer = keyof typeof answers;

  /**
   * A button names its occurrence. Words ("đã nộp") name none: they answer the one reminder still
   * waiting for an answer; with several, the officer picks which (a guess could mark the wrong one),
   * and with none waiting, the latest reminder (to hear that it is already reported).
   */
  async function answer(turn: Turn, verb: Answer, args: string): Promise<'pick' | { reprompt: true }> {
    const id = args.split(/\s+/)[0];
    if (id) return answers[verb](turn, id).then(() => ({ reprompt: true }) as const);
    const waiting: string[] = [];
    const recent = await r.marks.recent(turn.user, turn.now().getTime());
    for (const candidate of recent) {
      const found = await owed(turn, candidate);
      if (found && !(await r.marks.reported(candidate, found.unit))) waiting.push(candidate);
    }
    if (waiting.length > 1) {
      pickData.write(turn, { answer: verb, ids: waiting, label: turn.t(verb === REPORTED_COMMAND ? 'reminders.button.reported' : 'reminders.button.snooze') });
      return 'pick';
    }
    await answers[verb](turn, waiting[0] ?? recent[0] ?? '');
    return { reprompt: true };
  }

  app.registry
    .command({
      name: REPORTED_COMMAND,
      aliases: ['đã nộp', 'đã nộp rồi', 'reported'],
      outcomes: ['pick'],
      run: (turn, args) => answer(turn, REPORTED_COMMAND, args),
    })
    .command({
      name: SNOOZE_COMMAND,
      aliases: ['nhắc lại sau', 'nhắc lại', 'remind me later'],
      outcomes: ['pick'],
      run: (turn, args) => answer(turn, SNOOZE_COMMAND, args),
    })
    .choices('reminders.waitingReminders', async (turn) => {
      return pickData.read(turn).ids.flatMap((id) => {
        const parsed = parseOccurrenceId(id);
        const occurrence = parsed && r.calendar.occurrence(id, parsed.obligation, parsed.due);
        return occurrence ? [{ value: id, label: turn.t('reminders.pick.item', { title: r.calendar.title(occurrence.obligation, turn.lang), date: dueLabel(occurrence, turn.t) }) }] : [];
      });
    })
    .action('reminders.answerPicked', async (turn) => {
      const pick = pickData.read(turn);
      if (pick.answer && pick.occurrence) await answers[pick.answer](turn, pick.occurrence);
      pickData.clear(turn);
    });
}
