import type { Clock } from '../core/clock.js';
import { KeyedQueue } from './keyed-queue.js';
import { decodeSession, encodeSession, type LoadedSession } from './session.js';
import { transactByTurn, type SessionStore, type SessionUpdate, type StampedDirectory, type TurnOptions, type TurnOutcome, type TurnReader } from './store.js';
import { LocalThrottle } from './flood.js';

interface Entry {
  raw: string;
  expiresAt: number;
}

/** For running without Redis: same contract, kept in this process only (lost on restart). */
export class MemorySessionStore implements SessionStore {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Entry>();
  /** What the Redis store's lock does: no two turns of a person at once (the bot orders them, not this). */
  private readonly queue = new KeyedQueue();
  private throttle?: LocalThrottle;
  /** Updates seen (TurnOptions.once), with when their mark expires; in order of expiry while their TTL is one. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
    private readonly directory?: StampedDirectory,
  ) {}

  /** Sessions held, including expired ones not swept yet. */
  get size(): number {
    return this.entries.size;
  }

  /** Test hook and corruption drill: store raw text as if another version had written it. */
  putRaw(user: string, raw: string): void {
    const now = this.clock.now().getTime();
    this.sweep(now);
    // Moved to the end: with one TTL for all, the map stays in order of expiry.
    this.entries.delete(user);
    this.entries.set(user, { raw, expiresAt: now + this.ttlMs });
  }

  /**
   * Expired sessions of people who never came back are dropped here, not only when read, so a
   * long-running process holds the visitors of the last TTL rather than everyone since it started.
   * Each write drops what expired before it, stopping at the first live session: no timer to stop.
   */
  private sweep(now: number): void {
    for (const [user, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(user);
    }
  }

  private read(user: string): LoadedSession {
    const entry = this.entries.get(user);
    if (entry && entry.expiresAt <= this.clock.now().getTime()) {
      this.entries.delete(user);
      return { kind: 'none' };
    }
    return decodeSession(entry?.raw);
  }

  async get(user: string): Promise<LoadedSession> {
    return this.read(user);
  }

  transact<T>(user: string, fn: (current: LoadedSession) => Promise<SessionUpdate<T>>): Promise<T> {
    return transactByTurn(this, user, fn);
  }

  /** Whether an update is new, marking it seen; expired marks go first, as sessions do. */
  private firstSeen(key: string, ttlS: number): boolean {
    const now = Date.now();
    for (const [k, expiresAt] of this.seen) {
      if (expiresAt > now) break;
      this.seen.delete(k);
    }
    if (this.seen.has(key)) return false;
    this.seen.set(key, now + ttlS * 1000);
    return true;
  }

  /** Reads no other hash (`alsoRead`) nor looks for keys (`lookFor`): the turn looks up what it needs itself. */
  turn<T>(user: string, opts: TurnOptions, fn: TurnReader<T>): Promise<TurnOutcome<T>> {
    if (opts.once && !this.firstSeen(`${opts.once.key} ${opts.once.id}`, opts.once.ttlS)) return Promise.resolve({ verdict: 'repeat' });
    if (opts.flood) {
      // Wall-clock time: a flood is about how fast messages arrive, not about the business calendar.
      const verdict = (this.throttle ??= new LocalThrottle(opts.flood)).take(user, Date.now());
      if (verdict !== 'pass') return Promise.resolve({ verdict });
    }
    return this.queue.run(user, async () => {
      // As in Redis: a turn that failed takes its seen mark back, so that a redelivery is handled.
      const { session, result } = await fn(this.read(user), {}).catch((err: unknown) => {
        if (opts.once) this.seen.delete(`${opts.once.key} ${opts.once.id}`);
        throw err;
      });
      if (session) this.putRaw(user, encodeSession(session));
      else this.entries.delete(user);
      if (session && opts.stamp) await this.directory?.seen(user, session.lang);
      return { verdict: 'pass' as const, result };
    });
  }

  async delete(user: string): Promise<void> {
    await this.queue.run(user, async () => {
      this.entries.delete(user);
    });
  }
}
