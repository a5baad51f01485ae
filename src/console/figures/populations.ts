import { z } from 'zod';
import { tryParseJson } from '../../core/json.js';
import type { Redis } from '../../store/redis.js';

/** A commune's population as its officers gave it in the console, with the year and where the number comes from. */
export const givenPopulationSchema = z.object({
  population: z.number().int().positive(),
  year: z.number().int(),
  source: z.string(),
  /** When it was given (the audit log says who). */
  at: z.number().int(),
});
export type GivenPopulation = z.infer<typeof givenPopulationSchema>;

/**
 * Populations that `data/areas.yaml` lacks (no public source gives the 2025 communes'), given by the
 * communes themselves: one small hash per province (field: the commune's id), tagged with the province
 * so a province's dashboard reads it in one HGETALL on a Redis Cluster too.
 */
export class GivenPopulations {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(province: string): string {
    return `${this.prefix}lc:pop:{${province}}`;
  }

  async set(province: string, area: string, given: GivenPopulation): Promise<void> {
    await this.redis.hset(this.key(province), area, JSON.stringify(given));
  }

  /** Every commune of the province with a population given. */
  async read(province: string): Promise<Map<string, GivenPopulation>> {
    const raw = await this.redis.hgetall(this.key(province));
    const out = new Map<string, GivenPopulation>();
    for (const [area, value] of Object.entries(raw)) {
      const parsed = givenPopulationSchema.safeParse(tryParseJson(value));
      if (parsed.success) out.set(area, parsed.data);
    }
    return out;
  }
}
