import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { HttpError } from './errors.js';

/** The body's exact bytes (the server parses every body as bytes; an empty one is empty). */
export function bodyBytes(req: FastifyRequest): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/** Parses a JSON body against a schema: malformed JSON and wrong types are 400s naming the field. */
export function jsonBody<S extends z.ZodType>(req: FastifyRequest, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(bodyBytes(req).toString('utf8'));
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

/** One header's value (the first, when sent twice). */
export function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
