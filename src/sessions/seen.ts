import type { Redis } from '../store/redis.js';
import { personTag } from '../store/keys.js';
import { Script } from '../store/script.js';

/**
 * Platform updates a person sent lately (Telegram update ids, Zalo message ids), so that a second
 * delivery is dropped: one sorted set in the person's slot, scored by when each was seen, so that the
 * mark is set in the script that opens their turn and `/deletedata` erases one key it can name.
 */
export function seenKey(prefix: string, user: string): string {
  return `${prefix}seen:${personTag(user)}`;
}

/** An update to mark seen: its id in the person's set, kept `ttlS` seconds. */
export interface SeenMark {
  key: string;
  id: string;
  ttlS: number;
}

/**
 * `seen(key, id, ttl, now)` (now in seconds, from TIME): true when the update was marked before;
 * otherwise marks it and returns false. Entries older than `ttl` go as new ones come, so the set stays
 * the size of a day's messages. Redis's clock, so instances' clocks need not agree. ZADD NX comes first
 * and is the test itself: on a Redis that is full it is refused before the script has written anything
 * (after a first write, Redis lets a script go on), so the turn does not open and the platform is asked
 * to deliver again.
 */
export const SEEN_LUA = `
local function seen(key, id, ttl, now)
  if redis.call('ZADD', key, 'NX', now, id) == 0 then return true end
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - ttl)
  redis.call('EXPIRE', key, ttl)
  return false
end
`;

const MARK_SEEN = new Script('seen_mark', 1, `${SEEN_LUA}
return seen(KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(redis.call('TIME')[1])) and 0 or 1`);

/** Marks an update that opens no turn (a block, a button that expired); false when it was seen before. */
export async function markSeen(redis: Redis, mark: SeenMark): Promise<boolean> {
  return (await MARK_SEEN.run(redis, [mark.key], [mark.id, mark.ttlS])) === 1;
}

/** Takes a mark back, for a turn that failed: the platform's redelivery is then handled. */
export async function unmarkSeen(redis: Redis, mark: SeenMark): Promise<void> {
  await redis.zrem(mark.key, mark.id);
}
