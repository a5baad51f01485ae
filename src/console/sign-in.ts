import type { Redis } from '../store/redis.js';
import type { ConsoleKeys } from './keys.js';
import { newSecret, SECRET_SHAPE, secretHash } from './secrets.js';

/** How long a sign-in link works. */
export const SIGN_IN_TTL_S = 600;

/**
 * One-time sign-in links, sent through the person's own chat: whoever opens the link first within ten
 * minutes signs in as that person, once. Redeeming is one GETDEL, so two tabs (or two instances)
 * racing for one link give one session.
 */
export class SignInLinks {
  constructor(
    private readonly redis: Redis,
    private readonly keys: ConsoleKeys,
  ) {}

  async issue(user: string): Promise<string> {
    const token = newSecret();
    await this.redis.set(this.keys.signIn(secretHash(token)), user, 'EX', SIGN_IN_TTL_S);
    return token;
  }

  /** Whether the link would still sign in (the page that asks to confirm; opening it spends nothing). */
  async usable(token: string): Promise<boolean> {
    return SECRET_SHAPE.test(token) && (await this.redis.exists(this.keys.signIn(secretHash(token)))) === 1;
  }

  /** The person the link was issued to; the link is spent. */
  async redeem(token: string): Promise<string | undefined> {
    if (!SECRET_SHAPE.test(token)) return undefined;
    return (await this.redis.getdel(this.keys.signIn(secretHash(token)))) ?? undefined;
  }
}
