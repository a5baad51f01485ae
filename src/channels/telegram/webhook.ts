import { createHmac } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { jsonBody } from '../../http/body.js';
import { HttpError } from '../../http/errors.js';
import { secretHeaderCheck } from '../../http/secret-header.js';
import { REDELIVER, type TelegramChannel } from './channel.js';
import { updateSchema } from './update.js';

export const WEBHOOK_PATH = '/webhooks/telegram';
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** An update is a few kilobytes; a message quoting another at most some tens. */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;

/** Without TELEGRAM_WEBHOOK_SECRET the secret is derived from the token, so a webhook is never left open. */
export function webhookSecret(configured: string | undefined, token: string): string {
  return configured ?? createHmac('sha256', token).update('telegram-webhook-secret').digest('base64url');
}

/**
 * POST /webhooks/telegram: the secret header is compared in constant time (hashes of equal length)
 * before the body is parsed; a mismatch is a 403 and nothing else happens. The answer goes out once
 * the update is handled, and carries one Bot API call that Telegram makes itself: a button's answer,
 * or else the last message of the reply (the ones before it already sent through the API; see
 * TelegramChannel.deliver for when it goes through the API instead).
 */
export function telegramWebhook(channel: TelegramChannel, secret: string) {
  const rightSecret = secretHeaderCheck(secret);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!rightSecret(req.headers[SECRET_HEADER])) throw new HttpError(403, 'wrong secret token');
    // Telegram retries a 503 later, by which time this or another instance is ready.
    if (!channel.ready) throw new HttpError(503, 'the Telegram channel is not ready');
    const update = jsonBody(req, updateSchema);
    const answer = await channel.receive(update, { webhook: true });
    // Redis down or full: nothing was done, and Telegram delivers the update again later.
    if (answer === REDELIVER) throw new HttpError(503, 'the store is unavailable');
    return answer ? reply.send(answer) : reply.code(200).send();
  };
}
