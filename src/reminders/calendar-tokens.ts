import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { tryParseJson } from '../core/json.js';
import type { Redis } from '../store/redis.js';
import { personTag } from '../store/keys.js';
import type { UnitRef } from './calendar.js';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Tokens are 32 random bytes in base64url: 43 characters. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const linkSchema = z.object({ user: z.string().min(1), kind: z.string().min(1), area: z.string().min(1) });

/**
 * Secret calendar links: one per officer, for the unit they had when they asked, kept only as a hash
 * (a Redis dump does not give the links away); a new link revokes the old one.
 */
export class CalendarTokens {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private byHash(h: string) {
    return `${this.prefix}rem:cal:${h}`;
  }
  private ofUser(user: string) {
    return `${this.prefix}rem:cal-of:${personTag(user)}`;
  }

  async issue(user: string, unit: UnitRef): Promise<string> {
    await this.revoke(user);
    const token = randomBytes(32).toString('base64url');
    const h = hash(token);
    // The person's pointer first: an interrupted issue leaves no link that revoking could not find.
    await this.redis.set(this.ofUser(user), h);
    await this.redis.set(this.byHash(h), JSON.stringify({ user, kind: unit.kind, area: unit.area }));
    return token;
  }

  /** True when there was a link to revoke. */
  async revoke(user: string): Promise<boolean> {
    const h = await this.redis.get(this.ofUser(user));
    if (!h) return false;
    await this.redis.del(this.byHash(h));
    await this.redis.del(this.ofUser(user));
    return true;
  }

  async has(user: string): Promise<boolean> {
    return (await this.redis.exists(this.ofUser(user))) === 1;
  }

  /** The officer and unit a token stands for, if it is valid. */
  async resolve(token: string): Promise<{ user: string; unit: UnitRef } | undefined> {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const parsed = linkSchema.safeParse(tryParseJson(await this.redis.get(this.byHash(hash(token)))));
    return parsed.success ? { user: parsed.data.user, unit: { kind: parsed.data.kind, area: parsed.data.area } } : undefined;
  }
}
