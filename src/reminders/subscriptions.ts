import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { Redis } from '../store/redis.js';
import { parseUnitKey, unitKey, type UnitRef } from './calendar.js';

const subscriptionSchema = z.object({ kind: z.string().min(1), area: z.string().min(1), since: z.coerce.number().int() });
export type Subscription = z.infer<typeof subscriptionSchema>;

/**
 * Who hears what: officers subscribed to their unit's deadlines (indexed per unit, so a tick reads only
 * the units that someone listens to), and citizens who asked for Lifelong Learning Week news.
 */
export class Subscriptions {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: Clock,
  ) {}

  private subKey(user: string) {
    return `${this.prefix}rem:sub:${user}`;
  }
  private get unitsKey() {
    return `${this.prefix}rem:units`;
  }
  private unitMembersKey(unit: UnitRef) {
    return `${this.prefix}rem:unit:${unitKey(unit)}`;
  }
  private get newsKey() {
    return `${this.prefix}rem:news`;
  }
  private get declinedKey() {
    return `${this.prefix}rem:news-declined`;
  }

  /** One unit per officer: subscribing again moves them. */
  async subscribe(user: string, unit: UnitRef): Promise<void> {
    await this.unsubscribe(user);
    await this.redis
      .multi()
      .hset(this.subKey(user), 'kind', unit.kind, 'area', unit.area, 'since', String(this.clock.now().getTime()))
      .sadd(this.unitMembersKey(unit), user)
      .sadd(this.unitsKey, unitKey(unit))
      .exec();
  }

  async unsubscribe(user: string): Promise<void> {
    const current = await this.of(user);
    if (!current) {
      await this.redis.del(this.subKey(user));
      return;
    }
    await this.redis.multi().del(this.subKey(user)).srem(this.unitMembersKey(current), user).exec();
    // A unit nobody listens to any more drops out of the tick's list.
    if ((await this.redis.scard(this.unitMembersKey(current))) === 0) await this.redis.srem(this.unitsKey, unitKey(current));
  }

  async of(user: string): Promise<Subscription | undefined> {
    const parsed = subscriptionSchema.safeParse(await this.redis.hgetall(this.subKey(user)));
    return parsed.success ? parsed.data : undefined;
  }

  /** Every unit with at least one subscribed officer. */
  async units(): Promise<UnitRef[]> {
    return (await this.redis.smembers(this.unitsKey)).flatMap((k) => parseUnitKey(k) ?? []);
  }

  async members(unit: UnitRef): Promise<string[]> {
    return this.redis.smembers(this.unitMembersKey(unit));
  }

  async subscribeNews(user: string): Promise<void> {
    await this.redis.multi().hsetnx(this.newsKey, user, String(this.clock.now().getTime())).hdel(this.declinedKey, user).exec();
  }

  /** Off, and said so: the offer after /start is not repeated (see declinedAt). */
  async unsubscribeNews(user: string): Promise<void> {
    await this.redis.multi().hdel(this.newsKey, user).hset(this.declinedKey, user, String(this.clock.now().getTime())).exec();
  }

  /** When they last said no to the news, or undefined. */
  async declinedAt(user: string): Promise<number | undefined> {
    const raw = await this.redis.hget(this.declinedKey, user);
    const at = Number(raw);
    return raw !== null && Number.isFinite(at) ? at : undefined;
  }

  /** When they asked for news, or undefined. */
  async newsSince(user: string): Promise<number | undefined> {
    const raw = await this.redis.hget(this.newsKey, user);
    const since = Number(raw);
    return raw !== null && Number.isFinite(since) ? since : undefined;
  }

  /** News subscribers in pages. */
  async *newsSubscribers(): AsyncGenerator<string[]> {
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(this.newsKey, cursor, 'COUNT', 500);
      cursor = next;
      const users = flat.filter((_, i) => i % 2 === 0);
      if (users.length) yield users;
    } while (cursor !== '0');
  }

  async forget(user: string): Promise<void> {
    await this.unsubscribe(user);
    await this.redis.multi().hdel(this.newsKey, user).hdel(this.declinedKey, user).exec();
  }
}
