import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { splitUserId, type ChannelName } from '../core/message.js';
import { languageSchema, type Language } from '../i18n/index.js';
import type { Redis } from '../store/redis.js';

const epochMs = z.coerce.number().int().nonnegative();

/** What the bot keeps about everyone who wrote to it, for proactive messages and their limits. */
export const userRecordSchema = z.object({
  lang: languageSchema.default('vi'),
  firstSeen: epochMs,
  /** Last message from the person: Zalo may message them only within 7 days of it. */
  lastSeen: epochMs,
  /** Why proactive messages cannot reach them (blocked the bot, unfollowed the OA); cleared when they write again. */
  inactive: z.string().optional(),
  /** When they said /stop: no proactive message at all until they opt in again. */
  optOut: epochMs.optional(),
  /** The commune or province the person gave (registration, news sign-up): audiences are chosen by it. */
  area: z.string().optional(),
});
export type UserRecord = z.infer<typeof userRecordSchema> & { id: string; channel: ChannelName };

export class UserDirectory {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: Clock,
  ) {}

  private key(user: string): string {
    return `${this.prefix}u:${user}`;
  }

  private get allKey(): string {
    return `${this.prefix}users`;
  }

  /** Called for every inbound message; someone who writes again is reachable again. */
  async seen(user: string, lang: Language): Promise<void> {
    const now = String(this.clock.now().getTime());
    // Not a transaction: each write stands alone and the next message repeats it, and plain commands
    // share socket writes with other messages' commands (the client auto-pipelines; a MULTI would not).
    await Promise.all([
      this.redis.hsetnx(this.key(user), 'firstSeen', now),
      this.redis.hset(this.key(user), 'lastSeen', now, 'lang', lang),
      this.redis.hdel(this.key(user), 'inactive'),
      this.redis.sadd(this.allKey, user),
    ]);
  }

  async get(user: string): Promise<UserRecord | undefined> {
    const raw = await this.redis.hgetall(this.key(user));
    if (!raw.firstSeen) return undefined;
    const parsed = userRecordSchema.safeParse(raw);
    if (!parsed.success) return undefined;
    return { ...parsed.data, id: user, channel: splitUserId(user).channel };
  }

  private areaIndex(area: string): string {
    return `${this.prefix}area-users:${area}`;
  }

  /** Records where the person lives or works; indexed per area for audiences. */
  async setArea(user: string, area: string): Promise<void> {
    const previous = await this.redis.hget(this.key(user), 'area');
    const tx = this.redis.multi();
    if (previous && previous !== area) tx.srem(this.areaIndex(previous), user);
    await tx.hset(this.key(user), 'area', area).sadd(this.areaIndex(area), user).exec();
  }

  /** People who gave exactly this area. */
  async inArea(area: string): Promise<string[]> {
    return this.redis.smembers(this.areaIndex(area));
  }

  async markInactive(user: string, reason: string): Promise<void> {
    await this.redis.hset(this.key(user), 'inactive', reason);
  }

  async setOptOut(user: string, optOut: boolean): Promise<void> {
    if (optOut) await this.redis.hset(this.key(user), 'optOut', String(this.clock.now().getTime()));
    else await this.redis.hdel(this.key(user), 'optOut');
  }

  /** Everyone the bot has met, in pages, for audiences and statistics. */
  async *all(): AsyncGenerator<string[]> {
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.sscan(this.allKey, cursor, 'COUNT', 500);
      cursor = next;
      if (batch.length) yield batch;
    } while (cursor !== '0');
  }

  async forget(user: string): Promise<void> {
    const area = await this.redis.hget(this.key(user), 'area');
    const tx = this.redis.multi().del(this.key(user)).srem(this.allKey, user);
    if (area) tx.srem(this.areaIndex(area), user);
    await tx.exec();
  }
}
