import type { LearningContext } from '../../learning/context.js';
import { emptyFigures, MEASURES, monthOf, rolledUp, zeroCounts, type Counts } from '../../learning/figures.js';
import { areaStats, type AreaStats } from '../../learning/stats.js';

export interface DashboardRow extends AreaStats {
  /** Sent and not decided yet. */
  waiting: number;
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

const row = (stats: AreaStats): DashboardRow => ({ ...stats, waiting: stats.submitted - stats.returned - stats.recognised });

/**
 * What an area's dashboard shows, from the figures kept as files change: one read of the province's
 * counters whatever the number of citizens. The caller has checked that the person may see `area`.
 */
export async function dashboard(ctx: LearningContext, area: string, year: number): Promise<Dashboard> {
  const { app, store, criteria } = ctx;
  const own = await store.figures.read(year, store.figures.rootOf(area));
  const total = rolledUp(app.areas, own, area);
  const rows = app.areas.children(area).map((a) => row(areaStats(app.areas, a.id, 1, rolledUp(app.areas, own, a.id))));

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
  return { year, area, total: row(areaStats(app.areas, area, 0, total)), rows, months, targets: [...criteria.file.targets].sort((a, b) => a.year - b.year) };
}
