import type { Logger } from '../../core/logger.js';
import { tryParseJson } from '../../core/json.js';
import type { Redis } from '../../store/redis.js';
import { whenReady } from '../../store/redis.js';
import { historyEntrySchema, type HistoryEntry } from './history.js';

type Listener = (entries: HistoryEntry[]) => void;
interface Page {
  listener: Listener;
  evict: () => void;
}

/** Pages one person may keep open at once; the oldest is closed beyond that. */
const PAGES_PER_PERSON = 5;

/**
 * Open pages waiting for proactive messages. A message may be sent by another instance (the outbound
 * worker), so with a real Redis it travels over pub/sub; the in-memory store has one process only.
 */
export class LivePages {
  private readonly listeners = new Map<string, Page[]>();
  private subscriber?: Promise<Redis>;

  constructor(
    private readonly redis: Redis,
    private readonly channel: string,
    private readonly local: boolean,
    private readonly log: Logger,
  ) {}

  /** Returns the function that stops listening; `evict` is called when too many pages are open. */
  async listen(user: string, listener: Listener, evict: () => void): Promise<() => void> {
    if (!this.local) await this.subscribe();
    const list = this.listeners.get(user) ?? [];
    const page: Page = { listener, evict };
    list.push(page);
    this.listeners.set(user, list);
    while (list.length > PAGES_PER_PERSON) list.shift()?.evict();
    return () => {
      const now = this.listeners.get(user)?.filter((p) => p !== page) ?? [];
      if (now.length) this.listeners.set(user, now);
      else this.listeners.delete(user);
    };
  }

  async publish(user: string, entries: HistoryEntry[]): Promise<void> {
    if (this.local) this.deliver(user, entries);
    else await this.redis.publish(this.channel, JSON.stringify({ user, entries }));
  }

  private deliver(user: string, entries: HistoryEntry[]): void {
    for (const p of this.listeners.get(user) ?? []) p.listener(entries);
  }

  private subscribe(): Promise<Redis> {
    this.subscriber ??= (async () => {
      const sub = this.redis.duplicate();
      sub.on('message', (_channel: string, raw: string) => {
        const msg = tryParseJson(raw) as { user?: unknown; entries?: unknown } | undefined;
        if (typeof msg?.user !== 'string' || !Array.isArray(msg.entries) || !this.listeners.has(msg.user)) return;
        const entries = msg.entries.flatMap((e) => {
          const parsed = historyEntrySchema.safeParse(e);
          return parsed.success ? [parsed.data] : [];
        });
        this.deliver(msg.user, entries);
      });
      await whenReady(sub);
      await sub.subscribe(this.channel);
      return sub;
    })().catch((err: unknown) => {
      this.subscriber = undefined;
      this.log.error({ err: err instanceof Error ? err.message : String(err) }, 'web chat: live messages unavailable');
      throw err;
    });
    return this.subscriber;
  }

  /** Closes every open page (they reconnect to another instance) and the subscription. */
  async close(): Promise<void> {
    for (const list of [...this.listeners.values()]) for (const p of list) p.evict();
    this.listeners.clear();
    const sub = this.subscriber;
    this.subscriber = undefined;
    if (sub) (await sub.catch(() => undefined))?.disconnect();
  }
}
