import type { LearningContext } from '../../learning/context.js';
import { emptyFigures, MEASURES, monthOf, rolledUp, zeroCounts, type Counts } from '../../learning/figures.js';
import { areaStats, type AreaStats } from '../../learning/stats.js';
import type { GivenPopulation, GivenPopulations } from './populations.js';

/** Where a row's population comes from: the map (data/areas.yaml), or the commune in the console. */
export type PopulationOrigin = { from: 'map'; year: number } | { from: 'commune'; year: number; source: string };

export interface DashboardRow extends AreaStats {
  /** Sent and not decided yet. */
  waiting: number;
  populationFrom?: PopulationOrigin;
}

export interface Dashboard {
  year: number;
  area: string;
  /** The area itself (everything inside added up), then each area directly inside it. */
  total: DashboardRow;
  rows: DashboardRow[];
  /** Running totals at the end of each month of the year, up to this month. */
  months: { month: string; counts: Counts }[];
  /** The targets as the criteria give them (40% by 2025, 60% by 2030). */
  targets: { year: number; share: number }[];
}

/** A row, with the population the commune gave where the map has none (the map's, where there is one, wins). */
function row(ctx: LearningContext, stats: AreaStats, given: Map<string, GivenPopulation>): DashboardRow {
  const out: DashboardRow = { ...stats, waiting: stats.submitted - stats.returned - stats.recognised };
  const mapYear = ctx.app.areas.get(stats.area)?.populationYear;
  const g = given.get(stats.area);
  if (stats.population && mapYear) out.populationFrom = { from: 'map', year: mapYear };
  else if (g) Object.assign(out, { population: g.population, share: stats.recognised / g.population, populationFrom: { from: 'commune', year: g.year, source: g.source } });
  return out;
}

/**
 * What an area's dashboard shows, from the figures kept as files change: one read of the province's
 * counters whatever the number of citizens. The caller has checked that the person may see `area`.
 */
export async function dashboard(ctx: LearningContext, populations: GivenPopulations, area: string, year: number): Promise<Dashboard> {
  const { app, store, criteria } = ctx;
  const root = store.figures.rootOf(area);
  const [own, given] = await Promise.all([store.figures.read(year, root), populations.read(root)]);
  const total = rolledUp(app.areas, own, area);
  const rows = app.areas.children(area).map((a) => row(ctx, areaStats(app.areas, a.id, 1, rolledUp(app.areas, own, a.id)), given));

  const now = monthOf(app.clock.now().getTime());
  const last = [now.startsWith(`${year}`) ? now : `${year}-12`, ...total.months.keys()].sort().at(-1) as string;
  const running = zeroCounts();
  const months: Dashboard['months'] = [];
  // Events of the year's files before January (none today) count in its first month.
  for (const [month, c] of total.months) if (month < `${year}-01`) for (const m of MEASURES) running[m] += c[m];
  for (let [y, m] = [year, 1]; `${y}-${String(m).padStart(2, '0')}` <= last; [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1]) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    const c = total.months.get(month) ?? emptyFigures().total;
    for (const k of MEASURES) running[k] += c[k];
    months.push({ month, counts: { ...running } });
  }
  return { year, area, total: row(ctx, areaStats(app.areas, area, 0, total), given), rows, months, targets: [...criteria.file.targets].sort((a, b) => a.year - b.year) };
}
