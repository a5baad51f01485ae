import { performance } from 'node:perf_hooks';
import type { Redis } from '../store/redis.js';
import { PAUSE_SLOTS, SLOT_CALLED, TAKE_SLOT } from './lua/send-slot.js';

/** A cap of `count` messages per `perMs`; `count: 0` means no cap. */
export interface Rate {
  count: number;
  perMs: number;
}

/**
 * Runs this much under the configured cap, so that timer jitter in the sending process never puts
 * more than the cap into any one-second (or one-minute) window as the platform counts it.
 */
export const HEADROOM = 0.99;

/**
 * Slots missed by up to this much (a busy event loop, a slow Redis reply) are still handed out, so a
 * short stall is caught up instead of lowering the rate; the log keeps the catch-up within the cap. An
 * idle channel gets no such head start.
 */
const CATCH_UP_MS = 100;

/** A send whose call never came (the process died in between) stops counting after this long. */
const IN_FLIGHT_MAX_MS = 10_000;

/** A slot: send now (say when the call is made, or give it back), or ask again in `waitMs`. */
export type Slot = { go: true; called(): void; giveBack(): Promise<void> } | { go: false; waitMs: number };

/** A slot of a channel without a cap: nothing to stamp or give back. */
const UNCAPPED: Slot = { go: true, called: () => undefined, giveBack: async () => undefined };

/**
 * A channel's one rate limiter, shared by every worker of every instance: slots spaced evenly a little
 * under the cap, and a log in Redis that counts each send from the moment its call was made, as the
 * platform counts it (a busy process may make a call well after it got its slot). A platform's "retry
 * after" holds every slot until it has passed.
 */
export class SendSlots {
  private readonly intervalUs: number;
  private readonly windowUs: number;
  private readonly state: string;
  private readonly log: string;
  private sends = 0;
  /** When the last "retry after" this process heard of ends (performance.now()). */
  private pausedUntil = 0;

  constructor(
    private readonly redis: Redis,
    /** The channel's keys are this plus a suffix; it carries the hash tag that keeps them in one slot. */
    key: string,
    private readonly rate: Rate,
  ) {
    this.intervalUs = (rate.perMs * 1000) / (rate.count * HEADROOM);
    // A little longer than the platform's window, so that a send right at its edge is not counted by
    // the platform in a window the log already let go of.
    this.windowUs = rate.perMs * 1000 * (2 - HEADROOM);
    this.state = `${key}:next`;
    this.log = `${key}:log`;
  }

  async take(): Promise<Slot> {
    // Without a cap only a "retry after" holds sends, and this process's own is all it knows of one.
    if (this.rate.count <= 0) {
      const held = this.pausedFor();
      return held > 0 ? { go: false, waitMs: held } : UNCAPPED;
    }
    const member = `${process.pid}:${++this.sends}:${Math.random().toString(36).slice(2, 8)}`;
    const args = [this.intervalUs, CATCH_UP_MS * 1000, this.windowUs, this.rate.count, member, IN_FLIGHT_MAX_MS * 1000];
    const us = Number(await TAKE_SLOT.run(this.redis, [this.state, this.log], args));
    if (us > 0) return { go: false, waitMs: Math.ceil(us / 1000) };
    return {
      go: true,
      // Not awaited: the call is already on its way. Until the stamp lands the send counts as in flight.
      called: () => void SLOT_CALLED.run(this.redis, [this.log], [member]).catch(() => undefined),
      giveBack: async () => void (await this.redis.zrem(this.log, member)),
    };
  }

  async pause(ms: number): Promise<void> {
    this.pausedUntil = Math.max(this.pausedUntil, performance.now() + ms);
    if (this.rate.count > 0) await PAUSE_SLOTS.run(this.redis, [this.state], [Math.ceil(ms)]);
  }

  /**
   * Ms left of a "retry after" this process heard of: looked at right before a call, since a slot
   * taken before the platform said it would only be refused too.
   */
  pausedFor(): number {
    return Math.max(0, Math.ceil(this.pausedUntil - performance.now()));
  }
}
