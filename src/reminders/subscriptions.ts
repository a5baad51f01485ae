import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { Redis } from '../store/redis.js';
import { BUCKETS, bucketOf, personTag } from '../store/keys.js';
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
    return `${this.prefix}rem:sub:${personTag(user)}`;
  }
  private get unitsKey() {
    return `${this.prefix}rem:units`;
  }
  private unitMembersKey(unit: UnitRef) {
    return `${this.prefix}rem:unit:${unitKey(unit)}`;
  }
  /** News subscribers and those who said no, split into buckets; a bucket's two hashes share a slot. */
  private newsKey(user: string, bucket = bucketOf(user)) {
    return `${this.prefix}rem:news:{n${bucket}}`;
  }
  private declinedKey(user: string) {
    return `${this.prefix}rem:news-declined:{n${bucketOf(user)}}`;
  }

  /** One unit per officer: subscribing again moves them. */
  async subscribe(user: string, unit: UnitRef): Promise<void> {
    await this.unsubscribe(user);
    await this.redis.hset(this.subKey(user), 'kind', unit.kind, 'area', unit.area, 'since', String(this.clock.now().getTime()));
    // The unit's indexes follow the person's subscription; `npm run admin -- repair indexes` redoes them.
    await Promise.all([this.redis.sadd(this.unitMembersKey(unit), user), this.redis.sadd(this.unitsKey, unitKey(unit))]);
  }

  async unsubscribe(user: string): Promise<void> {
    const current = await this.of(user);
    if (!current) {
      await this.redis.del(this.subKey(user));
      return;
    }
    await this.redis.del(this.subKey(user));
    await this.redis.srem(this.unitMembersKey(current), user);
    // A unit nobody listens to any more drops out of the tick's list.
    if ((await this.redis.scard(this.unitMembersKey(current))) === 0) await this.redis.srem(this.unitsKey, unitKey(current));
  }

  /** Repair: puts the person's subscription back in its unit's indexes. */
  async reindex(user: string): Promise<void> {
    const sub = await this.of(user);
    if (sub) await Promise.all([this.redis.sadd(this.unitMembersKey(sub), user), this.redis.sadd(this.unitsKey, unitKey(sub))]);
  }

  /** Repair: whether `user` belongs in the unit members index `key`. */
  async belongs(key: string, user: string): Promise<boolean> {
    const sub = await this.of(user);
    return !!sub && this.unitMembersKey(sub) === key;
  }

  get indexPattern(): string {
    return `${this.prefix}rem:unit:*`;
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
    await this.redis.multi().hsetnx(this.newsKey(user), user, String(this.clock.now().getTime())).hdel(this.declinedKey(user), user).exec();
  }

  /** Off, and said so: the offer after /start is not repeated (see declinedAt). */
  async unsubscribeNews(user: string): Promise<void> {
    await this.redis.multi().hdel(this.newsKey(user), user).hset(this.declinedKey(user), user, String(this.clock.now().getTime())).exec();
  }

  /** When they last said no to the news, or undefined. */
  async declinedAt(user: string): Promise<number | undefined> {
    const raw = await this.redis.hget(this.declinedKey(user), user);
    const at = Number(raw);
    return raw !== null && Number.isFinite(at) ? at : undefined;
  }

  /** When they asked for news, or undefined. */
  async newsSince(user: string): Promise<number | undefined> {
    const raw = await this.redis.hget(this.newsKey(user), user);
    const since = Number(raw);
    return raw !== null && Number.isFinite(since) ? since : undefined;
  }

  /** News subscribers in pages, bucket by bucket. */
  async *newsSubscribers(): AsyncGenerator<string[]> {
    for (let b = 0; b < BUCKETS; b++) {
      let cursor = '0';
      do {
        const [next, flat] = await this.redis.hscan(this.newsKey('', b), cursor, 'COUNT', 500);
        cursor = next;
        const users = flat.filter((_, i) => i % 2 === 0);
        if (users.length) yield users;
      } while (cursor !== '0');
    }
  }

  async forget(user: string): Promise<void> {
    await this.unsubscribe(user);
    await this.redis.multi().hdel(this.newsKey(user), user).hdel(this.declinedKey(user), user).exec();
  }
}
