import { createHash, randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../src/core/clock.js';

export interface ZaloWebhookDriverOptions {
  /** The app's base URL; events go to POST <url>/webhooks/zalo. */
  url: string;
  appId: string;
  /** The secret Zalo signs with. */
  secret: string;
  oaId?: string;
  /** The app's clock: events are stamped with its time, as Zalo stamps them when they happen. */
  clock?: Clock;
}

export interface PostOptions {
  /** A header value to send instead of the correct one; null sends no header at all. */
  signature?: string | null;
  /** Sign with this secret instead of the right one. */
  signWith?: string;
  /** The event's timestamp instead of the current time (an old event replayed, say). */
  timestamp?: string;
}

export interface PostResult {
  status: number;
  json: unknown;
}

/**
 * Posts webhook events the way Zalo does: a JSON body and X-ZEvent-Signature = "mac=" + hex sha256 of
 * app id + raw body + timestamp + secret. The hash is computed here independently of the bot's code.
 */
export class ZaloWebhookDriver {
  private last = 0;
  readonly oaId: string;

  constructor(private readonly opts: ZaloWebhookDriverOptions) {
    this.oaId = opts.oaId ?? '2491302944280861639';
  }

  /** The current time as an event timestamp (ms, as a string like Zalo's), never the same one twice. */
  timestamp(): string {
    this.last = Math.max((this.opts.clock ?? systemClock).now().getTime(), this.last + 1);
    return String(this.last);
  }

  sign(raw: string, timestamp: string, secret = this.opts.secret): string {
    return 'mac=' + createHash('sha256').update(this.opts.appId + raw + timestamp + secret, 'utf8').digest('hex');
  }

  /** Posts a raw body signed with `timestamp` (the one inside the body). */
  async postRaw(raw: string, timestamp: string, opts: PostOptions = {}): Promise<PostResult> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const signature = opts.signature === undefined ? this.sign(raw, timestamp, opts.signWith) : opts.signature;
    if (signature !== null) headers['x-zevent-signature'] = signature;
    const res = await fetch(`${this.opts.url}/webhooks/zalo`, { method: 'POST', headers, body: raw });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json };
  }

  /** Posts an event object; its timestamp is filled in when absent (opts.timestamp, else the current time). */
  post(event: Record<string, unknown>, opts: PostOptions = {}): Promise<PostResult> {
    const timestamp = typeof event.timestamp === 'string' ? event.timestamp : (opts.timestamp ?? this.timestamp());
    const body = { app_id: this.opts.appId, ...event, timestamp };
    return this.postRaw(JSON.stringify(body), timestamp, opts);
  }

  text(userId: string, text: string, opts: PostOptions & { msgId?: string } = {}): Promise<PostResult> {
    return this.post(
      {
        event_name: 'user_send_text',
        user_id_by_app: '55' + userId.slice(-10),
        sender: { id: userId },
        recipient: { id: this.oaId },
        message: { msg_id: opts.msgId ?? randomBytes(16).toString('hex'), text },
      },
      opts,
    );
  }

  image(userId: string, url: string, opts: { msgId?: string; text?: string } = {}): Promise<PostResult> {
    return this.post({
      event_name: 'user_send_image',
      sender: { id: userId },
      recipient: { id: this.oaId },
      message: { msg_id: opts.msgId ?? randomBytes(16).toString('hex'), ...(opts.text ? { text: opts.text } : {}), attachments: [{ type: 'image', payload: { thumbnail: url, url } }] },
    });
  }

  follow(userId: string, opts: PostOptions = {}): Promise<PostResult> {
    return this.post({ event_name: 'follow', oa_id: this.oaId, follower: { id: userId }, source: 'oa_profile', user_id_by_app: '55' + userId.slice(-10) }, opts);
  }

  unfollow(userId: string): Promise<PostResult> {
    return this.post({ event_name: 'unfollow', oa_id: this.oaId, follower: { id: userId }, source: 'oa_profile', user_id_by_app: '55' + userId.slice(-10) });
  }
}
