import { z } from 'zod';
import { tryParseJson } from '../core/json.js';
import type { Redis } from '../store/redis.js';
import type { ConsoleKeys } from './keys.js';
import { newSecret, SECRET_SHAPE, secretHash } from './secrets.js';

/** A console session lasts a working day from sign-in, however busy. */
export const SESSION_TTL_S = 8 * 3600;

const sessionSchema = z.object({ user: z.string().min(1), started: z.number().int() });
export type ConsoleSession = z.infer<typeof sessionSchema> & { id: string };

/**
 * Console sessions in Redis, named by a random id kept in an httpOnly cookie. Each person's sessions are
 * listed under their tag, so that "sign out everywhere" (and /deletedata) ends every one of them.
 */
export class ConsoleSessions {
  constructor(
    private readonly redis: Redis,
    private readonly keys: ConsoleKeys,
  ) {}

  async start(user: string, now: number): Promise<string> {
    const id = newSecret();
    const hash = secretHash(id);
    await this.redis.set(this.keys.session(hash), JSON.stringify({ user, started: now }), 'EX', SESSION_TTL_S);
    // The index outlives none of its sessions by much: it expires with the newest.
    await this.redis.multi().sadd(this.keys.sessionsOf(user), hash).expire(this.keys.sessionsOf(user), SESSION_TTL_S).exec();
    return id;
  }

  async find(id: string): Promise<ConsoleSession | undefined> {
    if (!SECRET_SHAPE.test(id)) return undefined;
    const parsed = sessionSchema.safeParse(tryParseJson((await this.redis.get(this.keys.session(secretHash(id)))) ?? ''));
    return parsed.success ? { ...parsed.data, id } : undefined;
  }

  async end(session: ConsoleSession): Promise<void> {
    const hash = secretHash(session.id);
    await this.redis.del(this.keys.session(hash));
    await this.redis.srem(this.keys.sessionsOf(session.user), hash);
  }

  /** Ends every session of the person; resolves to how many there were. */
  async endAll(user: string): Promise<number> {
    const hashes = await this.redis.smembers(this.keys.sessionsOf(user));
    // One key per command: on a cluster the sessions live in other slots than the index.
    const ended = await Promise.all(hashes.map((h) => this.redis.del(this.keys.session(h))));
    await this.redis.del(this.keys.sessionsOf(user));
    return ended.reduce((a, b) => a + b, 0);
  }

  /** Sessions still open, for /mydata. */
  async count(user: string): Promise<number> {
    const hashes = await this.redis.smembers(this.keys.sessionsOf(user));
    const open = await Promise.all(hashes.map((h) => this.redis.exists(this.keys.session(h))));
    return open.reduce((a, b) => a + b, 0);
  }
}
