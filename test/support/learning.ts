import { join } from 'node:path';
import { expect } from 'vitest';
import type { App } from '../../src/app/app.js';
import type { LearningContext } from '../../src/learning/context.js';
import { Criteria } from '../../src/learning/criteria.js';
import type { Evidence } from '../../src/learning/records.js';
import { decide } from '../../src/learning/review.js';
import { LearningStore } from '../../src/learning/store.js';
import { webKeys } from '../../src/channels/web/keys.js';

/** A learning context on the app's store and rules, as the learning capability builds its own. */
export function learningContext(app: App): LearningContext {
  return { app, store: new LearningStore(app.redis, app.prefix, app.clock, app.log, app.areas), criteria: Criteria.load(join(app.dirs.data, 'criteria.yaml'), app.areas) };
}

export interface SeedFile {
  name: string;
  area: string;
  year?: number;
  group?: string;
  /** How far the file got; a decision is made by `officer` (an admin or a reviewer of the area). */
  status?: 'registered' | 'submitted' | 'approved' | 'returned';
  officer?: string;
  reason?: string;
  evidence?: Evidence;
}

/**
 * A citizen with a profile, one activity and a file for the year, moved through the store's own paths
 * (so the indexes and figures follow as they do in use). Resolves to the file's id.
 */
export async function seedFile(ctx: LearningContext, user: string, f: SeedFile): Promise<string> {
  const { store, app } = ctx;
  const year = f.year ?? 2026;
  const group = f.group ?? 'worker';
  await app.users.seen(user, 'vi');
  await store.saveProfile(user, { name: f.name, birthYear: 1980, area: f.area, group, phone: '0912000111' });
  const file = await store.createFile(user, year, f.area, group);
  const now = app.clock.now().getTime();
  await store.putActivity(user, year, { id: store.newActivityId(), date: `${year}-03-01`, kind: 'course', title: 'Lớp tin học cơ bản', hours: 2.5, indicators: [1], ...(f.evidence ? { evidence: f.evidence } : {}), createdAt: now, updatedAt: now });
  if (!f.status || f.status === 'registered') return file.id;
  const scores = Object.fromEntries(ctx.criteria.indicators.map((n) => [String(n), 9]));
  await store.updateFile(user, year, (x) => ({ ...x, scores, status: 'submitted', submittedAt: now, submissions: x.submissions + 1 }));
  if (f.status !== 'submitted') expect(await decide(ctx, f.officer ?? '', file.id, f.status, f.reason)).toMatchObject({ ok: true });
  return file.id;
}

/** What a web-chat citizen has been sent by the bot without asking (the history their chat page shows), once `expected` are there. */
export async function webOutbox(app: App, user: string, expected: number): Promise<string[]> {
  const key = webKeys(app.prefix).history(user);
  for (let i = 0; i < 100 && (await app.redis.llen(key)) < expected; i++) await new Promise((r) => setTimeout(r, 20));
  return (await app.redis.lrange(key, 0, -1)).map((j) => (JSON.parse(j) as { text: string }).text);
}
