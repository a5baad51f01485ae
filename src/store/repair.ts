import type { App } from '../app/app.js';
import { scanKeys } from './scan.js';

/** A store with an index shared by many people, written after each person's own record. */
export interface Indexed {
  /** Puts the person back where their own records say they belong. */
  reindex(user: string): Promise<void>;
  /** Whether the person belongs in this index key, by their own records. */
  belongs(key: string, user: string): Promise<boolean>;
  /** The index keys' pattern. */
  readonly indexPattern: string;
}

export interface RepairReport {
  people: number;
  /** Index entries that named someone whose records say otherwise, removed. */
  removed: number;
}

/**
 * `npm run admin -- repair indexes`: rebuilds the shared indexes (areas, role holders, review queues,
 * unit members) from each person's own records, which are the truth; entries those records do not back
 * are removed. Safe to run at any time and as often as wanted.
 */
export async function repairIndexes(app: App, indexed: Indexed[]): Promise<RepairReport> {
  const report: RepairReport = { people: 0, removed: 0 };
  for await (const page of app.users.all()) {
    await Promise.all(page.flatMap((user) => indexed.map((i) => i.reindex(user))));
    report.people += page.length;
  }
  for (const store of indexed) {
    for await (const keys of scanKeys(app.redis, store.indexPattern)) {
      for (const key of keys) {
        const sorted = (await app.redis.type(key)) === 'zset';
        const members = sorted ? await app.redis.zrange(key, 0, -1) : await app.redis.smembers(key);
        for (const user of members) {
          if (await store.belongs(key, user)) continue;
          await (sorted ? app.redis.zrem(key, user) : app.redis.srem(key, user));
          report.removed++;
        }
      }
    }
  }
  return report;
}
