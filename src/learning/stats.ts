import { parseArgs } from 'node:util';
import { type AdminCommand, usageError } from '../admin/commands.js';
import type { LearningContext } from './context.js';
import { parseYear } from './export.js';
import type { FileStatus } from './records.js';

export interface AreaStats {
  area: string;
  name: string;
  depth: number;
  registered: number;
  /** Sent for review at least once: waiting, returned or recognised. */
  submitted: number;
  recognised: number;
  population?: number;
  /** Recognised citizens as a share of the population, when the data gives one. */
  share?: number;
}

function sum(rows: Record<FileStatus, number>[]): Record<FileStatus, number> {
  const out: Record<FileStatus, number> = { registered: 0, submitted: 0, returned: 0, approved: 0 };
  for (const r of rows) for (const k of Object.keys(out) as FileStatus[]) out[k] += r[k];
  return out;
}

/** Per area with any file that year, each province followed by its areas; totals include the areas inside. */
export async function learningStats(ctx: LearningContext, year: number): Promise<AreaStats[]> {
  const { areas } = ctx.app;
  const all = areas.roots().flatMap((r) => areas.subtree(r.id));
  const own = await ctx.store.counts(year, all.map((a) => a.id));
  const out: AreaStats[] = [];
  const walk = (id: string, depth: number): Record<FileStatus, number> => {
    const area = areas.get(id);
    const row = { area: id, name: area?.fullName ?? id, depth } as AreaStats;
    out.push(row);
    const c = sum([own.get(id) ?? { registered: 0, submitted: 0, returned: 0, approved: 0 }, ...areas.children(id).map((ch) => walk(ch.id, depth + 1))]);
    row.registered = c.registered + c.submitted + c.returned + c.approved;
    row.submitted = c.submitted + c.returned + c.approved;
    row.recognised = c.approved;
    if (area?.population) {
      row.population = area.population;
      row.share = c.approved / area.population;
    }
    return c;
  };
  for (const root of areas.roots()) walk(root.id, 0);
  return out.filter((r) => r.registered > 0);
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
