import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { tryLock } from '../../store/lock.js';
import type { Redis } from '../../store/redis.js';
import { OAUTH_TIMEOUT_MS, ZaloAuthError, type TokenPair } from './oauth.js';


/** Refresh this long before the access token expires, so no message meets an expired one. */
export const REFRESH_AHEAD_MS = 60 * 60_000;
/** Longer than two OAuth calls (a changed ZALO_REFRESH_TOKEN refused, then the stored one): the lock never lapses while its holder is still spending a token. */
const LOCK_MS = OAUTH_TIMEOUT_MS * 3;
const POLL_MS = 50;

const storedSchema = z.object({
  access: z.string().min(1).optional(),
  refresh: z.string().min(1).optional(),
  expiresAt: z.coerce.number().int().optional(),
  /** A hash of the ZALO_REFRESH_TOKEN this chain of tokens grew from. */
  seed: z.string().optional(),
});
type Stored = z.infer<typeof storedSchema>;

export interface ZaloTokensDeps {
  redis: Redis;
  prefix: string;
  clock: Clock;
  log: Logger;
  /**
   * ZALO_REFRESH_TOKEN: used while Redis holds no refresh token, and once more whenever it changes
   * (an operator who re-authorised the OA sets the new token and restarts).
   */
  initialRefreshToken?: string;
  refresh: (refreshToken: string) => Promise<TokenPair>;
}

/**
 * The OA's access and refresh tokens, kept in Redis and shared by every instance. The refresh token is
 * single-use, so refreshing happens under a Redis lock and the new pair is stored (in one write)
 * before the new access token is handed to anyone.
 */
export class ZaloTokens {
  private inflight?: Promise<string>;
  private known?: Stored & { access: string };
  /** Hashed: Redis needs to tell whether ZALO_REFRESH_TOKEN changed, not to hold a second copy of it. */
  private readonly seed?: string;

  constructor(private readonly deps: ZaloTokensDeps) {
    if (deps.initialRefreshToken) this.seed = createHash('sha256').update(deps.initialRefreshToken).digest('base64url');
  }

  private get key(): string {
    return `${this.deps.prefix}zalo:tokens`;
  }

  private get lockKey(): string {
    return `${this.deps.prefix}zalo:tokens:lock`;
  }

  private async read(): Promise<Stored> {
    const parsed = storedSchema.safeParse(await this.deps.redis.hgetall(this.key));
    return parsed.success ? parsed.data : {};
  }

  private usable(s: Stored, aheadMs: number): s is Stored & { access: string } {
    return Boolean(s.access && s.expiresAt !== undefined && s.expiresAt - this.deps.clock.now().getTime() > aheadMs);
  }

  /** True when a refresh token is available, in Redis or from the environment. */
  async hasRefreshToken(): Promise<boolean> {
    return Boolean(this.deps.initialRefreshToken || (await this.read()).refresh);
  }

  /**
   * A valid access token, refreshed first when it is missing or close to expiry. The one read last is
   * kept here while it is good, so a reply reads no Redis for it; a token Zalo refuses goes through
   * `refresh`, which finds the one another instance made.
   */
  async accessToken(): Promise<string> {
    if (this.known && this.usable(this.known, REFRESH_AHEAD_MS)) return this.known.access;
    const s = await this.read();
    if (!this.usable(s, REFRESH_AHEAD_MS)) return this.refresh(s.access);
    this.known = s;
    return s.access;
  }

  /**
   * Replaces `stale` (the token Zalo just refused, or the one about to expire) with a new one. If another
   * caller or instance has already replaced it, that one is returned and no refresh token is spent.
   */
  refresh(stale?: string): Promise<string> {
    // Callers in this process share one refresh; other instances are kept apart by the Redis lock.
    this.known = undefined;
    this.inflight ??= this.refreshOnce(stale).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /**
   * Spends the stored refresh token, or ZALO_REFRESH_TOKEN when there is none or when it has changed
   * since the stored chain began. A changed one that Zalo refuses (a typo, or an instance still running
   * with the old setting) leaves the stored chain in use.
   */
  private async spend(s: Stored): Promise<{ next: TokenPair; seed?: string }> {
    const { initialRefreshToken: configured, log } = this.deps;
    // Tokens stored before seeds were recorded (no seed) are taken to have grown from the configured one.
    const changed = configured !== undefined && s.refresh !== undefined && s.seed !== undefined && s.seed !== this.seed;
    if (changed) {
      log.info('ZALO_REFRESH_TOKEN has changed: refreshing with it instead of the stored refresh token');
      try {
        return { next: await this.deps.refresh(configured), seed: this.seed };
      } catch (err) {
        if (!(err instanceof ZaloAuthError)) throw err;
        log.error({ err }, 'Zalo refused the changed ZALO_REFRESH_TOKEN; refreshing with the stored refresh token');
        return { next: await this.deps.refresh(s.refresh as string), seed: s.seed };
      }
    }
    const token = s.refresh ?? configured;
    if (!token) throw new ZaloAuthError('no Zalo refresh token: set ZALO_REFRESH_TOKEN');
    return { next: await this.deps.refresh(token), seed: s.seed ?? this.seed };
  }

  private async refreshOnce(stale: string | undefined): Promise<string> {
    const { redis, log } = this.deps;
    const replaced = (s: Stored): s is Stored & { access: string } => s.access !== stale && this.usable(s, 0);
    const use = (s: Stored & { access: string }): string => {
      this.known = s;
      return s.access;
    };
    const deadline = Date.now() + LOCK_MS + OAUTH_TIMEOUT_MS;
    for (;;) {
      const lock = await tryLock(redis, this.lockKey, LOCK_MS);
      if (lock) {
        try {
          const s = await this.read();
          if (replaced(s)) return use(s);
          const { next, seed } = await this.spend(s);
          const expiresAt = this.deps.clock.now().getTime() + next.expiresInS * 1000;
          await redis.hset(this.key, { access: next.access, refresh: next.refresh, expiresAt: String(expiresAt), ...(seed ? { seed } : {}) });
          log.info({ expiresAt: new Date(expiresAt).toISOString() }, 'Zalo access token refreshed');
          return use({ access: next.access, expiresAt });
        } finally {
          await lock.release();
        }
      }
      await sleep(POLL_MS);
      const s = await this.read();
      if (replaced(s)) return use(s);
      if (Date.now() > deadline) throw new ZaloAuthError('timed out waiting for another instance to refresh the Zalo token');
    }
  }
}
