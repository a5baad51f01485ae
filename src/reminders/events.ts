import { join } from 'node:path';
import { z } from 'zod';
import type { Areas } from '../areas/areas.js';
import { isoDateSchema, monthDaySchema } from './schedule.js';
import { namesSchema } from './units.js';
import { loadDataFile } from '../core/data-file.js';

const themeSchema = z.string().trim().min(1).max(300);

const yearSchema = z
  .object({ start: isoDateSchema.optional(), end: isoDateSchema.optional(), theme: themeSchema.optional() })
  .strict();

const eventSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'an id of a-z, 0-9 and _ (at most 32), starting with a letter'),
    name: namesSchema,
    source: z.string().min(1),
    dates: z.object({ start: monthDaySchema, end: monthDaySchema.optional() }).strict(),
    years: z.record(z.string().regex(/^\d{4}$/, 'a year YYYY'), yearSchema).default({}),
    settable: z.boolean().default(false),
    area: z.string().optional(),
    announce: z.array(z.number().int().min(0).max(60)).min(1).default([7, 0]),
  })
  .strict();
/** A yearly event of plans/events.yaml, or one an organiser added for their area (`local`: held once, on its dates). */
export type NewsEvent = z.infer<typeof eventSchema> & { local?: LocalEvent };

const eventsFileSchema = z.object({ events: z.array(eventSchema).min(1) }).strict();

/** Dates and theme set in the chat by an organiser, for one event, year and area ("*": everywhere). */
export const weekSettingSchema = z
  .object({ start: isoDateSchema, end: isoDateSchema, theme: themeSchema.optional(), at: z.number().int() })
  .strict();
export type WeekSetting = z.infer<typeof weekSettingSchema>;

export const EVERYWHERE = '*';

/** The most characters of a local event's name (either language) and place. */
export const LOCAL_NAME_MAX = 120;
export const LOCAL_PLACE_MAX = 200;

/** A local event's id (LocalEvents.newId). */
export const localEventIdSchema = z.string().regex(/^loc_[a-z0-9]{1,27}$/);

/** An event an organiser added in the console for their area ("*": everywhere), stored in Redis. */
export const localEventSchema = z
  .object({
    id: localEventIdSchema,
    area: z.string().min(1).max(100),
    name: z.object({ vi: z.string().trim().min(1).max(LOCAL_NAME_MAX), en: z.string().trim().min(1).max(LOCAL_NAME_MAX).optional() }).strict(),
    start: isoDateSchema,
    end: isoDateSchema,
    theme: themeSchema.optional(),
    place: z.string().trim().min(1).max(LOCAL_PLACE_MAX).optional(),
    at: z.number().int(),
  })
  .strict();
export type LocalEvent = z.infer<typeof localEventSchema>;

/** Days before a local event's start on which its news goes out, as for the file's events by default. */
const LOCAL_ANNOUNCE = [7, 0];

export interface EventDates {
  start: string;
  end: string;
  theme?: string;
  /** Where a local event is held. */
  place?: string;
  /** Set in the chat for this area (or everywhere), from the file's year entry, or the usual days. */
  origin: 'chat' | 'plan' | 'default' | 'local';
}

/** The yearly events of plans/events.yaml. */
export class EventCalendar {
  constructor(
    readonly events: NewsEvent[],
    private readonly areas: Areas,
  ) {}

  static load(opts: { plansDir: string; label?: string; areas: Areas }): EventCalendar {
    const { data } = loadDataFile(join(opts.plansDir, 'events.yaml'), eventsFileSchema, { label: opts.label ?? 'plans/events.yaml', check: (file, add) => {
      const seen = new Set<string>();
      let settable = 0;
      file.events.forEach((e, i) => {
        if (seen.has(e.id)) add(['events', i, 'id'], `"${e.id}" appears twice`);
        seen.add(e.id);
        if (e.settable && ++settable > 1) add(['events', i, 'settable'], 'only one event can be set in the chat');
        if (e.dates.end && e.dates.end < e.dates.start) add(['events', i, 'dates', 'end'], 'is before start (an event may not cross the new year)');
        if (e.area !== undefined && !opts.areas.get(e.area)) add(['events', i, 'area'], `unknown area "${e.area}" (see data/areas.yaml)`);
        for (const [year, y] of Object.entries(e.years)) {
          const start = y.start ?? `${year}-${e.dates.start}`;
          const end = y.end ?? (y.start ? start : `${year}-${e.dates.end ?? e.dates.start}`);
          if (!start.startsWith(year)) add(['events', i, 'years', year, 'start'], `is not in ${year}`);
          if (end < start) add(['events', i, 'years', year, 'end'], 'is before start');
        }
      });
    } });
    return new EventCalendar(data.events, opts.areas);
  }

  get(id: string): NewsEvent | undefined {
    return this.events.find((e) => e.id === id);
  }

  /** The event organisers set in the chat (Lifelong Learning Week). */
  settable(): NewsEvent | undefined {
    return this.events.find((e) => e.settable);
  }

  /** The file's events followed by the local ones, as the same kind of event. */
  with(local: readonly LocalEvent[]): NewsEvent[] {
    return [...this.events, ...local.map(asNewsEvent)];
  }

  /** The area, those above it, and everywhere: whose local events people of `area` hear of. */
  reachingScopes(area: string | undefined): string[] {
    const known = area && this.areas.get(area) ? this.areas.lineage(area) : [];
    return [...known, EVERYWHERE];
  }

  /** True when someone in `area` (or of no known area) hears of the event. */
  reaches(event: NewsEvent, area: string | undefined): boolean {
    return event.area === undefined || (area !== undefined && this.areas.isWithin(area, event.area));
  }

  /**
   * The dates someone in `area` sees for `year`: the chat setting of the nearest area up the tree, then
   * the one for everywhere, then the file's entry for the year, then the usual days.
   */
  datesFor(event: NewsEvent, year: number, area: string | undefined, settings: ReadonlyMap<string, WeekSetting>): EventDates {
    // Held once: the same dates whatever the year asked.
    if (event.local) {
      const { start, end, theme, place } = event.local;
      return { start, end, ...(theme ? { theme } : {}), ...(place ? { place } : {}), origin: 'local' };
    }
    for (const cur of area ? this.areas.lineage(area) : []) {
      const s = settings.get(cur);
      if (s) return { start: s.start, end: s.end, theme: s.theme, origin: 'chat' };
    }
    const everywhere = settings.get(EVERYWHERE);
    if (everywhere) return { start: everywhere.start, end: everywhere.end, theme: everywhere.theme, origin: 'chat' };
    const usualStart = `${year}-${event.dates.start}`;
    const usualEnd = `${year}-${event.dates.end ?? event.dates.start}`;
    const planned = event.years[String(year)];
    if (planned) {
      const start = planned.start ?? usualStart;
      return { start, end: planned.end ?? (planned.start ? start : usualEnd), theme: planned.theme, origin: 'plan' };
    }
    return { start: usualStart, end: usualEnd, origin: 'default' };
  }
}

function asNewsEvent(e: LocalEvent): NewsEvent {
  return {
    id: e.id,
    name: { vi: e.name.vi, en: e.name.en ?? e.name.vi },
    source: e.place ?? '',
    dates: { start: e.start.slice(5), end: e.end.slice(5) },
    years: {},
    settable: false,
    ...(e.area === EVERYWHERE ? {} : { area: e.area }),
    announce: LOCAL_ANNOUNCE,
    local: e,
  };
}
