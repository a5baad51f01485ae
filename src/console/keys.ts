import { personTag } from '../store/keys.js';

/**
 * The console's keys. A link and a session are found by a hash of their secret (a copy of the store
 * opens nothing); each session's key lives in its own slot, and the person's index of their sessions
 * under their tag, so "sign out everywhere" reads one key of theirs.
 */
export function consoleKeys(prefix: string) {
  return {
    signIn: (tokenHash: string) => `${prefix}console:signin:${tokenHash}`,
    session: (idHash: string) => `${prefix}console:session:${idHash}`,
    sessionsOf: (user: string) => `${prefix}console:sessions:${personTag(user)}`,
    audit: `${prefix}console:audit`,
  };
}
export type ConsoleKeys = ReturnType<typeof consoleKeys>;
