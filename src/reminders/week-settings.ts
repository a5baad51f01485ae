import { tryParseJson } from '../core/json.js';
import type { Redis } from '../store/redis.js';
import { weekSettingSchema, type WeekSetting } from './events.js';

/**
 * The dates and theme organisers set in the chat for a year, per area ("*" for everywhere). They
 * override plans/events.yaml; records read back are checked, a broken one is ignored.
 */
export class WeekSettings {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(eventId: string, year: number) {
    return `${this.prefix}rem:week:${eventId}:${year}`;
  }

  async set(eventId: string, scope: string, setting: WeekSetting): Promise<void> {
    const year = Number(setting.start.slice(0, 4));
    await this.redis.hset(this.key(eventId, year), scope, JSON.stringify(weekSettingSchema.parse(setting)));
  }

  /** Drops the setting of one year and scope: the area then follows the one above it, or the plan. */
  async clear(eventId: string, year: number, scope: string): Promise<boolean> {
    return (await this.redis.hdel(this.key(eventId, year), scope)) === 1;
  }

  async forYear(eventId: string, year: number): Promise<Map<string, WeekSetting>> {
    const raw = await this.redis.hgetall(this.key(eventId, year));
    const out = new Map<string, WeekSetting>();
    for (const [scope, json] of Object.entries(raw)) {
      const parsed = weekSettingSchema.safeParse(tryParseJson(json));
      if (parsed.success) out.set(scope, parsed.data);
    }
    return out;
  }
}
