import { createHmac, randomBytes } from 'node:crypto';

/**
 * How logs name a person: a keyed hash of their id, the same for every line about them (so that an
 * operator can follow one person's trouble) but not their id, which cannot be recovered from it without
 * the server's key, and which names no one once the key goes with the data.
 */
let key: Buffer = randomBytes(32);

/** The server's key (kept in Redis, so every instance and restart names a person alike). */
export function usePersonKey(secret: Buffer): void {
  key = secret;
}

export function personRef(id: string): string {
  return `p:${createHmac('sha256', key).update(id).digest('base64url').slice(0, 16)}`;
}

/** A person's id inside a text (a job id, a Redis key, an error message); ":" may be escaped as "%3A". */
const ID_IN_TEXT = /\b(web|telegram|zalo)(?::|%3A)([^\s|"',:%]+(?:%25[^\s|"',:%]*)*)/g;

export function pseudonymise(text: string): string {
  return text.replace(ID_IN_TEXT, (_, channel: string, id: string) => personRef(`${channel}:${id.replace(/%25/g, '%')}`));
}
