import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../core/logger.js';
import { HttpError, sendJson, type Router } from './router.js';

/** How each server stops taking requests; set by createHttpServer, used by closeHttpServer. */
const stoppers = new WeakMap<Server, () => void>();

/** One server for the web chat, webhooks, health and metrics; errors become JSON with a status. */
export function createHttpServer(router: Router, log: Logger): Server {
  const open = new Set<ServerResponse>();
  let stopping = false;
  const server = createServer((req, res) => {
    if (stopping) {
      // A request sent on a kept-alive connection while we stop: the client may send it again elsewhere.
      res.setHeader('connection', 'close');
      return sendJson(res, 503, { error: 'shutting down' });
    }
    open.add(res);
    res.once('close', () => open.delete(res));
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const found = router.find(req.method ?? 'GET', path);
    if (found === undefined) return sendJson(res, 404, { error: 'not found' });
    if (found === 'wrong-method') return sendJson(res, 405, { error: 'method not allowed' });
    found.handler(req, res, found.rest).catch((err: unknown) => {
      if (err instanceof HttpError) {
        if (!res.headersSent) sendJson(res, err.status, { error: err.message });
        // Do not read the rest of an oversized body; close once the answer is out.
        if (err.status === 413) res.once('finish', () => req.destroy());
        return;
      }
      log.error({ err, path }, 'http handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  stoppers.set(server, () => {
    stopping = true;
    // Answers still being worked on go out, then their connections close instead of idling on.
    for (const res of open) if (!res.headersSent) res.setHeader('connection', 'close');
  });
  return server;
}

/**
 * Graceful stop: no new connections or requests, idle connections closed at once, and each request in
 * progress answered before its connection closes. Resolves when the last connection has gone.
 */
export function closeHttpServer(server: Server): Promise<void> {
  stoppers.get(server)?.();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  return closed;
}
