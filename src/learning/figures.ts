import { vnDate } from '../core/clock.js';
import type { Areas } from '../areas/areas.js';
import type { Redis } from '../store/redis.js';
import { Script } from '../store/script.js';
import type { LearningFile } from './records.js';

/** What the figures count, per area and per month of the event. */
export const MEASURES = ['registered', 'submitted', 'returned', 'recognised'] as const;
export type Measure = (typeof MEASURES)[number];
export type Counts = Record<Measure, number>;

export const zeroCounts = (): Counts => ({ registered: 0, submitted: 0, returned: 0, recognised: 0 });

/** One area's figures for a year: totals, and what happened in each month ("2026-03"). */
export interface AreaFigures {
  total: Counts;
  months: Map<string, Counts>;
}

/**
 * Adds `delta` to the counters a state names. A state is lines (see countedState): the change time in
 * base 36, the area, then one "<measure's index><yymm>" per measure the file is in; each adds to
 * "<area>|<measure>" and to "<area>|<measure>|<yyyy-mm>". A state written before ("|" in it) has the time
 * in decimal and "<measure>|<yyyy-mm>" lines. (The area once per file, not per field, and short lines:
 * a province's hash holds one state per citizen.)
 */
const APPLY = `
local MEASURES = { ${MEASURES.map((m, i) => `['${i}'] = '${m}'`).join(', ')} }
local function before(state) return string.find(state, '|', 1, true) ~= nil end
local function timeOf(state)
  local t = string.match(state, '^[^\\n]+')
  if before(state) then return tonumber(t) end
  return tonumber(t, 36)
end
local function apply(counters, state, delta)
  local i, area, old = 0, '', before(state)
  for line in string.gmatch(state, '[^\\n]+') do
    i = i + 1
    if i == 2 then area = line
    elseif i > 2 then
      local measure, month
      if old then measure, month = string.match(line, '^([^|]+)|(.+)$')
      else measure, month = MEASURES[string.sub(line, 1, 1)], '20' .. string.sub(line, 2, 3) .. '-' .. string.sub(line, 4, 5) end
      for _, f in ipairs({ area .. '|' .. measure, area .. '|' .. measure .. '|' .. month }) do
        if redis.call('HINCRBY', counters, f, delta) <= 0 then redis.call('HDEL', counters, f) end
      end
    end
  end
end`;

/**
 * Moves one file between counts. KEYS: the files hash (owner → the state of their file of the year),
 * the counters hash. ARGV: owner, new state ('' removes it), force. Writing the same state again changes
 * nothing, and a change takes back the old state's counts before adding the new one's. A state older
 * than the one kept is stale (two changes finishing out of order) and ignored, unless a repair forces it.
 */
const TRACK = new Script('learning_figures_track', 2, `${APPLY}
local old = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if old == ARGV[2] then return 0 end
if ARGV[3] ~= '1' and old ~= '' and ARGV[2] ~= '' then
  if timeOf(ARGV[2]) < timeOf(old) then return 0 end
end
apply(KEYS[2], old, -1)
apply(KEYS[2], ARGV[2], 1)
if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1`);

/** Counts the counters again from the files hash (repair). KEYS: files hash, counters hash. */
const REBUILD = new Script('learning_figures_rebuild', 2, `${APPLY}
redis.call('DEL', KEYS[2])
local all = redis.call('HGETALL', KEYS[1])
for i = 2, #all, 2 do apply(KEYS[2], all[i], 1) end
return #all / 2`);

const SEP = '|';

/** The month ("2026-03", Vietnam time) of an instant. */
export function monthOf(at: number): string {
  return vnDate(new Date(at)).slice(0, 7);
}

/** A measure and its month ("2026-03") as a line of a state: "<measure's index><yymm>" ("02603"). */
function markLine(measure: Measure, month: string): string {
  return `${MEASURES.indexOf(measure)}${month.slice(2, 4)}${month.slice(5, 7)}`;
}

/**
 * A file's state for the counts: its change time (base 36), its area, and each measure it is in with the
 * month it got there ("mxdht96p\nson-la.to-hieu\n02603").
 */
export function countedState(file: LearningFile): string {
  const marks: [Measure, number | undefined][] = [['registered', file.registeredAt]];
  if (file.status !== 'registered') marks.push(['submitted', file.submittedAt ?? file.updatedAt]);
  if (file.status === 'returned') marks.push(['returned', file.decision?.at ?? file.updatedAt]);
  if (file.status === 'approved') marks.push(['recognised', file.decision?.at ?? file.updatedAt]);
  return [file.updatedAt.toString(36), file.area, ...marks.map(([m, at]) => markLine(m, monthOf(at ?? file.updatedAt)))].join('\n');
}

/** A state as written before ("1796661440099\nson-la.to-hieu\nregistered|2026-12") in the current form; undefined when it is not one. */
export function currentState(state: string): string | undefined {
  const [time, area, ...lines] = state.split('\n');
  const marks = lines.map((l) => l.split(SEP) as [Measure, string]);
  if (!/^\d+$/.test(time ?? '') || area === undefined || !marks.length || marks.some(([m, month]) => !MEASURES.includes(m) || !/^20\d\d-\d\d$/.test(month ?? ''))) return undefined;
  return [Number(time).toString(36), area, ...marks.map(([m, month]) => markLine(m, month))].join('\n');
}

