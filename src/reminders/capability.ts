import { join } from 'node:path';
import type { Capability } from '../app/app.js';
import { Provision } from '../app/provision.js';
import { OUTBOUND } from '../outbound/capability.js';
import { formatVnDateTime } from '../core/clock.js';
import { dataFileLabel } from '../core/data-file.js';
import { registerDeadlinesBoard } from './board-page.js';
import { DeadlineCalendar } from './calendar.js';
import { registerCalendarRoute } from './calendar-export.js';
import { CalendarTokens } from './calendar-tokens.js';
import { unitLabel } from './compose.js';
import type { Reminders } from './context.js';
import { EventCalendar } from './events.js';
import { LocalEvents } from './local-events.js';
import { Marks } from './marks.js';
import { registerNews } from './news.js';
import { registerOfficer } from './officer.js';
import { previewCommand } from './preview.js';
import { ReminderScheduler } from './scheduler.js';
import { Subscriptions } from './subscriptions.js';
import { UnitKinds } from './units.js';
import { registerWeekSettings } from './week-page.js';
import { WeekSettings } from './week-settings.js';

/** The reminders of the app (broadcasts name units and the Learning Week from them; tests drive the scheduler's tick by hand). */
export const REMINDERS = new Provision<{ reminders: Reminders; scheduler: ReminderScheduler }>('reminders');

/**
 * Reporting-deadline reminders for officers and Lifelong Learning Week news for everyone who asks.
 * `plansDir` holds deadlines.yaml and events.yaml (tests point it at fixtures).
 */
export function createReminders(opts: { plansDir?: string } = {}): Capability {
  return {
    name: 'reminders',
    provides: [REMINDERS],
    needs: [OUTBOUND],
    register(app) {
      const plansDir = opts.plansDir ?? app.dirs.plans;
      const unitsPath = join(app.dirs.data, 'units.yaml');
      const units = UnitKinds.load(unitsPath, dataFileLabel(unitsPath));
      const r: Reminders = {
        app,
        units,
        calendar: DeadlineCalendar.load({ plansDir, label: dataFileLabel(join(plansDir, 'deadlines.yaml')), areas: app.areas, units }),
        events: EventCalendar.load({ plansDir, label: dataFileLabel(join(plansDir, 'events.yaml')), areas: app.areas }),
        subs: new Subscriptions(app.redis, app.prefix, app.clock),
        marks: new Marks(app.redis, app.prefix),
        weeks: new WeekSettings(app.redis, app.prefix),
        local: new LocalEvents(app.redis, app.prefix),
        tokens: new CalendarTokens(app.redis, app.prefix),
      };
      registerOfficer(r);
      // An officer who moves stops hearing about, and answering for, the unit they left.
      app.roles.onReplaced(async (user, previous) => {
        if (previous.role === 'officer') await Promise.all([r.subs.unsubscribe(user), r.marks.forget(user), r.tokens.revoke(user)]);
      });
      registerNews(r);
      registerCalendarRoute(r);
      registerDeadlinesBoard(r);
      registerWeekSettings(r);

      app.admin.add({
        name: 'reminders preview',
        usage: 'reminders preview --from <yyyy-mm-dd> --to <yyyy-mm-dd> [--unit <kind>] [--area <id>]',
        dataOnly: true,
        run: (args, io) => previewCommand(r, args, io),
      });

      app.privacy.add({
        name: 'reminders',
        async describe(user, t) {
          const lines: string[] = [];
          const sub = await r.subs.of(user);
          const lang = (await app.users.get(user))?.lang ?? 'vi';
          if (sub) lines.push(t('reminders.data.unit', { ...unitLabel(r, sub, lang), since: formatVnDateTime(new Date(sub.since)) }));
          const news = await r.subs.newsSince(user);
          if (news !== undefined) lines.push(t('reminders.data.news', { since: formatVnDateTime(new Date(news)) }));
          const declined = await r.subs.declinedAt(user);
          if (declined !== undefined) lines.push(t('reminders.data.news_declined', { at: formatVnDateTime(new Date(declined)) }));
          if (await r.tokens.has(user)) lines.push(t('reminders.data.link'));
          const snoozed = (await r.marks.snoozesOf(user)).length;
          if (snoozed) lines.push(t('reminders.data.snoozes', { n: snoozed }));
          return lines;
        },
        async erase(user) {
          await Promise.all([r.subs.forget(user), r.marks.forget(user), r.tokens.revoke(user)]);
        },
      });

      const scheduler = new ReminderScheduler(r);
      app.onStart(() => scheduler.start());
      app.onStop(() => scheduler.stop());
      app.provide(REMINDERS, { reminders: r, scheduler });
    },
  };
}

export const reminders = createReminders();
