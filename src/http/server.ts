import { createServer, type Server } from 'node:http';
import type { Logger } from '../core/logger.js';
import { HttpError, sendJson, type Router } from './router.js';

/** One server for the web chat, webhooks, health and metrics; errors become JSON with a status. */
export function createHttpServer(router: Router, log: Logger): Server {
  const server = createServer((req, res) => {
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
  return server;
}
