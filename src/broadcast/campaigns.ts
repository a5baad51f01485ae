import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { vnDate } from '../core/clock.js';
import { tryParseJson } from '../core/json.js';
import { userIdSchema } from '../core/message.js';
import { CLAIM_DUE, TRANSITION } from './lua/campaigns.js';
import type { Redis } from '../store/redis.js';

export const TEMPLATES = ['llw_opening', 'book_day'] as const;
export const templateSchema = z.enum(TEMPLATES);

/** Zalo's text messages hold up to 2,000 characters; Telegram's 4,096. */
export const MAX_TEXT = 2000;

/** Areas one broadcast may name (each includes everything inside it). */
export const MAX_AREAS = 50;

export const audienceSchema = z.object({
  /** Provinces or communes; each includes everything inside it. */
  areas: z.array(z.string().min(1).max(100)).min(1).max(MAX_AREAS),
  role: z.enum(['citizens', 'officers', 'everyone']),
  lang: z.enum(['vi', 'en', 'any']),
  channel: z.enum(['web', 'telegram', 'zalo', 'any']),
});
export type Audience = z.infer<typeof audienceSchema>;

/** A link as an organiser may add one: a web address on a named host (the chat and the console check it alike). */
export const broadcastLinkSchema = z.url({ protocol: /^https?$/, hostname: z.regexes.domain }).max(500);

export const contentSchema = z
  .object({
    text: z.string().trim().min(1).max(MAX_TEXT).optional(),
    template: templateSchema.optional(),
    link: z.url({ protocol: /^https?$/ }).max(500).optional(),
  })
  .refine((c) => (c.text === undefined) !== (c.template === undefined), 'either a text or a template');
export type Content = z.infer<typeof contentSchema>;

/**
 * In whose name it goes out, as recipients read it: the organiser's area and, when their invite named
 * one, their unit (data/units.yaml). Records made before it was kept name the audience's area instead.
 */
export const senderSchema = z.object({ area: z.string().min(1).max(100).optional(), unit: z.string().min(1).max(32).optional() });
export type Sender = z.infer<typeof senderSchema>;

/** What never changes once a broadcast is confirmed: the log's who, when, to whom and what. */
export const specSchema = z.object({
  id: z.string().regex(/^bc-\d{8}-[a-z0-9]{6}$/),
  by: userIdSchema,
  createdAt: z.number().int(),
  /** When it goes out (epoch ms); the creation time for "send now". */
  at: z.number().int(),
  audience: audienceSchema,
  content: contentSchema,
  sender: senderSchema.optional(),
});
export type Spec = z.infer<typeof specSchema>;

export const STATUSES = ['scheduled', 'sending', 'done', 'cancelled'] as const;
const num = z.coerce.number().int().optional();
const stateSchema = z.object({
  status: z.enum(STATUSES),
  /** Messages handed to the outbound queue. */
  recipients: num,
  enqueuedAt: num,
  doneAt: num,
  cancelledAt: num,
  cancelledBy: z.string().optional(),
  /** Why it was cancelled when nobody asked (the organiser lost the role). */
  cancelReason: z.string().optional(),
});
export type Campaign = Spec & z.infer<typeof stateSchema>;

/**
 * Every broadcast, kept for good as the log of who sent what to whom and when: a hash per broadcast
 * (the spec as JSON, never changed, and its status), a sorted set of all by creation time, one of
 * those waiting for their time and one of those being sent.
 */
export class CampaignStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(id: string): string {
    return `${this.prefix}{bc}:c:${id}`;
  }

  private get logKey(): string {
    return `${this.prefix}{bc}:log`;
  }

  private get dueKey(): string {
    return `${this.prefix}{bc}:due`;
  }

  private get sendingKey(): string {
    return `${this.prefix}{bc}:sending`;
  }

  static newId(at: Date): string {
    return `bc-${vnDate(at).replace(/-/g, '')}-${randomBytes(4).toString('hex').slice(0, 6)}`;
  }

  async create(spec: Spec): Promise<Campaign> {
    const parsed = specSchema.parse(spec);
    await this.redis
      .multi()
      .hset(this.key(parsed.id), 'id', parsed.id, 'spec', JSON.stringify(parsed), 'status', 'scheduled')
      .zadd(this.logKey, parsed.createdAt, parsed.id)
      .zadd(this.dueKey, parsed.at, parsed.id)
      .exec();
    return { ...parsed, status: 'scheduled' };
  }

  async get(id: string): Promise<Campaign | undefined> {
    if (!/^bc-\d{8}-[a-z0-9]{6}$/.test(id)) return undefined;
    const raw = await this.redis.hgetall(this.key(id));
    const spec = specSchema.safeParse(tryParseJson(raw.spec));
    const state = stateSchema.safeParse(raw);
    if (!spec.success || !state.success) return undefined;
    return { ...spec.data, ...state.data };
  }

  /** Newest first; `by` keeps one person's. */
  async list(opts: { by?: string; status?: Campaign['status']; limit?: number } = {}): Promise<Campaign[]> {
    const limit = opts.limit ?? 20;
    const out: Campaign[] = [];
    let offset = 0;
    while (out.length < limit) {
      const ids = await this.redis.zrevrange(this.logKey, offset, offset + 99);
      if (!ids.length) break;
      offset += ids.length;
      for (const c of await Promise.all(ids.map((id) => this.get(id)))) {
        if (!c || (opts.by && c.by !== opts.by) || (opts.status && c.status !== opts.status)) continue;
        out.push(c);
        if (out.length >= limit) break;
      }
    }
    return out;
  }

  async createdSince(ms: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.logKey, ms, '+inf');
  }

  /** Broadcasts whose time has come, now held by this caller until `leaseUntil`. */
  async claimDue(now: number, leaseUntil: number): Promise<string[]> {
    return (await CLAIM_DUE.run(this.redis, [this.dueKey], [now, leaseUntil, `${this.prefix}{bc}:c:`])) as string[];
  }

  /** Holds a claimed broadcast longer while it is still being queued. */
  async extendLease(id: string, until: number): Promise<void> {
    await this.redis.zadd(this.dueKey, 'XX', until, id);
  }

  /** All its messages are queued: it now waits for the last of them to be sent. */
  async enqueued(id: string, recipients: number, at: number): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key(id), 'recipients', recipients, 'enqueuedAt', at)
      .zrem(this.dueKey, id)
      .zadd(this.sendingKey, at, id)
      .exec();
  }

  async sending(): Promise<string[]> {
    return this.redis.zrange(this.sendingKey, 0, -1);
  }

  /**
   * 'OK', or the status it had instead ('' when there is no such broadcast). Only a scheduled one can
   * be cancelled by a person; the service also stops one it is starting (from "sending").
   */
  async cancel(id: string, by: string, now: number, opts: { reason?: string; from?: 'scheduled' | 'sending' } = {}): Promise<string> {
    const fields = ['cancelledAt', now, 'cancelledBy', by, ...(opts.reason ? ['cancelReason', opts.reason] : [])];
    return String(await TRANSITION.run(this.redis, [this.key(id), this.dueKey], [opts.from ?? 'scheduled', 'cancelled', ...fields]));
  }

  /** Marks a sending broadcast done, once: true for the one caller that did it. */
  async complete(id: string, now: number): Promise<boolean> {
    return (await TRANSITION.run(this.redis, [this.key(id), this.sendingKey], ['sending', 'done', 'doneAt', now])) === 'OK';
  }
}
