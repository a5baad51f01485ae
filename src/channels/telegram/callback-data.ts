import { createHash } from 'node:crypto';
import type { Redis } from '../../store/redis.js';

/** Telegram refuses a button whose callback_data is longer than this many bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;
/** Marks data that stands for a value kept in Redis; a value starting with it is always mapped. */
const MAPPED = '~';

/**
 * Choice values go into buttons as they are when they fit; a longer one (e.g. "/reported <long id>")
 * is kept in Redis under a short hash of itself, so the same value always maps to the same key and
 * re-rendering it costs one write, not one more key.
 */
export class CallbackData {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlS: number,
  ) {}

  private key(id: string): string {
    return `${this.prefix}tg:cb:${id}`;
  }

  async encode(value: string): Promise<string> {
    if (!value.startsWith(MAPPED) && Buffer.byteLength(value) <= CALLBACK_DATA_MAX_BYTES) return value;
    const id = createHash('sha256').update(value).digest('base64url').slice(0, 16);
    await this.redis.set(this.key(id), value, 'EX', this.ttlS);
    return MAPPED + id;
  }

  /** The value a pressed button stands for; undefined when a mapped value has expired. */
  async decode(data: string): Promise<string | undefined> {
    if (!data.startsWith(MAPPED)) return data;
    return (await this.redis.get(this.key(data.slice(MAPPED.length)))) ?? undefined;
  }
}
