import type { App } from '../app/app.js';
import { personRef } from '../core/person-ref.js';
import type { Role } from '../engine/flow-schema.js';
import type { Language } from '../i18n/index.js';
import type { Grant } from '../roles/roles.js';

/** The roles the console serves; everyone else is a citizen and gets no console. */
export const CONSOLE_ROLES = ['officer', 'organiser', 'admin'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

/**
 * Who is signed in, as the chat knows them now (roles are read again on every request, so a revoked role
 * ends the console at once).
 */
export interface ConsolePerson {
  /** The person's id: for records and checks, never for logs or pages (see `ref`). */
  readonly user: string;
  /** How logs and the audit log name them. */
  readonly ref: string;
  readonly roles: ReadonlySet<Role>;
  readonly grants: readonly Grant[];
  readonly lang: Language;
  /** The strongest console role held: what the audit log says they acted as. */
  readonly role: ConsoleRole;
  /** Holds the role (admins hold every role). */
  has(role: ConsoleRole): boolean;
  /** The areas the person answers for under the role; admins answer for every area (`"*"`). */
  areasFor(role: ConsoleRole): string[];
  /** Whether the person may see or change things of `area` under the role (a province covers its communes). */
  covers(area: string, role: ConsoleRole): boolean;
}

/** The person behind a console session, or undefined when they hold no console role (any more). */
export async function consolePerson(app: App, user: string): Promise<ConsolePerson | undefined> {
  const [roles, grants, record] = await Promise.all([app.roles.rolesOf(user), app.roles.grants(user), app.users.get(user)]);
  const role = [...CONSOLE_ROLES].reverse().find((r) => roles.has(r));
  if (!role) return undefined;
  const admin = roles.has('admin');
  const areasFor = (r: ConsoleRole) => (admin ? ['*'] : grants.filter((g) => g.role === r).map((g) => g.area));
  return {
    user,
    ref: personRef(user),
    roles,
    grants,
    lang: record?.lang ?? 'vi',
    role,
    has: (r) => admin || roles.has(r),
    areasFor,
    covers: (area, r) => admin || areasFor(r).some((a) => app.areas.isWithin(area, a)),
  };
}
