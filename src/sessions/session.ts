import { z } from 'zod';
import { tryParseJson } from '../core/json.js';
import { choiceSchema } from '../core/message.js';
import { languageSchema } from '../i18n/index.js';

/** Bump when the shape changes; older sessions are then reset politely instead of misread. */
export const SESSION_VERSION = 1;

export const sessionSchema = z.object({
  v: z.literal(SESSION_VERSION),
  lang: languageSchema,
  /** Where the conversation waits: a flow and one of its steps. */
  flow: z.string(),
  step: z.string(),
  /** Answers and working values of the flows, by the paths their steps save to. */
  data: z.record(z.string(), z.unknown()),
  /** Choices computed at run time and offered at the current step, to match the answer against. */
  offered: z.array(choiceSchema).optional(),
});
export type Session = z.infer<typeof sessionSchema>;

export type LoadedSession =
  | { kind: 'none' }
  | { kind: 'ok'; session: Session }
  | { kind: 'corrupt'; reason: string };

export function decodeSession(raw: string | null | undefined): LoadedSession {
  if (raw == null) return { kind: 'none' };
  const json = tryParseJson(raw);
  if (json === undefined) return { kind: 'corrupt', reason: 'not JSON' };
  const parsed = sessionSchema.safeParse(json);
  if (!parsed.success) return { kind: 'corrupt', reason: parsed.error.issues[0]?.message ?? 'invalid' };
  return { kind: 'ok', session: parsed.data };
}

export function encodeSession(session: Session): string {
  return JSON.stringify(sessionSchema.parse(session));
}
