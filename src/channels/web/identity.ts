import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from '../../store/redis.js';

const RANDOM_BYTES = 16;
const SIGNATURE_BYTES = 16;
/** "w" + 128 random bits + "." + a truncated HMAC of them, all base64url: one token, no colons. */
const ID_SHAPE = /^w([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/;

/**
 * Web-chat identities are issued by the server and signed with its secret, so a page cannot pick
 * someone else's conversation by naming it. The secret is WEB_SECRET, or one made on first start and
 * kept in Redis so that every instance (and every restart) recognises the same ids.
 */
export class WebIdentities {
  private secret?: Promise<Buffer>;

  constructor(
    private readonly redis: Redis,
    private readonly secretKey: string,
    private readonly configured: string | undefined,
  ) {}

  /** Loaded on first use: at registration Redis may not be reachable yet. A failure is retried next time. */
  private key(): Promise<Buffer> {
    this.secret ??= this.load().catch((err: unknown) => {
      this.secret = undefined;
      throw err;
    });
    return this.secret;
  }

  private async load(): Promise<Buffer> {
    if (this.configured) return Buffer.from(this.configured, 'utf8');
    await this.redis.set(this.secretKey, randomBytes(32).toString('base64url'), 'NX');
    const kept = await this.redis.get(this.secretKey);
    if (!kept) throw new Error('the web-chat secret could not be kept in Redis');
    return Buffer.from(kept, 'utf8');
  }

  private static sign(secret: Buffer, random: string): Buffer {
    return createHmac('sha256', secret).update(`web-id:${random}`).digest().subarray(0, SIGNATURE_BYTES);
  }

  async issue(): Promise<string> {
    const random = randomBytes(RANDOM_BYTES).toString('base64url');
    return `w${random}.${WebIdentities.sign(await this.key(), random).toString('base64url')}`;
  }

  /** Whether the server issued this id; anything else (made up, altered, another server's) is false. */
  async verify(id: string): Promise<boolean> {
    const m = ID_SHAPE.exec(id);
    if (!m) return false;
    const given = Buffer.from(m[2] as string, 'base64url');
    const expected = WebIdentities.sign(await this.key(), m[1] as string);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** A keyed hash, stable and not reversible: counts by client address, signs file links. */
  async mac(text: string): Promise<string> {
    return createHmac('sha256', await this.key()).update(text).digest('base64url').slice(0, 22);
  }
}
