import type { App } from '../app/app.js';
import { vnDate } from '../core/clock.js';
import type { Turn } from '../engine/turn.js';
import type { Criteria } from './criteria.js';
import type { LearningStore } from './store.js';

/** What every part of the learning capability works with. */
export interface LearningContext {
  app: App;
  store: LearningStore;
  criteria: Criteria;
}

/** The calendar year in Viet Nam now: the year a new registration is for. */
export function thisYear(ctx: LearningContext): number {
  return Number(vnDate(ctx.app.clock.now()).slice(0, 4));
}

/**
 * The flows' working values live under `lc` in the session (officers' review under `rv`); actions
 * read them back through zod, since session data is whatever the flows saved.
 */
export function sessionPart(turn: Turn, name: 'lc' | 'rv'): Record<string, unknown> {
  const part = turn.data[name];
  if (typeof part === 'object' && part !== null && !Array.isArray(part)) return part as Record<string, unknown>;
  const fresh: Record<string, unknown> = {};
  turn.data[name] = fresh;
  return fresh;
}
