import { parseArgs } from 'node:util';
import { type AdminCommand, usageError } from '../admin/commands.js';
import type { LearningContext } from './context.js';
import { parseYear } from './export.js';
import type { Areas } from '../areas/areas.js';
import { rolledUp, type AreaFigures } from './figures.js';

export interface AreaStats {
  area: string;
  name: string;
  depth: number;
  registered: number;
  /** Sent for review at least once: waiting, returned or recognised. */
  submitted: number;
  /** Sent back and not sent again yet. */
  returned: number;
  recognised: number;
  population?: number;
  /** Recognised citizens as a share of the population, when the data gives one. */
  share?: number;
}

/** An area's row from its figures (everything inside it already added up). */
export function areaStats(areas: Areas, area: string, depth: number, figures: AreaFigures): AreaStats {
  const a = areas.get(area);
  const row: AreaStats = { area, name: a?.fullName ?? area, depth, ...figures.total };
  if (a?.population) {
    row.population = a.population;
    row.share = figures.total.recognised / a.population;
  }
  return row;
}

/**
 * Per area with any file that year, each province followed by its areas; totals include the areas inside.
 * Read from the figures kept as files change (one read per province), the same ones the console shows.
 */
export async function learningStats(ctx: LearningContext, year: number): Promise<AreaStats[]> {
  const { areas } = ctx.app;
  const { figures } = ctx.store;
  const out: AreaStats[] = [];
  for (const root of areas.roots()) {
    const own = await figures.read(year, root.id);
    if (!own.size) continue;
    const walk = (id: string, depth: number): void => {
      const row = areaStats(areas, id, depth, rolledUp(areas, own, id));
      if (row.registered === 0) return;
      out.push(row);
      for (const child of areas.children(id)) walk(child.id, depth + 1);
    };
    walk(root.id, 0);
  }
  return out;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 ? 2 : 1)}%`;
}

/** `npm run admin -- stats learning --year <y>`: registered, submitted and recognised per area, against the targets. */
export function statsCommand(ctx: LearningContext): AdminCommand {
  return {
    name: 'stats learning',
    usage: 'stats learning --year <yyyy>',
    async run(argv, io) {
      const { values } = parseArgs({ args: argv, options: { year: { type: 'string' } } });
      const year = parseYear(values.year);
      if (!year) {
        return usageError(io, `--year must be a year like 2026 (got ${values.year ?? 'nothing'})`);
      }
      const target = ctx.criteria.targetFor(year);
      const targets = ctx.criteria.file.targets.map((t) => `${percent(t.share)} by ${t.year}`).join(', ');
      const rows = await learningStats(ctx, year);
      io.out(`Learning citizens ${year}. Targets: ${targets}; this year counts toward ${percent(target.share)} by ${target.year}.`);
      if (!rows.length) {
        io.out('No registrations for this year.');
        return 0;
      }
      const width = Math.max(...rows.map((r) => 2 * r.depth + r.area.length + r.name.length + 3), 10);
      io.out(['area'.padEnd(width), 'registered', 'submitted', 'recognised', 'population', 'share'].join('  '));
      for (const r of rows) {
        const label = `${'  '.repeat(r.depth)}${r.area} (${r.name})`;
        const share = r.share === undefined ? '-' : `${percent(r.share)} (${r.share >= target.share ? 'meets' : 'below'} ${percent(target.share)} by ${target.year})`;
        io.out(
          [label.padEnd(width), String(r.registered).padStart(10), String(r.submitted).padStart(9), String(r.recognised).padStart(10), String(r.population ?? '-').padStart(10), share].join('  '),
        );
      }
      return 0;
    },
  };
}
