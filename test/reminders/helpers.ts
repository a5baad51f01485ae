import type { Reply } from '../../src/core/message.js';
import { DirectOutbound } from '../../src/outbound/direct.js';
import { REMINDERS } from '../../src/reminders/capability.js';
import type { TickResult } from '../../src/reminders/scheduler.js';
import { takeWebMessages } from '../support/web.js';
import { createTestApp, type TestApp, type TestAppOptions } from '../support/app.js';
import { FakeClock } from '../support/clock.js';
import { signedInBrowser, type ConsoleBrowser } from '../support/console.js';

export interface RemindersHarness extends TestApp {
  clock: FakeClock;
  /** Moves the clock to `iso` and runs one scheduler tick, then waits for the messages to be delivered. */
  tickAt(iso: string): Promise<TickResult>;
  /** Proactive messages the web user received since the last look (the web chat's inbox). */
  inbox(user: string): Promise<Reply[]>;
  officer(user: string, area: string, unit?: string): Promise<void>;
  /** Someone who has met the bot and been made an organiser of `area`. */
  organiser(user: string, area: string): Promise<void>;
  /** Such an organiser, signed in to the console. */
  organiserInConsole(user: string, area: string): Promise<ConsoleBrowser>;
  /** A person of `area` who takes the Learning Week news. */
  newsReader(user: string, area: string): Promise<void>;
}

/**
 * A whole bot with a fake clock. Its outbound is the in-process DirectOutbound so that a test can wait
 * for delivery; the reminders code only sees the Outbound interface either way.
 */
export async function remindersHarness(opts: TestAppOptions & { start?: string } = {}): Promise<RemindersHarness> {
  const clock = (opts.clock as FakeClock | undefined) ?? new FakeClock(opts.start ?? '2026-03-01T00:00:00+07:00');
  const t = await createTestApp({ ...opts, clock });
  const outbound = new DirectOutbound(t.app);
  t.app.outbound = outbound;
  const { scheduler } = t.app.need(REMINDERS);
  const organiser = async (user: string, area: string) => {
    await t.send(user, '/start');
    await t.app.roles.grant(user, { role: 'organiser', area, grantedAt: clock.now().getTime() });
  };
  return {
    ...t,
    clock,
    async tickAt(iso) {
      clock.set(iso);
      const result = await scheduler.tick();
      await outbound.idle();
      return result;
    },
    inbox: (user) => takeWebMessages(t.app, user),
    async officer(user, area, unit) {
      await t.send(user, '/menu');
      await t.app.roles.grant(user, { role: 'officer', area, unit, grantedAt: clock.now().getTime() });
    },
    organiser,
    async organiserInConsole(user, area) {
      await organiser(user, area);
      return signedInBrowser(t.app, user);
    },
    async newsReader(user, area) {
      await t.app.users.seen(user, 'vi');
      await t.app.users.setArea(user, area);
      await t.app.need(REMINDERS).reminders.subs.subscribeNews(user);
    },
  };
}

/** The occurrence id a reminder's "Đã nộp" button carries. */
export function reportedValue(reply: Reply): string {
  const value = reply.choices?.find((c) => c.value.startsWith('/reported '))?.value;
  if (!value) throw new Error(`no "Đã nộp" button in: ${reply.text}`);
  return value;
}
