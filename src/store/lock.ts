import { randomBytes } from 'node:crypto';
import type { Redis } from './redis.js';
import { Script } from './script.js';

const RELEASE = new Script('lock_release', 1, "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end");
const EXTEND = new Script('lock_extend', 1, "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end");

/** A lease in Redis held by one holder at a time; it frees itself `ttlMs` after its holder stops renewing it. */
export interface Lock {
  readonly key: string;
  readonly token: string;
  /** Renews the lease; false when it has already expired or passed to another holder. */
  extend(ttlMs: number): Promise<boolean>;
  /** Frees the lease if it is still ours (never another holder's). */
  release(): Promise<void>;
}

/** Drawn once: with a counter, tokens are unique across processes without drawing randomness for each (a turn takes one). */
const PROCESS_PART = randomBytes(8).toString('base64url');
let issued = 0;

export function newLockToken(): string {
  return PROCESS_PART + (issued++).toString(36);
}

/** Takes the lease at `key` for `ttlMs`, or answers undefined when someone holds it. */
export async function tryLock(redis: Redis, key: string, ttlMs: number, token = newLockToken()): Promise<Lock | undefined> {
  if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
  return heldLock(redis, key, token);
}

/** A lease taken some other way (e.g. in the same round trip as a read), by its key and token. */
export function heldLock(redis: Redis, key: string, token: string): Lock {
  return {
    key,
    token,
    extend: async (ttlMs) => (await EXTEND.run(redis, [key], [token, ttlMs])) === 1,
    release: async () => {
      await RELEASE.run(redis, [key], [token]);
    },
  };
}
