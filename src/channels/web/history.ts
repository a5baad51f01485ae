import { z } from 'zod';
import { tryParseJson } from '../../core/json.js';
import { replySchema, type Reply } from '../../core/message.js';
import type { Redis } from '../../store/redis.js';
import type { WebKeys } from './keys.js';
import { Script } from '../../store/script.js';

/** The last messages a page can restore; older ones fall off. */
export const HISTORY_MAX = 200;

export const historyEntrySchema = replySchema.extend({
  from: z.enum(['user', 'bot']),
  at: z.number().int(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/** Appends entries, or replaces the entry at ARGV[2] (a negative index) with the first one; then trims and sets the TTL. */
const APPEND = new Script('history_append', 1, `
if ARGV[2] ~= '' then
  redis.call('lset', KEYS[1], tonumber(ARGV[2]), ARGV[4])
else
  for i = 4, #ARGV do redis.call('rpush', KEYS[1], ARGV[i]) end
  redis.call('ltrim', KEYS[1], -tonumber(ARGV[1]), -1)
end
redis.call('expire', KEYS[1], tonumber(ARGV[3]))
return 1
`);

/** A person's web conversation, kept as long as their session is. */
export class WebHistory {
  constructor(
    private readonly redis: Redis,
    private readonly keys: WebKeys,
    private readonly ttlSeconds: number,
  ) {}

  async list(user: string): Promise<HistoryEntry[]> {
    return this.read(user, 0);
  }

  /** The newest `count` entries, with their negative index (for replacing one in place). */
  async tail(user: string, count: number): Promise<HistoryEntry[]> {
    return this.read(user, -count);
  }

  private async read(user: string, from: number): Promise<HistoryEntry[]> {
    const raw = await this.redis.lrange(this.keys.history(user), from, -1);
    return raw.flatMap((r) => {
      const parsed = historyEntrySchema.safeParse(tryParseJson(r));
      return parsed.success ? [parsed.data] : [];
    });
  }

  async append(user: string, entries: HistoryEntry[], opts: { replaceIndex?: number } = {}): Promise<void> {
    if (!entries.length) return;
    await APPEND.run(this.redis, [this.keys.history(user)], [
      String(HISTORY_MAX),
      opts.replaceIndex === undefined ? '' : String(opts.replaceIndex),
      String(this.ttlSeconds),
      ...entries.map((e) => JSON.stringify(e)),
    ]);
  }

  async count(user: string): Promise<number> {
    return this.redis.llen(this.keys.history(user));
  }

  async erase(user: string): Promise<void> {
    await this.redis.del(this.keys.history(user));
  }
}

/**
 * What the history keeps of the bot's replies. A reply showing another person's data is kept as a
 * placeholder with its buttons only (labels carry no names), so the page still resumes at that question.
 */
export function botEntries(replies: Reply[], at: number): HistoryEntry[] {
  return replies.map((r) => (r.personal ? { text: '', ...(r.choices ? { choices: r.choices } : {}), personal: true, from: 'bot', at } : { ...r, from: 'bot', at }));
}

/**
 * The person's own message, unless they typed it and it was answered with someone else's data (an
 * officer's reason for returning a file may name its owner). A pressed button is kept: labels carry no names.
 */
export function userEntry(sent: HistoryEntry, typed: boolean, replies: Reply[]): HistoryEntry[] {
  return typed && replies.some((r) => r.personal) ? [] : [sent];
}
