import { z } from 'zod';
import { tryParseJson } from '../core/json.js';
import type { Role } from '../engine/flow-schema.js';
import type { RoleChecker } from '../engine/turn.js';
import type { Redis } from '../store/redis.js';
import { personTag } from '../store/keys.js';

export const grantableRoleSchema = z.enum(['officer', 'organiser']);
export type GrantableRole = z.infer<typeof grantableRoleSchema>;

export const grantSchema = z.object({
  role: grantableRoleSchema,
  /** The area the role covers: a province covers all its communes. */
  area: z.string().min(1),
  /** For officers: the kind of unit they report for (reminders are addressed to unit kinds). */
  unit: z.string().optional(),
  grantedAt: z.number().int(),
});
export type Grant = z.infer<typeof grantSchema>;

/** Told when a grant replaces one for another area or unit: what the old one gave must end. */
export type GrantReplaced = (user: string, previous: Grant, next: Grant) => Promise<void>;

/**
 * Everyone is a citizen; admins are named in ADMIN_IDS; officers and organisers hold a grant for an
 * area, kept per user and indexed per role and area so that "the officers of this commune" is one read.
 */
export class Roles implements RoleChecker {
  private readonly replacedHooks: GrantReplaced[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly admins: ReadonlySet<string>,
  ) {}

  private key(user: string): string {
    return `${this.prefix}roles:${personTag(user)}`;
  }

  private indexKey(role: GrantableRole, area: string): string {
    return `${this.prefix}role:${role}:${area}`;
  }

  isAdmin(user: string): boolean {
    return this.admins.has(user);
  }

  /** The person's grants (a hash in their slot), for the session store that reads it when a turn opens. */
  grantsKey(user: string): string {
    return this.key(user);
  }

  async grants(user: string): Promise<Grant[]> {
    return this.grantsIn(await this.redis.hgetall(this.key(user)));
  }

  private grantsIn(raw: Record<string, string>): Grant[] {
    return Object.values(raw).flatMap((json) => {
      const parsed = grantSchema.safeParse(tryParseJson(json));
      return parsed.success ? [parsed.data] : [];
    });
  }

  async grantOf(user: string, role: GrantableRole): Promise<Grant | undefined> {
    const parsed = grantSchema.safeParse(tryParseJson(await this.redis.hget(this.key(user), role)));
    return parsed.success ? parsed.data : undefined;
  }

  async rolesOf(user: string): Promise<Set<Role>> {
    return this.rolesIn(user, await this.redis.hgetall(this.key(user)));
  }

  /** The roles that the grants hash `raw` (as read from grantsKey) and ADMIN_IDS give. */
  rolesIn(user: string, raw: Record<string, string>): Set<Role> {
    const roles = new Set<Role>(['citizen']);
    if (this.isAdmin(user)) roles.add('admin');
    for (const g of this.grantsIn(raw)) roles.add(g.role);
    return roles;
  }

  /**
   * Capabilities that hang something on a grant (an officer's reminder subscription, calendar link)
   * end it here when the person moves: an officer of another commune no longer hears, or answers for, the old one.
   */
  onReplaced(hook: GrantReplaced): void {
    this.replacedHooks.push(hook);
  }

  /** Replaces any earlier grant of the same role (one area per role and person). */
  async grant(user: string, grant: Grant): Promise<void> {
    const previous = await this.grantOf(user, grant.role);
    await this.redis.hset(this.key(user), grant.role, JSON.stringify(grant));
    // The index follows the person's grant; `npm run admin -- repair indexes` redoes it from the grants.
    const moved = previous && previous.area !== grant.area;
    await Promise.all([moved ? this.redis.srem(this.indexKey(previous.role, previous.area), user) : undefined, this.redis.sadd(this.indexKey(grant.role, grant.area), user)]);
    if (previous && (previous.area !== grant.area || previous.unit !== grant.unit))
      for (const hook of this.replacedHooks) await hook(user, previous, grant);
  }

  /** Repair: puts the person's grants back in the holders indexes. */
  async reindex(user: string): Promise<void> {
    await Promise.all((await this.grants(user)).map((g) => this.redis.sadd(this.indexKey(g.role, g.area), user)));
  }

  /** Repair: whether `user` belongs in the holders index `key`. */
  async belongs(key: string, user: string): Promise<boolean> {
    return (await this.grants(user)).some((g) => this.indexKey(g.role, g.area) === key);
  }

  get indexPattern(): string {
    return `${this.prefix}role:*`;
  }

  /** Holders of a role for exactly this area. */
  async holders(role: GrantableRole, area: string): Promise<string[]> {
    return this.redis.smembers(this.indexKey(role, area));
  }

  async forget(user: string): Promise<void> {
    const grants = await this.grants(user);
    await this.redis.del(this.key(user));
    await Promise.all(grants.map((g) => this.redis.srem(this.indexKey(g.role, g.area), user)));
  }
}
