import { hash, timingSafeEqual } from 'node:crypto';

// One-shot hashing: a webhook checks the header on every update.
const digest = (text: string) => hash('sha256', text, 'buffer');

/**
 * A check of a shared secret a platform sends in a header (Telegram's and Zalo Bot's webhooks): compared
 * in constant time as hashes of equal length, so neither the secret's content nor its length leaks.
 */
export function secretHeaderCheck(secret: string): (given: string | string[] | undefined) => boolean {
  const expected = digest(secret);
  return (given) => typeof given === 'string' && timingSafeEqual(digest(given), expected);
}
