import type { IncomingMessage } from 'node:http';

/**
 * Who is asking, as far as this server can tell. X-Forwarded-For is anyone's to write, so it counts
 * only behind a proxy we were told about (TRUST_PROXY), and then only its last entry: the one that
 * proxy added.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const last = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((s) => s.trim()).filter(Boolean).at(-1);
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
