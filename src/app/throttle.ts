/**
 * A token bucket per person: short bursts pass (a pasted list, quick button taps), a flood does not.
 * Kept in this process: it protects this instance's Redis round trips and other people's latency.
 */
export interface ThrottleOptions {
  /** Messages that may arrive at once. */
  burst: number;
  /** Messages per second that refill the bucket. */
  perSecond: number;
}

export type ThrottleVerdict = 'pass' | 'notify' | 'drop';

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

export class Throttle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly opts: ThrottleOptions) {}

  check(key: string, now: number): ThrottleVerdict {
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
