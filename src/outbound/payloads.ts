import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { App } from '../app/app.js';
import { tryParseJson } from '../core/json.js';
import { replySchema } from '../core/message.js';
import type { Redis } from '../store/redis.js';
import type { OutboundKind, OutboundMessage } from './types.js';

/** Long enough for any backlog or retry; refreshed each time the same content is queued again. */
const PAYLOAD_TTL_S = 30 * 86_400;
const CACHE_MAX = 256;

const kinds = ['reminder', 'broadcast', 'news', 'notice'] as const satisfies readonly OutboundKind[];

export const payloadSchema = z.object({
  kind: z.enum(kinds),
  replies: z.array(replySchema).min(1),
  template: z.object({ id: z.string(), data: z.record(z.string(), z.string()) }).optional(),
});
export type Payload = z.infer<typeof payloadSchema>;

export function payloadOf(m: OutboundMessage): Payload {
  return { kind: m.kind, replies: m.replies, ...(m.template ? { template: m.template } : {}) };
}

/**
 * What a message says, stored once per distinct content: a broadcast to 100,000 people keeps one copy
 * (two with both languages) instead of one per queued job, which keeps Redis memory per recipient small.
 */
export class PayloadStore {
  private readonly cache = new Map<string, Payload>();

  constructor(
    private readonly app: App,
    private readonly redis: Redis,
  ) {}

  private key(id: string): string {
    return `${this.app.prefix}out:payload:${id}`;
  }

  static idOf(p: Payload): string {
    return createHash('sha1').update(JSON.stringify(p)).digest('base64url').slice(0, 22);
  }

  /**
   * A notice is about one person (a file's result, with the officer's reason naming them): its payload
   * is theirs alone, found again from its send-once key and recipient when they erase their data.
   */
  static personalId(key: string, user: string): string {
    return createHash('sha1').update(`notice\n${key}\n${user}`).digest('base64url').slice(0, 22);
  }

  /** Erases the personal payloads of these (key, person) messages. */
  async forgetPersonal(messages: { key: string; user: string }[]): Promise<void> {
    const ids = messages.map((m) => PayloadStore.personalId(m.key, m.user));
    for (const id of ids) this.cache.delete(id);
    // One key per command: on a cluster the payloads live in different slots.
    await Promise.all(ids.map((id) => this.redis.del(this.key(id))));
  }

  /** Stores each distinct payload of the batch; returns the id of each message's payload, in order. */
  async save(messages: OutboundMessage[]): Promise<string[]> {
    const ids: string[] = [];
    const fresh = new Map<string, Payload>();
    for (const m of messages) {
      const p = payloadOf(m);
      const id = m.kind === 'notice' ? PayloadStore.personalId(m.key, m.user) : PayloadStore.idOf(p);
      ids.push(id);
      fresh.set(id, p);
    }
    // Separate commands, not a transaction: on a cluster the payloads live in different slots.
    await Promise.all([...fresh].map(([id, p]) => this.redis.set(this.key(id), JSON.stringify(p), 'EX', PAYLOAD_TTL_S)));
    return ids;
  }

  async get(id: string): Promise<Payload | undefined> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const parsed = payloadSchema.safeParse(tryParseJson(await this.redis.get(this.key(id))));
    if (!parsed.success) return undefined;
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(id, parsed.data);
    return parsed.data;
  }
}
