import { createHash, randomInt } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { tryParseJson } from '../core/json.js';
import type { Redis } from '../store/redis.js';
import { grantableRoleSchema, type Grant, type Roles } from './roles.js';

/** Crockford's base32: no I, L, O or U, so a code read aloud or typed on a phone is hard to get wrong. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 10;
/** An expired invite is kept this long after expiry so that its holder is told "expired", not "unknown". */
const KEEP_AFTER_EXPIRY_MS = 30 * 86_400_000;
const USED_MEMORY_MS = 180 * 86_400_000;

const inviteSchema = z.object({
  role: grantableRoleSchema,
  area: z.string().min(1),
  unit: z.string().optional(),
  expiresAt: z.number().int(),
  createdBy: z.string(),
  /** Kept since invites are listed; older records have none. */
  createdAt: z.number().int().optional(),
});
export type Invite = z.infer<typeof inviteSchema>;

/** An open invite as the console lists it, by an id that gives away neither the code nor its stored hash. */
export type ListedInvite = Invite & { id: string };

const INVITE_ID = /^[0-9a-f]{24}$/;
/** A hash of the hash: a page may show it, and trying codes against it is no easier than trying /join. */
const publicId = (hash: string) => createHash('sha256').update(`invite-id:${hash}`).digest('hex').slice(0, 24);

export type RedeemResult =
  | { ok: true; grant: Grant }
  | { ok: false; reason: 'unknown' | 'used' | 'expired' };

/** What people type: any case, with spaces or dashes, O for 0 and I or L for 1. */
export function normaliseCode(code: string): string {
  return code
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

function formatCode(raw: string): string {
  return `${raw.slice(0, 5)}-${raw.slice(5)}`;
}

/** Single-use codes that grant a role; only their hash is stored, indexed by expiry so open ones can be listed and revoked. */
export class Invites {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly roles: Roles,
    private readonly clock: Clock,
  ) {}

  private key(hash: string): string {
    return `${this.prefix}invite:${hash}`;
  }

  private get indexKey(): string {
    return `${this.prefix}invites`;
  }

  private hash(code: string): string {
    return createHash('sha256').update(normaliseCode(code)).digest('hex');
  }

  async create(invite: Omit<Invite, 'expiresAt'> & { ttlMs: number }): Promise<{ code: string; expiresAt: Date; id: string }> {
    const raw = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    const expiresAt = this.clock.now().getTime() + invite.ttlMs;
    const record: Invite = { role: invite.role, area: invite.area, unit: invite.unit, expiresAt, createdBy: invite.createdBy, createdAt: this.clock.now().getTime() };
    const hash = this.hash(raw);
    await this.redis.set(this.key(hash), JSON.stringify(inviteSchema.parse(record)), 'PX', invite.ttlMs + KEEP_AFTER_EXPIRY_MS);
    await this.redis.zadd(this.indexKey, expiresAt, hash);
    return { code: formatCode(raw), expiresAt: new Date(expiresAt), id: publicId(hash) };
  }

  /** Invites not yet used, revoked or expired, soonest to expire first; entries of used ones are dropped on the way. */
  async open(): Promise<ListedInvite[]> {
    return (await this.openWithHashes()).map(({ hash: _, ...invite }) => invite);
  }

  private async openWithHashes(): Promise<(ListedInvite & { hash: string })[]> {
    const now = this.clock.now().getTime();
    await this.redis.zremrangebyscore(this.indexKey, '-inf', now);
    const hashes = await this.redis.zrangebyscore(this.indexKey, now, '+inf');
    // One key per read: each invite lives in its own slot.
    const found = await Promise.all(hashes.map(async (hash) => ({ hash, invite: inviteSchema.safeParse(tryParseJson(await this.redis.get(this.key(hash)))) })));
    const gone = found.filter((f) => !f.invite.success).map((f) => f.hash);
    if (gone.length) await this.redis.zrem(this.indexKey, ...gone);
    return found.flatMap((f) => (f.invite.success ? [{ ...f.invite.data, id: publicId(f.hash), hash: f.hash }] : []));
  }

  /** An open invite by its listed id. */
  async get(id: string): Promise<ListedInvite | undefined> {
    if (!INVITE_ID.test(id)) return undefined;
    const found = (await this.openWithHashes()).find((i) => i.id === id);
    if (!found) return undefined;
    const { hash: _, ...invite } = found;
    return invite;
  }

  /** Ends an unused invite by its listed id: its code then reads as unknown. False when there was none to end. */
  async revoke(id: string): Promise<boolean> {
    if (!INVITE_ID.test(id)) return false;
    const found = (await this.openWithHashes()).find((i) => i.id === id);
    if (!found) return false;
    const [removed] = await Promise.all([this.redis.del(this.key(found.hash)), this.redis.zrem(this.indexKey, found.hash)]);
    return removed === 1;
  }

  /** Takes the code atomically (GETDEL), so two people racing with one code cannot both win. */
  async redeem(user: string, code: string): Promise<RedeemResult> {
    const hash = this.hash(code);
    const taken = await this.redis.getdel(this.key(hash));
    await this.redis.zrem(this.indexKey, hash);
    const invite = inviteSchema.safeParse(tryParseJson(taken));
    if (!invite.success) {
      const used = await this.redis.exists(`${this.prefix}invite-used:${hash}`);
      return { ok: false, reason: used ? 'used' : 'unknown' };
    }
    const now = this.clock.now().getTime();
    if (invite.data.expiresAt <= now) return { ok: false, reason: 'expired' };
    const grant: Grant = { role: invite.data.role, area: invite.data.area, unit: invite.data.unit, grantedAt: now };
    // Only when it was used: the mark outlives the person's erasure, so it must not name them.
    await this.redis.set(`${this.prefix}invite-used:${hash}`, String(now), 'PX', USED_MEMORY_MS);
    await this.roles.grant(user, grant);
    return { ok: true, grant };
  }
}

/** "7d", "12h", "30m" → milliseconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)\s*([dhm])$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm'];
  const ms = Number(m[1]) * unit;
  return ms > 0 ? ms : undefined;
}
