import { z } from 'zod';
import { tryParseJson } from '../core/json.js';
import type { Redis } from '../store/redis.js';
import { personTag } from '../store/keys.js';
import { unitKey, type UnitRef } from './calendar.js';

/** A "reported" mark outlives its deadline long enough for the overdue notes and the calendar. */
const REPORTED_TTL_S = 400 * 86_400;
/** How long "Đã nộp" / "Nhắc lại sau" typed as words refer to a reminder. */
const RECENT_MS = 8 * 86_400_000;

/** Only when: who pressed it is not kept, so the mark holds no personal data. */
const reportedSchema = z.object({ at: z.number().int() });
export type Reported = z.infer<typeof reportedSchema>;

export interface Snooze {
  occurrence: string;
  user: string;
  at: number;
}

/** Where a unit stands on one deadline: "Đã nộp" pressed, and the first "Nhắc lại sau" (each a time, epoch ms). */
export interface UnitMarks {
  reported?: Reported;
  snoozed?: Reported;
}

/**
 * What officers said about reminders: reported (per unit), remind me tomorrow (per person, until it is
 * sent again) and that someone of the unit asked so (per unit, kept like "reported": the board counts
 * the reminder seen).
 */
export class Marks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private reportedKey(occurrence: string, unit: UnitRef) {
    // Tagged by unit: a unit's marks share a slot, so one MGET reads them on a cluster.
    return `${this.prefix}rem:done:${occurrence}:{${unitKey(unit)}}`;
  }
  private snoozedKey(occurrence: string, unit: UnitRef) {
    // Beside the unit's "reported" mark, in its slot.
    return `${this.prefix}rem:seen:${occurrence}:{${unitKey(unit)}}`;
  }
  private get snoozesKey() {
    return `${this.prefix}rem:snoozes`;
  }
  private recentKey(user: string) {
    return `${this.prefix}rem:recent:${personTag(user)}`;
  }

  /** Marks the unit's occurrence reported; false when someone had already done so. */
  async markReported(occurrence: string, unit: UnitRef, at: number): Promise<boolean> {
    const ok = await this.redis.set(this.reportedKey(occurrence, unit), JSON.stringify({ at }), 'EX', REPORTED_TTL_S, 'NX');
    return ok === 'OK';
  }

  async reported(occurrence: string, unit: UnitRef): Promise<Reported | undefined> {
    const parsed = reportedSchema.safeParse(tryParseJson(await this.redis.get(this.reportedKey(occurrence, unit))));
    return parsed.success ? parsed.data : undefined;
  }

  /** Which of these occurrences the unit has reported, in one round trip. */
  async reportedSet(occurrences: string[], unit: UnitRef): Promise<Set<string>> {
    if (!occurrences.length) return new Set();
    const values = await this.redis.mget(occurrences.map((o) => this.reportedKey(o, unit)));
    return new Set(occurrences.filter((_, i) => values[i] !== null));
  }

  /** `user` of `unit` asks to hear of the occurrence again at `until`; pressed at `now`. */
  async snooze(occurrence: string, user: string, unit: UnitRef, until: number, now: number): Promise<void> {
    await Promise.all([
      this.redis.zadd(this.snoozesKey, until, `${occurrence}|${user}`),
      this.redis.set(this.snoozedKey(occurrence, unit), JSON.stringify({ at: now }), 'EX', REPORTED_TTL_S, 'NX'),
    ]);
  }

  /** The unit's marks on one occurrence, in one round trip. */
  async ofUnit(occurrence: string, unit: UnitRef): Promise<UnitMarks> {
    const [reported, snoozed] = (await this.redis.mget(this.reportedKey(occurrence, unit), this.snoozedKey(occurrence, unit))).map((v) => {
      const parsed = reportedSchema.safeParse(tryParseJson(v));
      return parsed.success ? parsed.data : undefined;
    });
    return { ...(reported ? { reported } : {}), ...(snoozed ? { snoozed } : {}) };
  }

  /** Snoozes due by `until`, oldest first. */
  async dueSnoozes(until: number): Promise<Snooze[]> {
    const flat = await this.redis.zrangebyscore(this.snoozesKey, '-inf', until, 'WITHSCORES');
    const out: Snooze[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const member = flat[i] as string;
      const bar = member.indexOf('|');
      if (bar > 0) out.push({ occurrence: member.slice(0, bar), user: member.slice(bar + 1), at: Number(flat[i + 1]) });
    }
    return out;
  }

  async clearSnooze(s: Pick<Snooze, 'occurrence' | 'user'>): Promise<void> {
    await this.redis.zrem(this.snoozesKey, `${s.occurrence}|${s.user}`);
  }

  /** Notes that the person was reminded of the occurrence at `at` (epoch ms), forgetting reminders too old to answer in words. */
  async reminded(user: string, occurrence: string, at: number): Promise<void> {
    const key = this.recentKey(user);
    await this.redis
      .multi()
      .zadd(key, at, occurrence)
      .zremrangebyscore(key, '-inf', at - RECENT_MS)
      .pexpire(key, RECENT_MS)
      .exec();
  }

  /** The occurrences the person was reminded of in the last days, the latest first. */
  async recent(user: string, now: number): Promise<string[]> {
    return this.redis.zrevrangebyscore(this.recentKey(user), '+inf', now - RECENT_MS);
  }

  /** Erases a person's snoozes and recent reminders; "reported" marks belong to the unit. */
  async forget(user: string): Promise<void> {
    const mine = (await this.redis.zrange(this.snoozesKey, 0, -1)).filter((m) => m.endsWith(`|${user}`));
    // rem:last held the one latest reminder before rem:recent; it expires within 8 days of the upgrade.
    await Promise.all([this.redis.del(this.recentKey(user)), this.redis.del(`${this.prefix}rem:last:${user}`), mine.length ? this.redis.zrem(this.snoozesKey, ...mine) : undefined]);
  }

  async snoozesOf(user: string): Promise<string[]> {
    return (await this.redis.zrange(this.snoozesKey, 0, -1)).filter((m) => m.endsWith(`|${user}`)).map((m) => m.slice(0, m.indexOf('|')));
  }
}
