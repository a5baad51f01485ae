import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Redis } from '../../store/redis.js';
import { OAUTH_TIMEOUT_MS, ZaloAuthError, type TokenPair } from './oauth.js';

const RELEASE_LOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Refresh this long before the access token expires, so no message meets an expired one. */
export const REFRESH_AHEAD_MS = 60 * 60_000;
/** Longer than one OAuth call: the lock never lapses while its holder is still spending the token. */
const LOCK_MS = OAUTH_TIMEOUT_MS * 3;
const POLL_MS = 50;

const storedSchema = z.object({
  access: z.string().min(1).optional(),
  refresh: z.string().min(1).optional(),
  expiresAt: z.coerce.number().int().optional(),
});
type Stored = z.infer<typeof storedSchema>;

export interface ZaloTokensDeps {
  redis: Redis;
  prefix: string;
  clock: Clock;
  log: Logger;
  /** ZALO_REFRESH_TOKEN: used only while Redis holds no refresh token. */
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

  constructor(private readonly deps: ZaloTokensDeps) {}

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

  /** A valid access token, refreshed first when it is missing or close to expiry. */
  async accessToken(): Promise<string> {
    const s = await this.read();
    if (this.usable(s, REFRESH_AHEAD_MS)) return s.access;
    return this.refresh(s.access);
  }

  /**
   * Replaces `stale` (the token Zalo just refused, or the one about to expire) with a new one. If another
   * caller or instance has already replaced it, that one is returned and no refresh token is spent.
   */
  refresh(stale?: string): Promise<string> {
    // Callers in this process share one refresh; other instances are kept apart by the Redis lock.
    this.inflight ??= this.refreshOnce(stale).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async refreshOnce(stale: string | undefined): Promise<string> {
    const { redis, log } = this.deps;
    const replaced = (s: Stored): s is Stored & { access: string } => s.access !== stale && this.usable(s, 0);
    const deadline = Date.now() + LOCK_MS + OAUTH_TIMEOUT_MS;
    for (;;) {
      const lock = randomBytes(8).toString('hex');
      if ((await redis.set(this.lockKey, lock, 'PX', LOCK_MS, 'NX')) === 'OK') {
        try {
          const s = await this.read();
          if (replaced(s)) return s.access;
          const refreshToken = s.refresh ?? this.deps.initialRefreshToken;
          if (!refreshToken) throw new ZaloAuthError('no Zalo refresh token: set ZALO_REFRESH_TOKEN');
          const next = await this.deps.refresh(refreshToken);
          const expiresAt = this.deps.clock.now().getTime() + next.expiresInS * 1000;
          await redis.hset(this.key, { access: next.access, refresh: next.refresh, expiresAt: String(expiresAt) });
          log.info({ expiresAt: new Date(expiresAt).toISOString() }, 'Zalo access token refreshed');
          return next.access;
        } finally {
          await redis.eval(RELEASE_LOCK, 1, this.lockKey, lock);
        }
      }
      await sleep(POLL_MS);
      const s = await this.read();
      if (replaced(s)) return s.access;
      if (Date.now() > deadline) throw new ZaloAuthError('timed out waiting for another instance to refresh the Zalo token');
    }
  }
}
