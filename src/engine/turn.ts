import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { splitUserId, type ChannelName, type ParsedInbound, type Reply } from '../core/message.js';
import type { I18n, Language } from '../i18n/index.js';
import type { Session } from '../sessions/session.js';
import type { Role } from './flow-schema.js';

export interface RoleChecker {
  rolesOf(user: string): Promise<Set<Role>>;
}

export interface TurnDeps {
  i18n: I18n;
  clock: Clock;
  roles: RoleChecker;
  log: Logger;
}

/**
 * One inbound message being handled: the user's session, what has been said back so far, and the
 * helpers that actions, validators and commands need.
 */
export class Turn {
  readonly replies: Reply[] = [];
  readonly channel: ChannelName;
  readonly nativeId: string;
  /** Set by an action that deleted everything about the user: the session is not written back. */
  forgetUser = false;

  constructor(
    readonly deps: TurnDeps,
    readonly inbound: ParsedInbound,
    public session: Session,
    /** The inbound text with control characters removed and ends trimmed. */
    readonly text: string,
    /** The user's roles when already read (with the session); otherwise looked up when first asked. */
    roles?: Set<Role>,
  ) {
    if (roles) this.roles = Promise.resolve(roles);
    const { channel, nativeId } = splitUserId(inbound.user);
    this.channel = channel;
    this.nativeId = nativeId;
  }

  get user(): string {
    return this.inbound.user;
  }

  get lang(): Language {
    return this.session.lang;
  }

  set lang(lang: Language) {
    this.session.lang = lang;
  }

  get data(): Record<string, unknown> {
    return this.session.data;
  }

  now(): Date {
    return this.deps.clock.now();
  }

  /** Translates in the user's language; the flow's data fills {{placeholders}}. Bound, so it can be handed on. */
  readonly t = (key: string, params?: Record<string, unknown>): string =>
    this.deps.i18n.t(this.lang, key, params ? { ...this.session.data, ...params } : this.session.data);

  say(key: string, params?: Record<string, unknown>): void {
    this.replies.push({ text: this.t(key, params) });
  }

  reply(reply: Reply): void {
    this.replies.push(reply);
  }

  private roles?: Promise<Set<Role>>;

  /** After a grant in this turn (e.g. /join), so that the menu shows the new role's entries. */
  rolesChanged(): void {
    this.roles = undefined;
  }

  /** True when the user holds one of the roles; admins hold them all. Looked up once per turn. */
  async hasRole(...roles: Role[]): Promise<boolean> {
    this.roles ??= this.deps.roles.rolesOf(this.user);
    const held = await this.roles;
    return held.has('admin') || roles.some((r) => held.has(r));
  }

  /**
   * True when the user may go on; otherwise says which role it takes, and how to get it when an invite
   * can give it (admins are named in ADMIN_IDS only, so they get no /join hint).
   */
  async permits(roles: readonly Role[] | undefined): Promise<boolean> {
    if (!roles || (await this.hasRole(...roles))) return true;
    const invitable = roles.filter((r) => r !== 'admin' && r !== 'citizen');
    if (!invitable.length) {
      this.say('common.not_allowed_admin');
      return false;
    }
    const names = invitable.map((r) => this.t(`roles.role.${r}`));
    this.say('common.not_allowed', { roles: new Intl.ListFormat(this.lang, { type: 'disjunction' }).format(names) });
    return false;
  }
}
