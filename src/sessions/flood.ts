import { personTag } from '../store/keys.js';

/** A token bucket per person: short bursts pass (a pasted list, quick button taps), a flood does not. */
export interface ThrottleOptions {
  /** Messages that may arrive at once. */
  burst: number;
  /** Messages per second that refill the bucket. */
  perSecond: number;
}

export type ThrottleVerdict = 'pass' | 'notify' | 'drop';

/** The verdicts as the Redis scripts number them. */
export const VERDICTS: readonly ThrottleVerdict[] = ['pass', 'notify', 'drop'];

export function floodKey(prefix: string, user: string): string {
  return `${prefix}flood:${personTag(user)}`;
}

/**
 * The bucket in Redis, in the person's slot, shared by every instance: N instances behind a load
 * balancer still give a person one allowance. Redis's clock, so instances' clocks need not agree. A
 * Lua function for the script that opens a person's turn (one round trip for limit, lock and session):
 * `flood(key, burst, perSecond, now)` (now in ms, from TIME) returns 0 pass, 1 notify, 2 drop. The bucket is a listpack hash of
 * tokens, time and whether this flood was told.
 */
export const FLOOD_LUA = `
local function flood(key, burst, rate, now)
  local b = redis.call('HMGET', key, 'n', 'at', 'told')
  local tokens = tonumber(b[1]) or burst
  local at = tonumber(b[2]) or now
  local told = b[3] == '1'
  tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
  if tokens >= burst then told = false end
  local verdict = 0
  if tokens >= 1 then tokens = tokens - 1
  elseif told then verdict = 2
  else verdict = 1; told = true end
  redis.call('HSET', key, 'n', tostring(tokens), 'at', now, 'told', told and '1' or '0')
  redis.call('PEXPIRE', key, math.ceil(burst / rate * 1000) + 1000)
  return verdict
end
`;

interface Bucket {
  tokens: number;
  at: number;
  /**
   * Whether this flood has been told already: one notice per flood, not one per message. A sustained
   * flood still gets a message through at each refill; the flood ends only when the bucket is full again.
   */
  told: boolean;
}

const SWEEP_AT = 10_000;

/** The same bucket kept in this process, for a bot without Redis (one process, nothing to share). */
export class LocalThrottle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly opts: ThrottleOptions) {}

  take(key: string, now: number): ThrottleVerdict {
    const b = this.buckets.get(key) ?? { tokens: this.opts.burst, at: now, told: false };
    b.tokens = Math.min(this.opts.burst, b.tokens + ((now - b.at) / 1000) * this.opts.perSecond);
    b.at = now;
    if (b.tokens >= this.opts.burst) b.told = false;
    let verdict: ThrottleVerdict;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      verdict = 'pass';
    } else {
      verdict = b.told ? 'drop' : 'notify';
      b.told = true;
    }
    this.buckets.set(key, b);
    if (this.buckets.size > SWEEP_AT) this.sweep(now);
    return verdict;
  }

  /** Forgets people whose bucket has refilled: they cost nothing until they write again. */
  private sweep(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.opts.perSecond >= this.opts.burst) this.buckets.delete(key);
    }
  }
}
