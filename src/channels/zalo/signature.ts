import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Zalo's webhook signature: hex sha256 of app id + raw body + timestamp + secret, a plain hash
 * (not an HMAC) over the exact bytes received.
 */
export function zaloSignature(appId: string, rawBody: Buffer, timestamp: string, secret: string): string {
  return createHash('sha256').update(appId).update(rawBody).update(timestamp).update(secret).digest('hex');
}

/** Compares the X-ZEvent-Signature header ("mac=" prefix optional) with the expected hash in constant time. */
export function signatureMatches(header: string | undefined, expectedHex: string): boolean {
  if (!header) return false;
  const given = Buffer.from(header.trim().replace(/^mac=/i, '').toLowerCase(), 'utf8');
  const expected = Buffer.from(expectedHex, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
