import type { SeenMark } from './seen.js';
import type { Language } from '../i18n/index.js';
import type { LoadedSession, Session } from './session.js';
import type { ThrottleOptions, ThrottleVerdict } from './flood.js';

export interface SessionUpdate<T> {
  /** The session to keep; null deletes it. */
  session: Session | null;
  result: T;
}

/** What a person's turn does around the change of their session. */
export interface TurnOptions {
  /** The person's flood limit, taken before the turn: a flooded message gets no turn. */
  flood?: ThrottleOptions | null;
  /**
   * Stamps the person's directory record (last seen, language) with the session the turn keeps, in
   * the same write: a person who writes again is reachable again.
   */
  stamp?: boolean;
  /** A hash of the person's (in their slot, e.g. their role grants) read with the session and handed to the turn. */
  alsoRead?: string;
  /**
   * A key of the person's (in their slot, e.g. an inbox of answers kept for them) whose existence the turn
   * reports with the session read, so that what is empty costs no read of its own.
   */
  lookFor?: string;
  /**
   * A platform update that may be delivered twice: its mark (in the person's seen set) is set with the
   * session read, and a second delivery within `ttlS` gets the verdict 'repeat' and no turn. A turn that
   * fails takes the mark back, so that the platform's redelivery is handled.
   */
  once?: SeenMark;
}

/** What a turn read beside the session, as TurnOptions asked. */
export interface TurnReads {
  /** The `alsoRead` hash; a store that cannot read it with the session leaves it out. */
  also?: Record<string, string>;
  /** Whether the `lookFor` key exists; a store that cannot tell leaves it out. */
  present?: boolean;
}

/** What a turn reads before it changes the session. */
export type TurnReader<T> = (current: LoadedSession, read: TurnReads) => Promise<SessionUpdate<T>>;

/** A message the flood limit stopped: told once ('notify'), then dropped. */
export interface Flooded {
  verdict: Exclude<ThrottleVerdict, 'pass'>;
}

export type TurnOutcome<T> = { verdict: 'pass'; result: T } | Flooded | { verdict: 'repeat' };

/**
 * Sessions are only changed inside `transact`, which runs one change per user at a time (also across
 * bot instances for the Redis store), so messages that arrive together never lose each other's changes.
 * Different users run in parallel. `turn` is the same for one inbound message: on Redis, the update's
 * seen mark, the flood limit, the lock and the session read are one round trip, and the session write, the directory stamp
 * and the lock release another.
 */
export interface SessionStore {
  readonly kind: 'redis' | 'memory';
  turn<T>(user: string, opts: TurnOptions, fn: TurnReader<T>): Promise<TurnOutcome<T>>;
  transact<T>(user: string, fn: (current: LoadedSession) => Promise<SessionUpdate<T>>): Promise<T>;
  get(user: string): Promise<LoadedSession>;
  delete(user: string): Promise<void>;
}

/** The directory record a turn stamps (see TurnOptions.stamp). */
export interface StampedDirectory {
  /** The person's record key, in their slot. */
  recordKey(user: string): string;
  /** Records the person in the directory of everyone, after their first stamp. */
  added(user: string): Promise<void>;
  /** The time a stamp records (the bot's clock, in ms). */
  stampTime(): number;
  /** The stamp on its own (stores that cannot do it in their session write). */
  seen(user: string, lang: Language): Promise<void>;
}

/** `transact` is a turn with neither limit nor stamp. */
export async function transactByTurn<T>(store: SessionStore, user: string, fn: (current: LoadedSession) => Promise<SessionUpdate<T>>): Promise<T> {
  const outcome = await store.turn(user, {}, fn);
  if (outcome.verdict !== 'pass') throw new Error('a turn without a flood limit or a seen mark was stopped');
  return outcome.result;
}
