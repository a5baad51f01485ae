import { performance } from 'node:perf_hooks';
import type { ChannelSender, DeliveryOutcome } from '../../src/core/delivery.js';
import type { ChannelName, Reply } from '../../src/core/message.js';

export interface FakeChannelOptions {
  /** Refuses (429, retry after 1 s) a send that would put more than this many into any 1-second window. */
  capPerSecond?: number;
  /** Answers instead of the platform for some calls (the n-th call, counting from 1): 429, 403... */
  respond?(nativeId: string, call: number): DeliveryOutcome | undefined;
  /** Also told of every accepted send (e.g. to record it where another process can see it). */
  onSent?(nativeId: string): Promise<void>;
}

/**
 * A platform that only counts: who got how many copies, when, and what they read. Registered in
 * app.senders under a real channel name in place of Telegram, Zalo or the web inbox.
 */
export class FakeChannel implements ChannelSender {
  readonly got = new Map<string, number>();
  readonly last = new Map<string, Reply[]>();
  /** performance.now() of each accepted send, in order. */
  readonly times: number[] = [];
  calls = 0;
  refusedForCap = 0;
  private windowStart = 0;

  constructor(
    readonly channel: ChannelName = 'telegram',
    private readonly opts: FakeChannelOptions = {},
  ) {}

  async send(nativeId: string, replies: Reply[]): Promise<DeliveryOutcome> {
    const call = ++this.calls;
    const scripted = this.opts.respond?.(nativeId, call);
    if (scripted) return scripted;
    const now = performance.now();
    if (this.opts.capPerSecond) {
      while (this.windowStart < this.times.length && (this.times[this.windowStart] as number) <= now - 1000) this.windowStart++;
      if (this.times.length - this.windowStart >= this.opts.capPerSecond) {
        this.refusedForCap++;
        return { status: 'retry', afterMs: 1000, reason: '429 Too Many Requests (fake)' };
      }
    }
    this.times.push(now);
    this.got.set(nativeId, (this.got.get(nativeId) ?? 0) + 1);
    this.last.set(nativeId, replies);
    await this.opts.onSent?.(nativeId);
    return { status: 'sent' };
  }

  /** People who got more than one copy. */
  duplicates(): string[] {
    return [...this.got].filter(([, n]) => n > 1).map(([id]) => id);
  }

  /** The most messages accepted in any 1-second window. */
  maxInAnySecond(): number {
    let best = 0;
    let j = 0;
    for (let i = 0; i < this.times.length; i++) {
      while (j < this.times.length && (this.times[j] as number) < (this.times[i] as number) + 1000) j++;
      best = Math.max(best, j - i);
    }
    return best;
  }
}
