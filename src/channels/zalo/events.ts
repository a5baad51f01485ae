import { z } from 'zod';
import type { Attachment } from '../../core/message.js';

/**
 * Zalo ids come as strings, or as bare numbers that parseExactJson has already turned into
 * strings when they exceed 2^53; a small number is exact and becomes its digits.
 */
export const zaloId = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform(String)
  .pipe(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id of at most 64 letters, digits, "_" or "-"'));

/** What every event carries: checked before the signature, which hashes the timestamp. */
export const envelopeSchema = z.object({
  event_name: z.string().min(1).max(64),
  timestamp: zaloId,
});

const party = z.object({ id: zaloId });

const textEvent = z.object({
  event_name: z.literal('user_send_text'),
  sender: party,
  message: z.object({ msg_id: zaloId, text: z.string().max(20_000) }),
});

const attachment = z.object({
  type: z.string(),
  payload: z.object({ url: z.url().max(512), name: z.string().max(256).optional() }),
});

const attachmentEvent = z.object({
  event_name: z.enum(['user_send_image', 'user_send_file']),
  sender: party,
  message: z.object({
    msg_id: zaloId,
    text: z.string().max(20_000).optional(),
    // At least one; the first is the one kept.
    attachments: z.tuple([attachment]).rest(attachment),
  }),
});

/** follow and unfollow name the person as `follower`; older payloads as `sender`. */
const followEvent = z
  .object({ event_name: z.enum(['follow', 'unfollow']), follower: party.optional(), sender: party.optional() })
  .refine((e) => e.follower ?? e.sender, { message: 'follower.id is required', path: ['follower'] });

const submitInfoEvent = z.object({ event_name: z.literal('user_submit_info'), sender: party });

export type ZaloEvent =
  | { kind: 'message'; user: string; dedupKey: string; text?: string; attachment?: Attachment }
  | { kind: 'follow' | 'unfollow' | 'submit_info'; user: string; dedupKey: string }
  | { kind: 'ignored'; name: string };

export type EventParse = { ok: true; event: ZaloEvent } | { ok: false; error: string };

/** The first problem zod found, as "field.path: message". */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.length ? issue.path.join('.') + ': ' : ''}${issue?.message ?? 'invalid event'}`;
}

function problem(error: z.ZodError): EventParse {
  return { ok: false, error: describeIssue(error) };
}

/**
 * Turns a signed event into what the channel acts on. Messages deduplicate on msg_id; events without
 * one on their name, person and timestamp, since a retried delivery repeats all three.
 */
export function parseEvent(name: string, body: unknown, timestamp: string): EventParse {
  switch (name) {
    case 'user_send_text': {
      const p = textEvent.safeParse(body);
      if (!p.success) return problem(p.error);
      return { ok: true, event: { kind: 'message', user: p.data.sender.id, dedupKey: `m:${p.data.message.msg_id}`, text: p.data.message.text } };
    }
    case 'user_send_image':
    case 'user_send_file': {
      const p = attachmentEvent.safeParse(body);
      if (!p.success) return problem(p.error);
      const first = p.data.message.attachments[0];
      const attachment: Attachment = {
        kind: name === 'user_send_image' ? 'photo' : 'document',
        fileId: first.payload.url,
        ...(first.payload.name ? { name: first.payload.name } : {}),
      };
      const text = p.data.message.text?.trim() ? p.data.message.text : undefined;
      return { ok: true, event: { kind: 'message', user: p.data.sender.id, dedupKey: `m:${p.data.message.msg_id}`, text, attachment } };
    }
    case 'follow':
    case 'unfollow': {
      const p = followEvent.safeParse(body);
      if (!p.success) return problem(p.error);
      const user = (p.data.follower ?? p.data.sender)?.id as string;
      return { ok: true, event: { kind: name, user, dedupKey: `${name}:${user}:${timestamp}` } };
    }
    case 'user_submit_info': {
      const p = submitInfoEvent.safeParse(body);
      if (!p.success) return problem(p.error);
      return { ok: true, event: { kind: 'submit_info', user: p.data.sender.id, dedupKey: `info:${p.data.sender.id}:${timestamp}` } };
    }
    default:
      return { ok: true, event: { kind: 'ignored', name } };
  }
}
