import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app/app.js';
import { bodyBytes } from '../../http/body.js';
import { HttpError } from '../../http/errors.js';
import { secretHeaderCheck } from '../../http/secret-header.js';
import type { ZaloConversations } from './conversations.js';
import { describeIssue, zaloId, type EventParse } from './events.js';
import { accept, jsonOf } from './webhook.js';

const SECRET_HEADER = 'x-bot-api-secret-token';

const updateSchema = z.object({
  event_name: z.string().min(1).max(64),
  message: z
    .object({
      message_id: zaloId,
      chat: z.object({ id: zaloId, chat_type: z.string().optional() }),
      text: z.string().max(20_000).optional(),
    })
    .optional(),
});

/** Zalo wraps the update as {"ok": true, "result": {...}}, as getUpdates answers; a bare update is taken too. */
const bodySchema = z.union([z.object({ result: updateSchema }).transform((b) => b.result), updateSchema]);

/**
 * Text in a private chat becomes a message; the rest (stickers, photos, groups, which a basic Zalo
 * bot cannot join anyway) is acknowledged and left alone.
 */
export function parseBotUpdate(body: unknown): EventParse {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: describeIssue(parsed.error) };
  const { event_name: name, message } = parsed.data;
  if (name !== 'message.text.received' || !message || message.text === undefined || message.chat.chat_type === 'GROUP') {
    return { ok: true, event: { kind: 'ignored', name } };
  }
  return { ok: true, event: { kind: 'message', user: message.chat.id, dedupKey: `bot:${message.message_id}`, text: message.text } };
}

export interface BotWebhookDeps {
  app: App;
  secret: string;
  conversations: ZaloConversations;
  running: () => boolean;
}

/**
 * POST /webhooks/zalo in Zalo Bot mode: the secret header is compared in constant time (as hashes of
 * equal length) before the body is read; then the same dedup, quick answer and ordered handling as
 * the Official Account mode.
 */
export function zaloBotWebhook({ app, secret, conversations, running }: BotWebhookDeps) {
  const rightSecret = secretHeaderCheck(secret);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!running()) throw new HttpError(503, 'the Zalo channel is not running');
    if (!rightSecret(req.headers[SECRET_HEADER])) throw new HttpError(401, 'wrong or missing X-Bot-Api-Secret-Token');
    const parsed = parseBotUpdate(jsonOf(bodyBytes(req)));
    if (!parsed.ok) throw new HttpError(400, parsed.error);
    if (parsed.event.kind === 'ignored') return reply.send({ ok: true, ignored: parsed.event.name });
    return accept(app, conversations, parsed.event, reply);
  };
}
