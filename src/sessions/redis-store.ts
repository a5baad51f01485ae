import type { Redis } from '../store/redis.js';
import { personTag } from '../store/keys.js';
import { decodeSession, encodeSession, type LoadedSession } from './session.js';
import { transactByTurn, type SessionStore, type SessionUpdate, type StampedDirectory, type TurnOptions, type TurnOutcome, type TurnReader, type TurnReads } from './store.js';
import { heldLock, newLockToken } from '../store/lock.js';
import { Script } from '../store/script.js';
import { FLOOD_LUA, floodKey, VERDICTS } from './flood.js';
import { SEEN_LUA, unmarkSeen } from './seen.js';
import { STAMP_LUA } from '../users/directory.js';

/**
 * Opens a person's turn: marks a platform update (ARGV[6]) as seen in the person's set (unless ARGV[5],
 * its TTL, is 0: none, or marked by an earlier attempt), takes a message from their flood bucket (unless ARGV[1] is 0), then their session
 * lock, and reads their session, another hash of theirs and whether another key exists. Keys: bucket,
 * lock, session, hash, seen set, key to look for (one slot; a fixed count: ioredis routes a script on
 * a cluster by its first argument, which a varying count would make the count). Returns {3} for an update seen before, {verdict} when flooded,
 * {0, 0} when the lock is held, {0, 1, session or nil, hash fields and values, 1 or 0} when taken.
 */
const TAKE_TURN = new Script('session_take_turn', 6, `${FLOOD_LUA}${SEEN_LUA}
local once = tonumber(ARGV[5])
local burst = tonumber(ARGV[1])
local t = (once > 0 or burst > 0) and redis.call('TIME')
if once > 0 and seen(KEYS[5], ARGV[6], once, tonumber(t[1])) then return {3} end
if burst > 0 then
  local verdict = flood(KEYS[1], burst, tonumber(ARGV[2]), tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
  if verdict ~= 0 then return {verdict} end
end
if not redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4], 'NX') then return {0, 0} end
return {0, 1, redis.call('GET', KEYS[3]), redis.call('HGETALL', KEYS[4]), redis.call('EXISTS', KEYS[6])}`);
/** TAKE_TURN's answer for an update it has seen before. */
const REPEATED = 3;

/**
 * Ends a turn: writes (or, with an empty value, deletes) the session only while the lock is still this
 * turn's, releases the lock and, given a language, stamps the person's directory record. Keys: session,
 * lock, record. Returns -1 when the lock was lost, else 1 when the stamp made the record, 0 otherwise.
 */
const END_TURN = new Script('session_end_turn', 3, `${STAMP_LUA}
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return -1 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
redis.call('DEL', KEYS[2])
if ARGV[5] == '' then return 0 end
return stamp(KEYS[3], ARGV[4], ARGV[5])`);

/** HGETALL's reply as a script returns it (field, value, field, value...) as an object. */
function fieldsOf(pairs: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) fields[pairs[i] as string] = pairs[i + 1] as string;
  return fields;
}

export interface RedisSessionOptions {
  prefix: string;
  ttlMs: number;
  /** Longest a change may hold a user's lock before another instance may take it. */
  lockMs?: number;
  /** How long to wait for another instance to finish with the same user. */
  waitMs?: number;
  /** The directory whose records turns stamp (TurnOptions.stamp). */
  directory?: StampedDirectory;
}

export class LockTimeoutError extends Error {}
/** A turn outlived its lock and another turn may have run meanwhile: its session is not written over theirs. */
export class LockLostError extends Error {}

/**
 * Sessions as JSON strings with a TTL. The bot puts a person's messages in order (Bot.inOrder); a short
 * lock (SET NX PX) keeps turns apart across instances. A turn is two round trips: one script marks the
 * update seen, takes the flood limit and the lock and reads the session, another writes the session (only under our lock),
 * stamps the person's record and releases the lock.
 */
export class RedisSessionStore implements SessionStore {
  readonly kind = 'redis' as const;
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
    return transactByTurn(this, user, fn);
  }

  async turn<T>(user: string, opts: TurnOptions, fn: TurnReader<T>): Promise<TurnOutcome<T>> {
    try {
      return await this.run(user, opts, fn);
    } catch (err) {
      // The turn marked the update seen as it opened. A turn that failed takes the mark back, so that the
      // platform's redelivery (the webhook answered 503) is handled instead of dropped as a repeat. Best
      // effort: with Redis gone, the mark may stay.
      if (opts.once) await unmarkSeen(this.redis, opts.once).catch(() => undefined);
      throw err;
    }
  }

  private async run<T>(user: string, opts: TurnOptions, fn: TurnReader<T>): Promise<TurnOutcome<T>> {
    const token = newLockToken();
    const opened = await this.open(user, token, opts);
    if (opened.verdict !== 'pass') return opened;
    let update: SessionUpdate<T>;
    try {
      update = await fn(opened.current, opened.read);
    } catch (err) {
      await heldLock(this.redis, this.lockKey(user), token).release();
      throw err;
    }
    const directory = opts.stamp ? this.opts.directory : undefined;
    const value = update.session ? encodeSession(update.session) : '';
    const lang = directory && update.session ? update.session.lang : '';
    const record = directory ? directory.recordKey(user) : this.key(user);
    const ended = await END_TURN.run(this.redis, [this.key(user), this.lockKey(user), record], [token, value, this.opts.ttlMs, directory?.stampTime() ?? 0, lang]);
    if (ended === -1) throw new LockLostError(`session lock of ${user} was lost after ${this.lockMs} ms: change not written`);
    if (ended === 1) await directory?.added(user);
    return { verdict: 'pass', result: update.result };
  }

  private async open(user: string, token: string, opts: TurnOptions): Promise<{ verdict: 'pass'; current: LoadedSession; read: TurnReads } | Exclude<TurnOutcome<never>, { verdict: 'pass' }>> {
    const deadline = Date.now() + this.waitMs;
    let flood = opts.flood;
    let once = opts.once;
    const bucket = floodKey(this.opts.prefix, user);
    for (let attempt = 0; ; attempt++) {
      const keys = [bucket, this.lockKey(user), this.key(user), opts.alsoRead ?? bucket, once?.key ?? bucket, opts.lookFor ?? bucket];
      const args = [flood?.burst ?? 0, flood?.perSecond ?? 0, token, this.lockMs, once?.ttlS ?? 0, once?.id ?? ''];
      const [verdict, locked, raw, pairs, present] = (await TAKE_TURN.run(this.redis, keys, args)) as [number, number?, string?, string[]?, number?];
      if (verdict === REPEATED) return { verdict: 'repeat' };
      const said = VERDICTS[verdict] ?? 'pass';
      if (said !== 'pass') return { verdict: said };
      if (locked === 1) {
        const read: TurnReads = { ...(opts.alsoRead && { also: fieldsOf(pairs ?? []) }), ...(opts.lookFor && { present: present === 1 }) };
        return { verdict: 'pass', current: decodeSession(raw), read };
      }
      // The message has passed the limit and is marked seen: waiting for the lock does neither again.
      flood = null;
      once = undefined;
      if (Date.now() > deadline) throw new LockTimeoutError(`session of ${user} stayed locked for ${this.waitMs} ms`);
      await new Promise((r) => setTimeout(r, Math.min(5 * 2 ** attempt, 50)));
    }
  }

  async delete(user: string): Promise<void> {
    await this.redis.del(this.key(user));
  }
}
