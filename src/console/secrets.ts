import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, as the 43 characters that go into a link or a cookie. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Anything else is refused before the store is asked. */
export const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
