import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, rest: string) => Promise<void>;

/** Exact paths, plus prefixes for paths that carry a parameter (e.g. /api/calendar/<token>.ics). */
export class Router {
  private readonly exact = new Map<string, RouteHandler>();
  private readonly prefixes: { method: string; prefix: string; handler: RouteHandler }[] = [];

  on(method: string, path: string, handler: RouteHandler): this {
    const key = `${method} ${path}`;
    if (this.exact.has(key)) throw new Error(`route ${key} is registered twice`);
    this.exact.set(key, handler);
    return this;
  }

  onPrefix(method: string, prefix: string, handler: RouteHandler): this {
    this.prefixes.push({ method, prefix, handler });
    return this;
  }

  find(method: string, path: string): { handler: RouteHandler; rest: string } | 'wrong-method' | undefined {
    const exact = this.exact.get(`${method} ${path}`);
    if (exact) return { handler: exact, rest: '' };
    const p = this.prefixes.find((r) => r.method === method && path.startsWith(r.prefix));
    if (p) return { handler: p.handler, rest: path.slice(p.prefix.length) };
    const otherMethod = [...this.exact.keys()].some((k) => k.endsWith(` ${path}`)) || this.prefixes.some((r) => path.startsWith(r.prefix));
    return otherMethod ? 'wrong-method' : undefined;
  }
}

export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** Reads the whole body, refusing more than `limit` bytes without buffering them. */
export async function readBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, `body larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body against a schema: malformed JSON and wrong types are 400s naming the field. */
export function parseJsonBody<S extends z.ZodType>(body: Buffer, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(400, `${issue?.path.length ? issue.path.join('.') + ': ' : ''}${issue?.message ?? 'invalid body'}`);
  }
  return parsed.data;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
