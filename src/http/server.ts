import type { AddressInfo } from 'node:net';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from '../core/logger.js';
import { DEFAULT_BODY_LIMIT, HttpError } from './errors.js';

export type Http = FastifyInstance;

/** The route's address as a pattern over concrete paths (":token" is one segment, "*" the rest). */
function pathPattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

/**
 * The one HTTP server (web chat, webhooks, console, health, metrics) as a fastify instance that
 * capabilities add their routes to. Bodies arrive as bytes whatever their declared type: webhooks check
 * signatures on the exact bytes and the chat's page and clients post JSON with any content type; each
 * route parses its body with its zod schema (see body.ts). Errors are `{"error": "..."}` with a status.
 */
export function createHttp(log: Logger): Http {
  const http = Fastify({
    logger: false,
    bodyLimit: DEFAULT_BODY_LIMIT,
    // "/admin/" as typed is "/admin".
    routerOptions: { maxParamLength: 256, ignoreTrailingSlash: true },
    keepAliveTimeout: 65_000,
    // A request on a kept-alive connection while we stop gets 503 and a closed connection: it may be sent again elsewhere.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  http.removeAllContentTypeParsers();
  http.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  void http.register(cookie);
  // The chat page keeps its inline script and style; the console sets a strict policy of its own.
  void http.register(helmet, { global: true, contentSecurityPolicy: false });

  const routes: { methods: string[]; pattern: RegExp }[] = [];
  http.addHook('onRoute', (route) => {
    routes.push({ methods: [route.method].flat(), pattern: pathPattern(route.url ?? route.path) });
  });

  // Answers being worked on when the server stops go out with their connection closed, instead of idling on.
  const open = new Set<FastifyReply>();
  // A callback hook, not an async one: it runs on every request, and a promise each costs more than the hook.
  http.addHook('onRequest', (_req, reply, done) => {
    open.add(reply);
    reply.raw.once('close', () => open.delete(reply));
    done();
  });
  http.addHook('preClose', async () => {
    for (const reply of open) if (!reply.raw.headersSent) reply.header('connection', 'close');
  });

  http.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    // 405 when the address exists for other methods only (a route of this method that found nothing is a 404).
    const matching = routes.filter((r) => r.pattern.test(path));
    const known = matching.length > 0 && !matching.some((r) => r.methods.includes(req.method));
    return reply.code(known ? 405 : 404).send({ error: known ? 'method not allowed' : 'not found' });
  });

  http.setErrorHandler(async (err: unknown, req, reply) => {
    const status =
      err instanceof HttpError ? err.status
      : typeof err === 'object' && err && 'statusCode' in err && typeof err.statusCode === 'number' && err.statusCode < 500 ? err.statusCode
      : 500;
    if (status >= 500 && !(err instanceof HttpError)) log.error({ err, path: req.routeOptions.url }, 'http handler failed');
    const message = status >= 500 && !(err instanceof HttpError) ? 'internal error' : err instanceof Error ? err.message : String(err);
    // Do not read the rest of an oversized body; close once the answer is out.
    if (status === 413) reply.header('connection', 'close');
    return reply.code(status).send({ error: message });
  });
  return http;
}

/**
 * Route options for an address only a platform's servers call (a webhook): they read none of the
 * headers that guard a page in a browser, so helmet's are left off. Said in the route's config, which
 * helmet reads per request: its `helmet: false` route option is taken only by routes added after the
 * plugin has loaded, which capabilities' routes are not.
 */
export const SERVER_TO_SERVER = { config: { helmet: { skipRoute: true } } } as const;

/** Starts listening; resolves to the address taken (PORT 0 picks a free one). */
export async function listenHttp(http: Http, port: number, host: string): Promise<AddressInfo> {
  await http.listen({ port, host });
  return http.server.address() as AddressInfo;
}

/**
 * Graceful stop: no new connections or requests, idle connections closed at once, and each request in
 * progress answered before its connection closes. Resolves when the last connection has gone.
 */
export function closeHttp(http: Http): Promise<void> {
  return http.close();
}
