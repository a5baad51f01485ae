import { z } from 'zod';
import type { InputKind, InputResult } from '../engine/registry.js';
import type { Criteria } from './criteria.js';

const fail = (error: string, params?: Record<string, unknown>): InputResult => ({ ok: false, error, params });

const NOTE_MAX = 300;
const URL_MAX = 500;

/** What the evidence kind gives back; the channel is added by the step's validator, which knows the turn. */
export type ParsedEvidence =
  | { type: 'file'; kind: 'photo' | 'document' | 'audio' | 'video'; fileId: string; mime?: string; name?: string; caption?: string }
  | { type: 'link'; url: string; text?: string }
  | { type: 'note'; text: string };

function asLink(text: string): string | undefined {
  if (!/^(https?:\/\/|www\.)\S+$/i.test(text)) return undefined;
  try {
    const url = new URL(/^www\./i.test(text) ? `https://${text}` : text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Evidence ("minh chứng"): a photo or document sent in the chat (its caption kept), a link (alone or
 * with a few words saying what it is), or a short note in words.
 */
export const evidenceInput: InputKind<Record<string, never>> = {
  options: z.object({}).strict(),
  parse({ text, attachment }) {
    const typed = text.trim();
    if (attachment) {
      const caption = typed ? typed.slice(0, NOTE_MAX) : undefined;
      return { ok: true, value: { type: 'file', ...attachment, ...(caption ? { caption } : {}) } satisfies ParsedEvidence };
    }
    if (!typed) return fail('learning.bad_evidence');
    // A link alone, or with a few words saying what it shows, before or after it.
    const words = typed.split(/\s+/);
    const first = words[0] ?? '';
    const last = words.at(-1) ?? '';
    const [linkText, described] = /^(https?:|www\.)/i.test(first)
      ? [first, words.slice(1).join(' ')]
      : words.length > 1 && /^(https?:\/\/|www\.)/i.test(last)
        ? [last, words.slice(0, -1).join(' ')]
        : [undefined, undefined];
    if (linkText) {
      const url = asLink(linkText);
      if (!url) return fail('learning.bad_link');
      if (url.length > URL_MAX) return fail('learning.bad_link_long', { max: URL_MAX });
      const text = described?.replace(/^[\s:–-]+|[\s:–-]+$/gu, '');
      if (text && text.length > NOTE_MAX) return fail('common.invalid.text_long', { max: NOTE_MAX, length: text.length });
      return { ok: true, value: { type: 'link', url, ...(text && /[\p{L}\p{N}]/u.test(text) ? { text } : {}) } satisfies ParsedEvidence };
    }
    if (!/[\p{L}\p{N}]/u.test(typed) || typed.length < 3) return fail('learning.bad_evidence');
    if (typed.length > NOTE_MAX) return fail('common.invalid.text_long', { max: NOTE_MAX, length: typed.length });
    return { ok: true, value: { type: 'note', text: typed } satisfies ParsedEvidence };
  },
};

/** Numbers separated by spaces, commas, semicolons, "và" or "and"; "2-4" is 2, 3 and 4. */
function numberTokens(text: string): string[] | undefined {
  const cleaned = text.trim().replace(/(^|\s)(va|và|and)(?=\s|$)/giu, ' ');
  if (!/^[\d\s,;–-]+$/.test(cleaned)) return undefined;
  return cleaned.split(/[\s,;]+/).filter(Boolean);
}

/** Several indicators at once: "1 3 5", "1,3,5", "1-4 9". Saved as sorted unique numbers. */
export function indicatorsInput(criteria: Criteria): InputKind<Record<string, never>> {
  const max = criteria.indicators.length;
  return {
    options: z.object({}).strict(),
    parse({ text }) {
      const tokens = numberTokens(text);
      if (!tokens?.length) return fail('learning.bad_indicators', { max });
      const picked = new Set<number>();
      for (const token of tokens) {
        const range = /^(\d{1,2})[–-](\d{1,2})$/.exec(token);
        const [from, to] = range ? [Number(range[1]), Number(range[2])] : [Number(token), Number(token)];
        if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to > max || from > to) return fail('learning.bad_indicators', { max });
        for (let n = from; n <= to; n++) picked.add(n);
      }
      return { ok: true, value: [...picked].sort((a, b) => a - b) };
    },
  };
}

/** Every indicator's score at once, in order: "8 9 8 7 9 8 8 9 9 8". */
export function scoresInput(criteria: Criteria): InputKind<Record<string, never>> {
  const count = criteria.indicators.length;
  const max = criteria.file.score_max;
  return {
    options: z.object({}).strict(),
    parse({ text }) {
      const tokens = text.trim().split(/[\s,;]+/).filter(Boolean);
      if (tokens.length < 2 || !tokens.every((t) => /^\d+$/.test(t))) return fail('learning.bad_score_pick', { count, max });
      if (tokens.length !== count) return fail('learning.bad_scores_count', { count, given: tokens.length });
      const scores = tokens.map(Number);
      if (scores.some((s) => s > max)) return fail('learning.bad_score', { max });
      return { ok: true, value: scores };
    },
  };
}
