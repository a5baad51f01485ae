import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { splitUserId, type ChannelName } from '../core/message.js';
import { DEFAULT_LANGUAGE, languageSchema, type Language } from '../i18n/index.js';
import { longNames, type StoredNames } from '../learning/records.js';
import type { Redis } from '../store/redis.js';
import { BUCKETS, bucketOf, personTag } from '../store/keys.js';
import { Script } from '../store/script.js';

/**
 * The record's fields as stored in the person's hash: short (everyone the bot met has one, and the hash
 * also holds the learning records, whose fields are `c`, `p?` and `<name>:...`). A record written with
 * the long names still reads; `npm run admin -- migrate` renames them.
 */
export const RECORD_NAMES: StoredNames = { lang: 'lg', firstSeen: 'f', lastSeen: 'l', inactive: 'i', optOut: 'o', area: 'a' };

/**
 * The stamp of a message on the person's record, as a Lua function for the script that ends a turn (the
 * session write) and for `seen`: `stamp(key, now, lang)` returns 1 when the record is new.
 */
export const STAMP_LUA = `
local function stamp(key, now, lang)
  local new = redis.call('HSETNX', key, '${RECORD_NAMES.firstSeen}', now)
  if lang == '${DEFAULT_LANGUAGE}' then
    redis.call('HSET', key, '${RECORD_NAMES.lastSeen}', now)
    redis.call('HDEL', key, '${RECORD_NAMES.lang}', '${RECORD_NAMES.inactive}')
  else
    redis.call('HSET', key, '${RECORD_NAMES.lastSeen}', now, '${RECORD_NAMES.lang}', lang)
    redis.call('HDEL', key, '${RECORD_NAMES.inactive}')
  end
  return new
end
`;

const SEEN = new Script('users_seen', 1, `${STAMP_LUA}
return stamp(KEYS[1], ARGV[1], ARGV[2])`);

const epochMs = z.coerce.number().int().nonnegative();

/**
 * What the bot keeps about everyone who wrote to it, for proactive messages and their limits: fields of
 * the person's hash `u:<user>`, which also holds the learning records (each erases only its own fields).
 */
export const userRecordSchema = z.object({
  /** Most people's language, the default, is left out of their record. */
  lang: languageSchema.default(DEFAULT_LANGUAGE),
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
    return `${this.prefix}u:${personTag(user)}`;
  }

  /** The person's record, for the session store that stamps it (STAMP_LUA) in its write. */
  recordKey(user: string): string {
    return this.key(user);
  }

  /** Everyone the bot has met, split into buckets: no single key holds the country. */
  private allKey(user: string): string {
    return `${this.prefix}users:${bucketOf(user)}`;
  }

  /**
   * A message from the person (the session store stamps it with the session write; tools and tests
   * call this): someone who writes again is reachable again. Only the person's own record is written:
   * the directory of everyone is added to when the record is new.
   */
  async seen(user: string, lang: Language): Promise<void> {
    if ((await SEEN.run(this.redis, [this.key(user)], [this.stampTime(), lang])) === 1) await this.added(user);
  }

  stampTime(): number {
    return this.clock.now().getTime();
  }

  /** Puts a person whose record was just made into the directory of everyone. */
  async added(user: string): Promise<void> {
    await this.redis.sadd(this.allKey(user), user);
  }

  async get(user: string): Promise<UserRecord | undefined> {
    const raw = longNames(await this.redis.hgetall(this.key(user)), RECORD_NAMES) as Record<string, string>;
    if (!raw.firstSeen) return undefined;
    const parsed = userRecordSchema.safeParse(raw);
    if (!parsed.success) return undefined;
    return { ...parsed.data, id: user, channel: splitUserId(user).channel };
  }

  private areaIndex(area: string): string {
    return `${this.prefix}area-users:${area}`;
  }

  /** The area the person's record names (under its long name when written before). */
  private async areaOf(user: string): Promise<string | undefined> {
    const [short, long] = await this.redis.hmget(this.key(user), RECORD_NAMES.area as string, 'area');
    return short ?? long ?? undefined;
  }

  /** Records where the person lives or works; indexed per area for audiences. */
  async setArea(user: string, area: string): Promise<void> {
    const previous = await this.areaOf(user);
    await this.redis.hset(this.key(user), RECORD_NAMES.area as string, area);
    // The indexes follow the person's record; `npm run admin -- repair indexes` redoes them from it.
    await Promise.all([previous && previous !== area ? this.redis.srem(this.areaIndex(previous), user) : undefined, this.redis.sadd(this.areaIndex(area), user)]);
  }

  /** People who gave exactly this area, page by page. */
  async *inAreaPages(area: string, count = 500): AsyncGenerator<string[]> {
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.sscan(this.areaIndex(area), cursor, 'COUNT', count);
      cursor = next;
      if (batch.length) yield batch;
    } while (cursor !== '0');
  }

  /** People who gave exactly this area. */
  async inArea(area: string): Promise<string[]> {
    return this.redis.smembers(this.areaIndex(area));
  }

  /** Repair: puts the person back in the index of the area their record names. */
  async reindex(user: string): Promise<void> {
    const area = await this.areaOf(user);
    if (area) await this.redis.sadd(this.areaIndex(area), user);
  }

  /** Repair: whether `user` belongs in the area index `key` (their record names that area). */
  async belongs(key: string, user: string): Promise<boolean> {
    return key === this.areaIndex((await this.areaOf(user)) ?? '');
  }

  /** The area indexes' name pattern, for the repair command. */
  get indexPattern(): string {
    return `${this.prefix}area-users:*`;
  }

  async markInactive(user: string, reason: string): Promise<void> {
    await this.redis.hset(this.key(user), RECORD_NAMES.inactive as string, reason);
  }

  async setOptOut(user: string, optOut: boolean): Promise<void> {
    if (optOut) await this.redis.hset(this.key(user), RECORD_NAMES.optOut as string, String(this.clock.now().getTime()));
    else await this.redis.hdel(this.key(user), RECORD_NAMES.optOut as string, 'optOut');
  }

  /** Everyone the bot has met, in pages, for audiences and statistics. */
  async *all(): AsyncGenerator<string[]> {
    for (let b = 0; b < BUCKETS; b++) {
      let cursor = '0';
      do {
        const [next, batch] = await this.redis.sscan(`${this.prefix}users:${b}`, cursor, 'COUNT', 500);
        cursor = next;
        if (batch.length) yield batch;
      } while (cursor !== '0');
    }
  }

  /** Only the directory's fields (short and long names): the person's hash also holds the learning records, which erase their own (at the same time). */
  async forget(user: string): Promise<void> {
    const area = await this.areaOf(user);
    await Promise.all([
      this.redis.hdel(this.key(user), ...Object.entries(RECORD_NAMES).flat()),
      this.redis.srem(this.allKey(user), user),
      area ? this.redis.srem(this.areaIndex(area), user) : undefined,
    ]);
  }
}
