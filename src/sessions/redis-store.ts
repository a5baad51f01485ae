import type { Redis } from '../store/redis.js';
import { personTag } from '../store/keys.js';
import { KeyedQueue } from './keyed-queue.js';
import { decodeSession, encodeSession, type LoadedSession } from './session.js';
import type { SessionStore, SessionUpdate } from './store.js';
import { heldLock, newLockToken } from '../store/lock.js';
import { Script } from '../store/script.js';

/** Writes (or, with an empty value, deletes) the session only while the lock is still this turn's, and releases it. */
const WRITE_AND_RELEASE = new Script('session_write_and_release', 2, `if redis.call('get', KEYS[2]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('del', KEYS[1]) else redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
redis.call('del', KEYS[2])
return 1`);

export interface RedisSessionOptions {
  prefix: string;
  ttlMs: number;
  /** Longest a change may hold a user's lock before another instance may take it. */
  lockMs?: number;
  /** How long to wait for another instance to finish with the same user. */
  waitMs?: number;
}

export class LockTimeoutError extends Error {}
/** A turn outlived its lock and another turn may have run meanwhile: its session is not written over theirs. */
export class LockLostError extends Error {}

/**
 * Sessions as JSON strings with a TTL. Inside one process a user's messages queue up; across
 * processes a short lock (SET NX PX) keeps them apart. Taking the lock and reading the session share
 * one round trip, and so do writing and releasing it (one script, which writes only under our lock).
 */
export class RedisSessionStore implements SessionStore {
  readonly kind = 'redis' as const;
  private readonly queue = new KeyedQueue();
  private readonly lockMs: number;
  private readonly waitMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly opts: RedisSessionOptions,
  ) {
    // Short, so a lock left by a crash (it survives in the AOF) holds the person up briefly; a turn takes milliseconds.
    this.lockMs = opts.lockMs ?? 15_000;
    this.waitMs = opts.waitMs ?? 10_000;
  }

  private key(user: string): string {
    return `${this.opts.prefix}s:${personTag(user)}`;
  }

  private lockKey(user: string): string {
    return `${this.opts.prefix}lock:s:${personTag(user)}`;
  }

  async get(user: string): Promise<LoadedSession> {
    return decodeSession(await this.redis.get(this.key(user)));
  }

  transact<T>(user: string, fn: (current: LoadedSession) => Promise<SessionUpdate<T>>): Promise<T> {
    return this.queue.run(user, async () => {
      const token = newLockToken();
      const current = await this.lockAndRead(user, token);
      let update: SessionUpdate<T>;
      try {
        update = await fn(current);
      } catch (err) {
        await heldLock(this.redis, this.lockKey(user), token).release();
        throw err;
      }
      const value = update.session ? encodeSession(update.session) : '';
      const written = await WRITE_AND_RELEASE.run(this.redis, [this.key(user), this.lockKey(user)], [token, value, this.opts.ttlMs]);
      if (written !== 1) throw new LockLostError(`session lock of ${user} was lost after ${this.lockMs} ms: change not written`);
      return update.result;
    });
  }

  private async lockAndRead(user: string, token: string): Promise<LoadedSession> {
    const deadline = Date.now() + this.waitMs;
    for (let attempt = 0; ; attempt++) {
      // Issued together, so they share a write with each other and, through the client's
      // auto-pipelining, with the commands of other people's messages (an explicit pipeline would not).
      const [locked, raw] = await Promise.all([
        this.redis.set(this.lockKey(user), token, 'PX', this.lockMs, 'NX'),
        this.redis.get(this.key(user)),
      ]);
      if (locked === 'OK') return decodeSession(raw);
      if (Date.now() > deadline) throw new LockTimeoutError(`session of ${user} stayed locked for ${this.waitMs} ms`);
      await new Promise((r) => setTimeout(r, Math.min(5 * 2 ** attempt, 50)));
    }
  }

  async delete(user: string): Promise<void> {
    await this.queue.run(user, async () => {
      await this.redis.del(this.key(user));
    });
  }
}
