import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { addDays } from '../core/clock.js';
import type { Areas } from '../areas/areas.js';
import { readDocument } from '../knowledge/corpus.js';
import type { Language } from '../i18n/index.js';
import { dueDates, isoDateSchema, occurrenceId, scheduleSchema } from './schedule.js';
import { namesSchema, unitKindIdSchema, type UnitKinds } from './units.js';
import { loadDataFile } from '../core/data-file.js';

export const DEFAULT_LEADS = [14, 7, 3, 1, 0];
/** After the due date: one reminder a day for this many days, then the note to supervisors. */
export const OVERDUE_DAYS = 3;

const obligationSchema = z
  .object({
    /** Stable: reminders already sent and "reported" marks refer to it. */
    id: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'an id of a-z, 0-9 and _ (at most 40), starting with a letter'),
    title: namesSchema,
    source: z.union([
      z.object({ document: z.string().min(1), section: z.string().min(1) }).strict(),
      /** Deadlines seen outside the plans in plans/ (examples): a citation in words. */
      z.object({ reference: z.string().min(1), section: z.string().optional() }).strict(),
    ]),
    /** Unit kinds (data/units.yaml) that owe the report. */
    units: z.array(unitKindIdSchema).min(1),
    /** The province whose plan sets it; left out, it holds in every province. */
    area: z.string().optional(),
    schedule: scheduleSchema,
    /** Occurrences before or after these dates do not count (the plan's period). */
    from: isoDateSchema.optional(),
    until: isoDateSchema.optional(),
    /**
     * The plan says "trước ngày D" (before D): the last day to send is the day before, and that is the
     * occurrence's due date; officers read "trước ngày D".
     */
    before: z.boolean().default(false),
    /** The plan names no day and the schedule's day was set locally: officers are told so. */
    day_set_locally: z.boolean().default(false),
    /** Days before the due date on which to remind; 0 is the day itself. */
    leads: z.array(z.number().int().min(0).max(120)).min(1).default(DEFAULT_LEADS),
    /** Off: kept as an example that an operator may switch on for a province. */
    active: z.boolean().default(true),
    /** Marks a deadline taken from outside the plans (domain examples), to be confirmed before use. */
    example: z.boolean().default(false),
    note: z.string().optional(),
  })
  .strict();
export type Obligation = z.infer<typeof obligationSchema>;

const deadlinesFileSchema = z.object({ obligations: z.array(obligationSchema).min(1) }).strict();

/** One unit: a kind of unit in an area ("UBND xã" of Phường Tô Hiệu). */
export interface UnitRef {
  kind: string;
  area: string;
}

export const unitKey = (u: UnitRef) => `${u.kind}|${u.area}`;

export function parseUnitKey(key: string): UnitRef | undefined {
  const at = key.indexOf('|');
  return at > 0 ? { kind: key.slice(0, at), area: key.slice(at + 1) } : undefined;
}

export interface Occurrence {
  id: string;
  obligation: Obligation;
  /** The last day to send the report. */
  due: string;
}

/** The reporting obligations of plans/deadlines.yaml, checked against the areas, unit kinds and plan documents. */
export class DeadlineCalendar {
  private readonly byId: Map<string, Obligation>;
  /** Citation of each plan document, e.g. "2547/QĐ-UBND". */
  private readonly citations: Map<string, string>;

  constructor(
    readonly obligations: Obligation[],
    citations: Map<string, string>,
    private readonly areas: Areas,
  ) {
    this.byId = new Map(obligations.map((o) => [o.id, o]));
    this.citations = citations;
  }

  static load(opts: { plansDir: string; label?: string; areas: Areas; units: UnitKinds }): DeadlineCalendar {
    const citations = new Map<string, string>();
    const { data } = loadDataFile(join(opts.plansDir, 'deadlines.yaml'), deadlinesFileSchema, { label: opts.label ?? 'plans/deadlines.yaml', check: (file, add) => {
      const seen = new Set<string>();
      file.obligations.forEach((o, i) => {
        const at = (...rest: (string | number)[]) => ['obligations', i, ...rest];
        if (seen.has(o.id)) add(at('id'), `"${o.id}" appears twice`);
        seen.add(o.id);
        o.units.forEach((u, j) => {
          if (!opts.units.has(u)) add(at('units', j), `unknown unit kind "${u}" (see data/units.yaml)`);
        });
        if (o.area !== undefined) {
          const area = opts.areas.get(o.area);
          if (!area) add(at('area'), `unknown area "${o.area}" (see data/areas.yaml)`);
          else if (area.parent) add(at('area'), `"${o.area}" is not a province`);
        }
        if ('document' in o.source) {
          const doc = o.source.document;
          if (!/^[\w.-]+$/.test(doc) || !existsSync(join(opts.plansDir, doc))) add(at('source', 'document'), `no plan document "${doc}" in plans/`);
          else if (!citations.has(doc)) {
            const meta = readDocument(opts.plansDir, doc).meta;
            citations.set(doc, meta.number || meta.title);
          }
        }
        if (o.from && o.until && o.from > o.until) add(at('until'), 'is before "from"');
        if ('once' in o.schedule && ((o.from && o.schedule.once < o.from) || (o.until && o.schedule.once > o.until)))
          add(at('schedule', 'once'), 'lies outside from/until');
      });
    } });
    return new DeadlineCalendar(data.obligations, citations, opts.areas);
  }

  get(id: string): Obligation | undefined {
    return this.byId.get(id);
  }

  /** Obligations that a unit owes: its kind is named and its area lies in the obligation's province. */
  forUnit(unit: UnitRef): Obligation[] {
    return this.obligations.filter(
      (o) => o.active && o.units.includes(unit.kind) && (o.area === undefined || this.areas.isWithin(unit.area, o.area)),
    );
  }

  /** Due dates of an obligation from `from` to `to`, inside its period. */
  occurrences(o: Obligation, from: string, to: string): Occurrence[] {
    const lo = o.from && o.from > from ? o.from : from;
    const hi = o.until && o.until < to ? o.until : to;
    if (lo > hi) return [];
    const shift = o.before ? 1 : 0;
    return dueDates(o.schedule, addDays(lo, shift), addDays(hi, shift)).map((stated) => {
      const due = addDays(stated, -shift);
      return { id: occurrenceId(o.id, due), obligation: o, due };
    });
  }

  /** The occurrence an id names, if the obligation is due on that day. */
  occurrence(id: string, obligationId: string, due: string): Occurrence | undefined {
    const o = this.byId.get(obligationId);
    if (!o) return undefined;
    return this.occurrences(o, due, due).find((x) => x.id === id);
  }

  /** The unit's next deadlines from `from` on (unreported overdue ones from a few days before). */
  upcoming(unit: UnitRef, from: string, days: number): Occurrence[] {
    const to = addDays(from, days);
    return this.forUnit(unit)
      .flatMap((o) => this.occurrences(o, addDays(from, -OVERDUE_DAYS), to))
      .sort((a, b) => a.due.localeCompare(b.due) || a.obligation.id.localeCompare(b.obligation.id));
  }

  title(o: Obligation, lang: Language): string {
    return o.title[lang];
  }

  /** "2547/QĐ-UBND" and the section, or the outside reference; the caller words it. */
  source(o: Obligation): { doc: string; section?: string } {
    if ('document' in o.source) return { doc: this.citations.get(o.source.document) ?? o.source.document, section: o.source.section };
    return { doc: o.source.reference, section: o.source.section };
  }
}
