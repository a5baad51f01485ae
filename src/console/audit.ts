import { z } from 'zod';
import { tryParseJson } from '../core/json.js';
import type { Redis } from '../store/redis.js';

/** The newest entries kept; older ones drop off (export the log before it grows past this). */
export const AUDIT_KEEP = 100_000;
const PAGE = 1_000;

export const auditEntrySchema = z.object({
  at: z.number().int(),
  /** The person as logs name them (personRef), never their id. */
  who: z.string(),
  /** The console role they acted under. */
  role: z.string(),
  action: z.string(),
  /** What the action was on: a page, a file id, an area; never a person's raw id. */
  target: z.string(),
  area: z.string().optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Every privileged console action, newest first, for administrators to read and export. */
export class AuditLog {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.redis.multi().lpush(this.key, JSON.stringify(entry)).ltrim(this.key, 0, AUDIT_KEEP - 1).exec();
  }

  async latest(count: number): Promise<AuditEntry[]> {
    return parseEntries(await this.redis.lrange(this.key, 0, count - 1));
  }

  /** Every entry, newest first, a page at a time. */
  async *all(): AsyncGenerator<AuditEntry[]> {
    for (let start = 0; ; start += PAGE) {
      const raw = await this.redis.lrange(this.key, start, start + PAGE - 1);
      if (raw.length) yield parseEntries(raw);
      if (raw.length < PAGE) return;
    }
  }
}

function parseEntries(raw: string[]): AuditEntry[] {
  return raw.flatMap((r) => {
    const parsed = auditEntrySchema.safeParse(tryParseJson(r));
    return parsed.success ? [parsed.data] : [];
  });
}
