import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app/app.js';
import { bodyBytes } from '../../http/body.js';
import { HttpError } from '../../http/errors.js';
import type { AcceptedEvent, ZaloConversations } from './conversations.js';
import { envelopeSchema, parseEvent } from './events.js';
import { parseExactJson } from './exact-json.js';
import { signatureMatches, zaloSignature } from './signature.js';

/** Zalo retries a delivery for a while; a day covers every retry. Older events are not handled. */
const EVENT_MAX_AGE_MS = 86_400_000;
/** How far ahead of our clock Zalo's may stamp an event: servers' clocks differ by seconds, not minutes. */
const EVENT_MAX_AHEAD_MS = 10 * 60_000;
/**
 * A delivery is remembered until its timestamp is too old to be taken (even one stamped ahead of our
 * clock), so a replay is refused by the one check or the other, never by neither.
 */
export const DEDUP_TTL_S = (EVENT_MAX_AGE_MS + EVENT_MAX_AHEAD_MS) / 1000 + 60;

/**
 * Whether a signed event is recent enough to handle. A signature proves Zalo sent it once, not now:
 * a recorded event replayed after its dedup mark has expired would otherwise be handled again.
 */
export function eventFresh(timestamp: string, now: Date): boolean {
  if (!/^\d{1,16}$/.test(timestamp)) return false;
  const age = now.getTime() - Number(timestamp);
  return age <= EVENT_MAX_AGE_MS && age >= -EVENT_MAX_AHEAD_MS;
}

/** The body read exactly (ids beyond 2^53 stay strings); not JSON is a 400. */
export function jsonOf(raw: Buffer): unknown {
  try {
    return parseExactJson(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}

/**
 * Hands the event to the conversations and answers at once, with no Redis command before the answer: a
 * message's turn marks it seen as it opens (in the round trip that reads the session), so a redelivery
 * is dropped there, and an unfollow is the same twice. While the store is known to be away the answer
 * is 503, so that Zalo delivers the event again later.
 */
export function accept(app: App, conversations: ZaloConversations, event: AcceptedEvent, reply: FastifyReply): FastifyReply {
  if (!app.inMemory && app.redis.status !== 'ready') {
    app.log.error({ redis: app.redis.status }, 'Zalo webhook: store unavailable, asking Zalo to deliver again');
    throw new HttpError(503, 'store unavailable, deliver again later');
  }
  conversations.accept(event);
  return reply.send({ ok: true });
}

export interface WebhookDeps {
  app: App;
  appId: string;
  /** The secret Zalo signs with (ZALO_WEBHOOK_SECRET picks which). */
  secret: string;
  conversations: ZaloConversations;
  running: () => boolean;
}

/**
 * POST /webhooks/zalo. Checks the signature on the raw bytes before anything else is believed (401
 * for a missing or wrong one, and for a body too broken to check it on), acknowledges but leaves alone
 * an event stamped more than a day ago or well ahead of now, answers at once (retried deliveries are
 * dropped as their turn opens), and leaves the conversation to run afterwards (Zalo wants
 * an answer within 2 s).
 */
export function zaloWebhook({ app, appId, secret, conversations, running }: WebhookDeps) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!running()) throw new HttpError(503, 'the Zalo channel is not running');
    const raw = bodyBytes(req);
    const signature = req.headers['x-zevent-signature'];
    if (typeof signature !== 'string' || !signature.trim()) throw new HttpError(401, 'missing X-ZEvent-Signature');
    let body: unknown;
    try {
      body = parseExactJson(raw.toString('utf8'));
    } catch {
      body = undefined;
    }
    const envelope = envelopeSchema.safeParse(body);
    // The signature covers the timestamp inside the body: without one it cannot be checked, so nothing is believed.
    if (!envelope.success) throw new HttpError(401, 'not a signed Zalo event (no event_name or timestamp)');
    const { event_name: name, timestamp } = envelope.data;
    if (!signatureMatches(signature, zaloSignature(appId, raw, timestamp, secret))) throw new HttpError(401, 'signature does not match');
    // Acknowledged all the same: Zalo would keep delivering an event it got an error for.
    if (!eventFresh(timestamp, app.clock.now())) {
      app.log.warn({ event: name, timestamp }, 'Zalo webhook: event too old or stamped in the future, not handled (a replay?)');
      return reply.send({ ok: true, stale: true });
    }

    const parsed = parseEvent(name, body, timestamp);
    if (!parsed.ok) throw new HttpError(400, parsed.error);
    const event = parsed.event;
    if (event.kind === 'ignored') return reply.send({ ok: true, ignored: event.name });

    return accept(app, conversations, event, reply);
  };
}
