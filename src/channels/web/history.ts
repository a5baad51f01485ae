import { z } from 'zod';
import { tryParseJson } from '../../core/json.js';
import { replySchema, type Reply } from '../../core/message.js';
import type { Redis } from '../../store/redis.js';
import type { WebKeys } from './keys.js';

/** The last messages a page can restore; older ones fall off. */
export const HISTORY_MAX = 200;

export const historyEntrySchema = replySchema.extend({
  from: z.enum(['user', 'bot']),
  at: z.number().int(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/**
 * Appends entries, or replaces the entry at ARGV[3] (a negative index) with the first one. With
 * ARGV[1] = "1" nothing is written unless the list still exists: a message that erased the person's data
 * (/deletedata) must not leave its own exchange behind.
 */
const APPEND = `
if ARGV[1] == '1' and redis.call('exists', KEYS[1]) == 0 then return 0 end
if ARGV[3] ~= '' then
  redis.call('lset', KEYS[1], tonumber(ARGV[3]), ARGV[5])
else
  for i = 5, #ARGV do redis.call('rpush', KEYS[1], ARGV[i]) end
  redis.call('ltrim', KEYS[1], -tonumber(ARGV[2]), -1)
end
redis.call('expire', KEYS[1], tonumber(ARGV[4]))
return 1
`;

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

  async exists(user: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.history(user))) === 1;
  }

  /** `onlyIfKept`: write only if the list still exists (it did when the exchange began). */
  async append(user: string, entries: HistoryEntry[], opts: { onlyIfKept?: boolean; replaceIndex?: number } = {}): Promise<void> {
    if (!entries.length) return;
    await this.redis.eval(
      APPEND,
      1,
      this.keys.history(user),
      opts.onlyIfKept ? '1' : '0',
      String(HISTORY_MAX),
      opts.replaceIndex === undefined ? '' : String(opts.replaceIndex),
      String(this.ttlSeconds),
      ...entries.map((e) => JSON.stringify(e)),
    );
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

/** The person's own message, unless it was answered with someone else's data (an officer's reason for returning a file may name its owner). */
export function userEntry(sent: HistoryEntry, replies: Reply[]): HistoryEntry[] {
  return replies.some((r) => r.personal) ? [] : [sent];
}
