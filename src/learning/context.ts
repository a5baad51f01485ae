import type { App } from '../app/app.js';
import { vnDate } from '../core/clock.js';
import { z } from 'zod';
import { FlowData } from '../engine/flow-data.js';
import type { Criteria } from './criteria.js';
import { evidenceSchema } from './records.js';
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

/** What the learning flows collect: the hub's state (read by the menu's conditions), an activity, a registration, a score. */
export const learningData = new FlowData(
  'lc',
  z.object({
    year: z.number().int().optional(),
    registered: z.boolean().optional(),
    editable: z.boolean().optional(),
    new_year: z.boolean().optional(),
    /** The version of the consent notice being asked about (the notice names it). */
    notice: z.string().optional(),
    /** The page of the activity list. */
    page: z.number().int().optional(),
    /** A choice from a list (an activity, an indicator, "more", "back"), or numbers typed at once (indicators, scores). */
    pick: z.union([z.string(), z.array(z.number())]).optional(),
    /** The activity being added or edited; `id` when editing. */
    act: z
      .object({
        id: z.string().optional(),
        date: z.string().optional(),
        kind: z.string().optional(),
        title: z.string().optional(),
        hours: z.number().optional(),
        indicators: z.array(z.number().int()).optional(),
        evidence: z.union([z.literal('skip'), evidenceSchema]).optional(),
      })
      .optional(),
    /** Registration answers; edits start from the stored profile. */
    reg: z
      .object({
        name: z.string().optional(),
        birthYear: z.number().optional(),
        province: z.string().optional(),
        q: z.string().optional(),
        area: z.string().optional(),
        group: z.string().optional(),
        phone: z.string().optional(),
      })
      .optional(),
    /** The profile field being edited. */
    edit: z.string().optional(),
    /** Self-scoring: the indicator at hand (`seq`: all in a row), the answer, and the texts' figures. */
    sc: z.object({ idx: z.number().int(), seq: z.boolean() }).optional(),
    score: z.number().int().optional(),
    max: z.number().int().optional(),
    count: z.number().int().optional(),
  }),
  ['learning', 'learning_activity', 'learning_register', 'learning_score'],
);

/** What the officers' review flow collects: the queue's page, the file picked and a reason to return it. */
export const reviewData = new FlowData(
  'rv',
  z.object({ page: z.number().int().optional(), pick: z.string().optional(), file: z.string().optional(), reason: z.string().optional() }),
  ['review'],
);
