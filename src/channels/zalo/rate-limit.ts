import type { Redis } from '../../store/redis.js';

/**
 * At most `perMinute` calls in each clock minute, counted in Redis so that every instance shares
 * the one per-app quota Zalo enforces.
 */
export class MinuteRateLimit {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly perMinute: number,
  ) {}

  /** Takes `n` calls from this minute: 0 when allowed, else how many ms until the next minute. */
  async take(n = 1): Promise<number> {
    const now = Date.now();
    const minute = Math.floor(now / 60_000);
    const key = `${this.prefix}zalo:rate:${minute}`;
    const results = await this.redis.multi().incrby(key, n).expire(key, 120).exec();
    const count = Number(results?.[0]?.[1]);
    if (count <= this.perMinute) return 0;
    // Give back what was not used, so waiting callers do not eat next minute's share.
    await this.redis.decrby(key, n);
    return (minute + 1) * 60_000 - now;
  }
}