/**
 * The learning figures, kept up to date as files change instead of counted on each request: per year
 * and province, one counters hash (fields "<area>|<measure>" and "<area>|<measure>|<month>") and one
 * hash of what each file adds. Both carry the tag of the year and province, so on a Redis Cluster they
 * share a slot and a file moves between counts in one atomic script; a province's dashboard is one read.
 */
export class Figures {
  private readonly p: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly areas: Areas,
  ) {
    this.p = `${prefix}lc:fig:`;
  }

  readonly keys = {
    files: (year: number, root: string) => `${this.p}{${year}:${root}}:files`,
    counters: (year: number, root: string) => `${this.p}{${year}:${root}}:n`,
  };

  get filesPattern(): string {
    return `${this.p}*:files`;
  }

  /** The province (top-level area) an area belongs to; an area not on the map counts as its own. */
  rootOf(area: string): string {
    return this.areas.lineage(area).at(-1) ?? area;
  }

  private async track(year: number, root: string, user: string, state: string, force = false): Promise<void> {
    await TRACK.run(this.redis, [this.keys.files(year, root), this.keys.counters(year, root)], [user, state, force ? '1' : '0']);
  }

  /**
   * Follows a change of `user`'s file: `before` undefined for a new file, `after` undefined for an erased
   * one. Files are told apart by their owner (one file per person and year), not by their short id,
   * which two of hundreds of thousands of files may share.
   */
  async follow(user: string, before: LearningFile | undefined, after: LearningFile | undefined, force = false): Promise<void> {
    const [was, now] = [before && this.rootOf(before.area), after && this.rootOf(after.area)];
    if (before && was !== now) await this.track(before.year, was as string, user, '', true);
    if (after) await this.track(after.year, now as string, user, countedState(after), force);
  }

  /** Erasure of a person whose file of the year cannot be read: their entry goes from whichever province has it. */
  async forget(user: string, year: number): Promise<void> {
    await Promise.all(this.areas.roots().map((r) => this.track(year, r.id, user, '', true)));
  }

  /** The year's figures of every area of a province that has any (areas inside are not added up here). */
  async read(year: number, root: string): Promise<Map<string, AreaFigures>> {
    const raw = await this.redis.hgetall(this.keys.counters(year, root));
    const out = new Map<string, AreaFigures>();
    for (const [field, value] of Object.entries(raw)) {
      const [area, measure, month] = field.split(SEP) as [string, Measure, string | undefined];
      if (!MEASURES.includes(measure)) continue;
      let row = out.get(area);
      if (!row) out.set(area, (row = { total: zeroCounts(), months: new Map() }));
      if (month === undefined) row.total[measure] += Number(value);
      else {
        let m = row.months.get(month);
        if (!m) row.months.set(month, (m = zeroCounts()));
        m[measure] += Number(value);
      }
    }
    return out;
  }

  /** Migration: the states written before (decimal time, measure names) in the current form, counts unchanged; how many. */
  async shorten(filesKey: string): Promise<number> {
    const match = /\{(\d+):(.+)\}:files$/.exec(filesKey);
    if (!match) return 0;
    const [year, root] = [Number(match[1]), match[2] as string];
    let cursor = '0';
    let changed = 0;
    do {
      const [next, flat] = await this.redis.hscan(filesKey, cursor, 'COUNT', 1_000);
      cursor = next;
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const state = currentState(flat[i + 1] as string);
        // Through the script, so that a newer state written meanwhile stays.
        if (state) changed += Number(await TRACK.run(this.redis, [filesKey, this.keys.counters(year, root)], [flat[i] as string, state, '0']));
      }
    } while (cursor !== '0');
    return changed;
  }

  /** Repair: forgets files no longer there (or no longer of that year and province), then counts each hash again. */
  async prune(filesKey: string, current: (user: string, year: number) => Promise<LearningFile | undefined>): Promise<{ removed: number; files: number }> {
    const match = /\{(\d+):(.+)\}:files$/.exec(filesKey);
    if (!match) return { removed: 0, files: 0 };
    const [year, root] = [Number(match[1]), match[2] as string];
    let removed = 0;
    for (const user of await this.redis.hkeys(filesKey)) {
      const file = await current(user, year);
      if (file && this.rootOf(file.area) === root) continue;
      await this.track(year, root, user, '', true);
      removed++;
    }
    const files = Number(await REBUILD.run(this.redis, [filesKey, this.keys.counters(year, root)]));
    return { removed, files };
  }
}

/** Adds one area's figures into a running total. */
export function addFigures(into: AreaFigures, from: AreaFigures): void {
  for (const m of MEASURES) into.total[m] += from.total[m];
  for (const [month, c] of from.months) {
    let m = into.months.get(month);
    if (!m) into.months.set(month, (m = zeroCounts()));
    for (const k of MEASURES) m[k] += c[k];
  }
}

export const emptyFigures = (): AreaFigures => ({ total: zeroCounts(), months: new Map() });

/** An area's figures with everything inside it added up. */
export function rolledUp(areas: Areas, own: Map<string, AreaFigures>, area: string): AreaFigures {
  const out = emptyFigures();
  for (const a of areas.subtree(area)) {
    const f = own.get(a.id);
    if (f) addFigures(out, f);
  }
  return out;
}
