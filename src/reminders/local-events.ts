import { randomBytes } from 'node:crypto';
import { tryParseJson } from '../core/json.js';
import type { Redis } from '../store/redis.js';
import { localEventIdSchema, localEventSchema, type LocalEvent } from './events.js';

/** More than this in one area is a mistake (the settings table and every announcement run read them all). */
export const LOCAL_EVENTS_MAX = 50;

/**
 * Events organisers add for their area ("*": everywhere), one hash per area tagged by the area, so an
 * area's events are read, added and removed in one slot of a Redis Cluster. A set lists the areas
 * that have any, so the daily announcement reads those areas and never scans the keyspace.
 */
export class LocalEvents {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(area: string) {
    return `${this.prefix}rem:local:{${area}}`;
  }
  private get areasKey() {
    return `${this.prefix}rem:local-areas`;
  }

  /** A new id: the outbound key of each announcement carries it, so it is never reused. */
  static newId(): string {
    return `loc_${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
  }

  /** Adds the event unless the area has LOCAL_EVENTS_MAX already; events over before `today` are dropped first. */
  async add(event: LocalEvent, today: string): Promise<boolean> {
    const key = this.key(event.area);
    const over = (await this.of(event.area)).filter((e) => e.end < today).map((e) => e.id);
    if (over.length) await this.redis.hdel(key, ...over);
    if ((await this.redis.hlen(key)) >= LOCAL_EVENTS_MAX) return false;
    // The index first: an event never sits in an area the announcements do not read.
    await this.redis.sadd(this.areasKey, event.area);
    await this.redis.hset(key, event.id, JSON.stringify(localEventSchema.parse(event)));
    return true;
  }

  async remove(area: string, id: string): Promise<LocalEvent | undefined> {
    if (!localEventIdSchema.safeParse(id).success) return undefined;
    const found = (await this.of(area)).find((e) => e.id === id);
    if (found) await this.redis.hdel(this.key(area), id);
    return found;
  }

  /** The events added for one area, by start date; a broken record is ignored. */
  async of(area: string): Promise<LocalEvent[]> {
    const raw = await this.redis.hgetall(this.key(area));
    const out: LocalEvent[] = [];
    for (const json of Object.values(raw)) {
      const parsed = localEventSchema.safeParse(tryParseJson(json));
      if (parsed.success && parsed.data.area === area) out.push(parsed.data);
    }
    return out.sort((a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id));
  }

  /** The events people of `areas` hear of: theirs, the areas above them (in the list) and everywhere's. */
  async within(areas: readonly string[]): Promise<LocalEvent[]> {
    return (await Promise.all([...new Set(areas)].map((a) => this.of(a)))).flat();
  }

  /** Every area's events, for the daily announcements. */
  async all(): Promise<LocalEvent[]> {
    return this.within(await this.redis.smembers(this.areasKey));
  }
}
