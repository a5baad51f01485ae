import type { LoadedSession, Session } from './session.js';

export interface SessionUpdate<T> {
  /** The session to keep; null deletes it. */
  session: Session | null;
  result: T;
}

/**
 * Sessions are only changed inside `transact`, which runs one change per user at a time (also across
 * bot instances for the Redis store), so messages that arrive together never lose each other's changes.
 * Different users run in parallel.
 */
export interface SessionStore {
  readonly kind: 'redis' | 'memory';
  transact<T>(user: string, fn: (current: LoadedSession) => Promise<SessionUpdate<T>>): Promise<T>;
  get(user: string): Promise<LoadedSession>;
  delete(user: string): Promise<void>;
}
