import { performance } from 'node:perf_hooks';
import type { Redis } from '../store/redis.js';
import { Script } from '../store/script.js';

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
 * Hands out send slots spaced evenly in time (a GCRA: the key holds the next slot, in µs of Redis's
 * clock), shared by every worker of every instance. A slot further ahead than the lookahead is not
 * taken: the caller gives the job back instead of holding a worker while it waits.
 */
const RESERVE = new Script('gate_reserve', 1, `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local held = redis.call('GET', KEYS[1])
-- A channel at work catches up a short stall; an idle one (the key expired) starts evenly from now.
local tat = held and math.max(tonumber(held), now - tonumber(ARGV[3])) or now
local wait = math.max(0, tat - now)
if wait > tonumber(ARGV[2]) then return -math.floor(wait) end
local nxt = tat + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.0f', nxt), 'PX', math.ceil((nxt - now) / 1000) + 1000)
return math.floor(wait)`);

/** Moves the next slot to at least `ARGV[1]` ms from now (the platform said "retry after"). */
const PAUSE = new Script('gate_pause', 1, `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local untilUs = now + tonumber(ARGV[1]) * 1000
if tonumber(redis.call('GET', KEYS[1]) or '0') < untilUs then
  redis.call('SET', KEYS[1], string.format('%.0f', untilUs), 'PX', tonumber(ARGV[1]) + 1000)
end
return 1`);

/**
 * The strict check right before a send: at most `ARGV[2]` sends in any window of `ARGV[1]` µs, as a
 * log of send times. Returns 0 (go, logged) or the µs until the oldest send leaves the window.
 */
const ADMIT = new Script('gate_admit', 1, `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - window))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], string.format('%.0f', now), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, math.floor(tonumber(oldest[2]) + window - now))`);

export type Slot = { waitMs: number } | { deferMs: number };

/**
 * Slots missed by up to this much (a busy event loop, a slow Redis reply) are still handed out, so a
 * short stall is caught up instead of lowering the rate; the window checks keep the catch-up within
 * the cap. An idle channel gets no such head start.
 */
const CATCH_UP_MS = 100;

/** A send let through by SendWindow: in flight until the platform call has been made, then stamped with that time. */
export interface WindowEntry {
  at: number;
  called: boolean;
}

/** An entry whose call never came (the job failed in between) stops counting after this long. */
const IN_FLIGHT_MAX_MS = 10_000;

/**
 * This process's own sends in the last window, by its own clock at the moment of each platform call.
 * The Redis checks hold for every instance at the time of asking, but a busy event loop (or the OS)
 * can hold a process between asking and calling, then let several calls go at once; stamping each
 * send when its call is actually made keeps even those within the cap as the platform counts them.
 */
export class SendWindow {
  private entries: WindowEntry[] = [];
  private readonly windowMs: number;

  constructor(private readonly rate: Rate) {
    // A little longer than the platform's window, so that a send right at its edge is not counted by
    // the platform in the window this process already let go of.
    this.windowMs = rate.perMs * (2 - HEADROOM);
  }

  /** A place in the window (mark it `called` when the call is made), or how many ms to wait for one. */
  take(now = performance.now()): { entry: WindowEntry } | { waitMs: number } {
    this.entries = this.entries.filter((e) => e.at > now - this.windowMs - (e.called ? 0 : IN_FLIGHT_MAX_MS));
    if (this.entries.length < this.rate.count) {
      const entry = { at: now, called: false };
      this.entries.push(entry);
      return { entry };
    }
    const leaving = this.entries.filter((e) => e.called).map((e) => e.at + this.windowMs);
    // All in flight: their calls are being made right now.
    return { waitMs: leaving.length ? Math.max(1, Math.ceil(Math.min(...leaving) - now)) : 5 };
  }

  called(entry: WindowEntry, now = performance.now()): void {
    entry.at = now;
    entry.called = true;
  }
}

export class RateGate {
  private readonly intervalUs: number;
  readonly lookaheadMs: number;
  readonly local: SendWindow;
  private sends = 0;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly rate: Rate,
    /** Workers that may hold a slot at once: the lookahead covers them twice, within 1-5 s. */
    concurrency: number,
  ) {
    if (rate.count <= 0) throw new Error('a RateGate needs a cap');
    this.intervalUs = (rate.perMs * 1000) / (rate.count * HEADROOM);
    this.local = new SendWindow(rate);
    this.lookaheadMs = Math.min(5_000, Math.max(1_000, Math.ceil((2 * concurrency * this.intervalUs) / 1000)));
  }

  /** Takes the next slot: wait `waitMs` then send; or, when the channel is paused or busy that long ahead, defer. */
  async reserve(): Promise<Slot> {
    const us = Number(await RESERVE.run(this.redis, [this.key], [this.intervalUs, this.lookaheadMs * 1000, CATCH_UP_MS * 1000]));
    return us < 0 ? { deferMs: Math.ceil(-us / 1000) } : { waitMs: Math.ceil(us / 1000) };
  }

  /**
   * Even spacing alone lets late timers bunch sends up; this last check, right before the send, keeps
   * every window within the cap itself. 0: go; otherwise ms to wait before asking again.
   */
  async admit(): Promise<number> {
    const member = `${process.pid}:${++this.sends}:${Math.random().toString(36).slice(2, 8)}`;
    const us = Number(await ADMIT.run(this.redis, [`${this.key}:log`], [this.rate.perMs * 1000, this.rate.count, member]));
    return us === 0 ? 0 : Math.ceil(us / 1000);
  }

  async pause(ms: number): Promise<void> {
    await PAUSE.run(this.redis, [this.key], [Math.ceil(ms)]);
  }
}
