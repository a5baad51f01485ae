import { pino, type DestinationStream, type Logger } from 'pino';
import { personRef, pseudonymise } from './person-ref.js';

export type { Logger };

/** Fields that hold a person's id: logged as a keyed hash (see personRef). */
const PERSON_FIELDS = new Set(['user', 'by', 'officer', 'recipient']);

/**
 * What people wrote and what the bot sent them never reach the log, wherever an object carries it
 * (a Bot API error's payload, a reply, a Redis command's arguments).
 */
const REDACT = ['text', 'payload', 'replies', 'inbound', 'args', '*.text', '*.payload', '*.replies', '*.inbound', '*.args'];

/**
 * An error as its kind, code and message, without the request it failed on: telegraf's errors carry
 * the whole payload (`on.payload`: chat id and text), ioredis's the command's arguments (keys naming people).
 */
function errorSerializer(err: unknown): unknown {
  if (!(err instanceof Error)) return typeof err === 'string' ? pseudonymise(err) : err;
  const e = err as Error & { code?: unknown; description?: unknown; on?: { method?: unknown } };
  return {
    type: e.name,
    message: pseudonymise(e.message),
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(typeof e.on?.method === 'string' ? { method: e.on.method } : {}),
    ...(e.stack ? { stack: pseudonymise(e.stack) } : {}),
  };
}

/** Top-level strings may name people too (a job id, a record's key). */
function pseudonymiseFields(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj))
    out[k] = PERSON_FIELDS.has(k) && typeof v === 'string' ? personRef(v) : typeof v === 'string' ? pseudonymise(v) : v;
  return out;
}

/** `destination`: where the JSON lines go (stdout by default; tests read them). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'xhht-bot' },
      serializers: { err: errorSerializer },
      formatters: { log: pseudonymiseFields },
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    destination,
  );
}
