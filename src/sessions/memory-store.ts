import type { Clock } from '../core/clock.js';
import { KeyedQueue } from './keyed-queue.js';
import { decodeSession, encodeSession, type LoadedSession } from './session.js';
import type { SessionStore, SessionUpdate } from './store.js';

interface Entry {
  raw: string;
  expiresAt: number;
}

/** For running without Redis: same contract, kept in this process only (lost on restart). */
export class MemorySessionStore implements SessionStore {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Entry>();
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  /** Test hook and corruption drill: store raw text as if another version had written it. */
  putRaw(user: string, raw: string): void {
    this.entries.set(user, { raw, expiresAt: this.clock.now().getTime() + this.ttlMs });
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
    return this.queue.run(user, async () => {
      const { session, result } = await fn(this.read(user));
      if (session) this.putRaw(user, encodeSession(session));
      else this.entries.delete(user);
      return result;
    });
  }

  async delete(user: string): Promise<void> {
    await this.queue.run(user, async () => {
      this.entries.delete(user);
    });
  }
}
