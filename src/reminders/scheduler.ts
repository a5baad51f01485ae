import cron, { type ScheduledTask } from 'node-cron';
import { addDays, TIME_ZONE, vnDate } from '../core/clock.js';
import { tryLock } from '../store/lock.js';
import { sendInstant, type Reminders } from './context.js';
import { dispatchDay, dispatchSnoozes, type DayCounts } from './dispatch.js';

/** A stop longer than this is not caught up: reminders older than a day are no use. */
export const CATCH_UP_MS = 86_400_000;
/**
 * The tick's lock: held with a heartbeat for as long as the tick runs (a news run to millions takes
 * longer than any fixed lease), and freed by itself a minute after a holder crashed.
 */
const LOCK_MS = 60_000;
const HEARTBEAT_MS = 15_000;

export type TickResult =
  | { status: 'done'; from: Date; to: Date; days: string[]; counts: DayCounts; snoozes: number }
  | { status: 'skipped'; reason: 'taken' | 'busy' };

/**
 * Every minute: the instance that claims the minute does the work, under a lock so that two ticks
 * never overlap. A tick covers everything since the last completed one (kept in Redis), so what a
 * crash or a stop missed goes out on the next tick, marked late; the outbound key of each
 * (occurrence, person, lead) keeps every message to one delivery.
 */
export class ReminderScheduler {
  private task?: ScheduledTask;

  constructor(private readonly r: Reminders) {}

  private key(name: string) {
    return `${this.r.app.prefix}rem:${name}`;
  }

  async tick(): Promise<TickResult> {
    const { redis, clock, log } = this.r.app;
    const now = clock.now();
    const minute = Math.floor(now.getTime() / 60_000);
    if ((await redis.set(this.key(`tick:${minute}`), '1', 'EX', 86_400, 'NX')) !== 'OK') return { status: 'skipped', reason: 'taken' };
    const lock = await tryLock(redis, this.key('lock'), LOCK_MS);
    if (!lock) return { status: 'skipped', reason: 'busy' };
    const heartbeat = setInterval(() => {
      lock.extend(LOCK_MS).catch((err: unknown) => log.warn({ err }, 'reminder tick: could not extend its lock'));
    }, HEARTBEAT_MS);
    heartbeat.unref();
    try {
      const last = Number(await redis.get(this.key('last-tick')));
      let from = Number.isFinite(last) && last > 0 ? last : now.getTime() - 60_000;
      if (from < now.getTime() - CATCH_UP_MS) {
        log.warn({ since: new Date(from).toISOString() }, 'reminders were stopped for more than a day; only the last day is caught up');
        from = now.getTime() - CATCH_UP_MS;
      }
      const days = sendDays(this.r, from, now.getTime());
      const counts: DayCounts = { reminders: 0, escalations: 0, news: 0 };
      for (const day of days) {
        const c = await dispatchDay(this.r, day, now);
        counts.reminders += c.reminders;
        counts.escalations += c.escalations;
        counts.news += c.news;
      }
      const snoozes = await dispatchSnoozes(this.r, now);
      await redis.set(this.key('last-tick'), String(now.getTime()));
      if (days.length || snoozes) log.info({ days, ...counts, snoozes }, 'reminders sent');
      return { status: 'done', from: new Date(from), to: now, days, counts, snoozes };
    } finally {
      clearInterval(heartbeat);
      await lock.release();
    }
  }

  start(): void {
    this.task = cron.schedule(
      '* * * * *',
      async () => {
        try {
          await this.tick();
        } catch (err) {
          // The next tick covers this one's window: nothing is lost.
          this.r.app.log.error({ err }, 'reminder tick failed');
        }
      },
      { timezone: TIME_ZONE, name: 'reminders', noOverlap: true },
    );
  }

  async stop(): Promise<void> {
    await this.task?.destroy();
    this.task = undefined;
  }
}

/** The days whose send time lies in (from, to]. */
export function sendDays(r: Pick<Reminders, 'app'>, from: number, to: number): string[] {
  const days: string[] = [];
  for (let day = addDays(vnDate(new Date(from)), -1); day <= vnDate(new Date(to)); day = addDays(day, 1)) {
    const at = sendInstant(r, day).getTime();
    if (at > from && at <= to) days.push(day);
  }
  return days;
}
