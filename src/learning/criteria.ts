import { z } from 'zod';
import { loadDataFile } from '../core/data-file.js';
import type { Areas } from '../areas/areas.js';

const idSchema = z.string().regex(/^[a-z][a-z0-9_]*$/);

export const criteriaFileSchema = z
  .object({
    source: z.string().optional(),
    groups: z.array(idSchema).min(1),
    competencies: z.array(z.object({ id: idSchema, indicators: z.array(z.number().int().min(1)).min(1) }).strict()).min(1),
    score_max: z.number().int().min(1),
    pass: z.object({ min_total: z.number().min(0), min_each: z.number().min(0) }).strict(),
    cycle: z.literal('yearly'),
    activity_kinds: z.array(idSchema).min(1),
    max_hours_per_activity: z.number().positive(),
    targets: z.array(z.object({ year: z.number().int(), share: z.number().gt(0).max(1) }).strict()).min(1),
    recognition: z
      .object({ default_unit: idSchema, by_area: z.record(z.string(), idSchema).default({}) })
      .strict(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const all = c.competencies.flatMap((x) => x.indicators);
    const expected = all.map((_, i) => i + 1);
    if ([...all].sort((a, b) => a - b).join() !== expected.join())
      ctx.addIssue({ code: 'custom', path: ['competencies'], message: 'indicators must be numbered 1..n, each once' });
  });
export type CriteriaFile = z.infer<typeof criteriaFileSchema>;

export interface Progress {
  total: number;
  max: number;
  /** Indicators with a score under the minimum (unscored ones count as 0). */
  low: number[];
  unscored: number[];
  passes: boolean;
  /** Points still needed to reach the minimum total (0 when reached). */
  missingPoints: number;
}

/** The learning-citizen rules, read from data/criteria.yaml: nothing about the title is hard-coded. */
export class Criteria {
  readonly indicators: number[];

  constructor(readonly file: CriteriaFile) {
    this.indicators = file.competencies.flatMap((c) => c.indicators).sort((a, b) => a - b);
  }

  static load(path: string, areas?: Areas): Criteria {
    const { data } = loadDataFile(path, criteriaFileSchema, {
      check: (file, add) => {
        for (const area of Object.keys(file.recognition.by_area))
          if (areas && !areas.get(area)) add(['recognition', 'by_area', area], `unknown area "${area}" (see data/areas.yaml)`);
      },
    });
    return new Criteria(data);
  }

  get maxTotal(): number {
    return this.indicators.length * this.file.score_max;
  }

  competencyOf(indicator: number): string {
    return this.file.competencies.find((c) => c.indicators.includes(indicator))?.id ?? '';
  }

  progress(scores: Readonly<Record<string, number>>): Progress {
    const { min_total, min_each } = this.file.pass;
    let total = 0;
    const low: number[] = [];
    const unscored: number[] = [];
    for (const n of this.indicators) {
      const s = scores[String(n)];
      if (s === undefined) unscored.push(n);
      total += s ?? 0;
      if ((s ?? 0) < min_each) low.push(n);
    }
    return {
      total,
      max: this.maxTotal,
      low,
      unscored,
      passes: total >= min_total && low.length === 0,
      missingPoints: Math.max(0, min_total - total),
    };
  }

  /** The unit that reviews and recognises the files of an area: the nearest configured area up the tree. */
  reviewerUnit(area: string, areas: Areas): string {
    for (const cur of areas.lineage(area)) {
      const unit = this.file.recognition.by_area[cur];
      if (unit) return unit;
    }
    return this.file.recognition.default_unit;
  }

  /** The target that applies to a year: the first one due in or after it (the last one after them all). */
  targetFor(year: number): { year: number; share: number } {
    const sorted = [...this.file.targets].sort((a, b) => a.year - b.year);
    return sorted.find((t) => t.year >= year) ?? (sorted.at(-1) as { year: number; share: number });
  }

  /** Locale keys every name in the data needs, so a missing label stops start-up instead of showing a key. */
  labelKeys(): string[] {
    return [
      ...this.file.groups.map((g) => `learning.group.${g}`),
      ...this.file.competencies.map((c) => `learning.competency.${c.id}`),
      ...this.indicators.flatMap((n) => [`learning.indicator.${n}`, `learning.indicator_short.${n}`]),
      ...this.file.activity_kinds.map((k) => `learning.kind.${k}`),
      ...new Set([this.file.recognition.default_unit, ...Object.values(this.file.recognition.by_area)].map((u) => `learning.unit.${u}`)),
    ];
  }
}

/** "▓▓▓▓▓▓░░░░ 62/100": ten cells, rounded down so that a full bar means the whole maximum. */
export function progressBar(total: number, max: number, cells = 10): string {
  const filled = max > 0 ? Math.min(cells, Math.floor((total / max) * cells)) : 0;
  return `${'▓'.repeat(filled)}${'░'.repeat(cells - filled)} ${total}/${max}`;
}
