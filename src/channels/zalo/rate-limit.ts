import type { Redis } from '../../store/redis.js';

/** A lease is this share of the minute's quota: what an instance may leave unused when the minute ends. */
const LEASE_SHARE = 1 / 50;

/**
 * At most `perMinute` calls in each clock minute, counted in Redis so that every instance shares the
 * one per-app quota Zalo enforces. An instance takes the quota in small leases (a fiftieth of it), so
 * that a message costs no write to the shared counter: one in every few dozen does.
 */
export class MinuteRateLimit {
  private readonly lease: number;
  private held = { minute: -1, left: 0 };

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly perMinute: number,
  ) {
    this.lease = Math.max(1, Math.floor(perMinute * LEASE_SHARE));
  }

  /** Takes `n` calls from this minute: 0 when allowed, else how many ms until the next minute. */
  async take(n = 1): Promise<number> {
    const now = Date.now();
    const minute = Math.floor(now / 60_000);
    if (this.held.minute === minute && this.held.left >= n) {
      this.held.left -= n;
      return 0;
    }
    const want = Math.max(n, this.lease);
    const key = `${this.prefix}zalo:rate:${minute}`;
    const results = await this.redis.multi().incrby(key, want).expire(key, 120).exec();
    const count = Number(results?.[0]?.[1]);
    // What was left of the minute's quota before this lease; the rest is given back, so that waiting
    // callers and other instances do not lose next minute's share.
    const granted = Math.min(want, Math.max(0, this.perMinute - (count - want)));
    if (granted < want) await this.redis.decrby(key, want - granted);
    if (granted < n) {
      this.held = { minute, left: granted };
      return (minute + 1) * 60_000 - now;
    }
    this.held = { minute, left: granted - n };
    return 0;
  }
}
