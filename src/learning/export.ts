import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type AdminCommand, usageError } from '../admin/commands.js';
import { vnDateTime } from '../core/clock.js';
import { languageSchema, type Translate } from '../i18n/index.js';
import type { LearningContext } from './context.js';
import { totalHours } from './format.js';
import { FILE_STATUSES } from './records.js';

/** A cell that a spreadsheet would run as a formula is kept as text (OWASP "CSV injection"). */
function neutralise(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

function quote(cell: string): string {
  return /[",\r\n;]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** RFC 4180 CSV with a UTF-8 byte order mark, so that Excel opens Vietnamese text correctly. */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  const body = rows.map((row) => row.map((c) => (typeof c === 'number' ? String(c) : quote(neutralise(c)))).join(',')).join('\r\n');
  return `\uFEFF${body}\r\n`;
}

/** One row per file of the area (and the areas inside it) for the year, with a header row. */
export async function exportRows(ctx: LearningContext, area: string, year: number, t: Translate): Promise<(string | number)[][]> {
  const { app, store, criteria } = ctx;
  const areaIds = app.areas.subtree(area).map((a) => a.id);
  const columns = ['file', 'year', 'area_id', 'area', 'name', 'birth_year', 'group', 'phone', 'status', 'total', 'passes'];
  const header = [...columns.map((c) => t(`learning.csv.${c}`)), ...criteria.indicators.map((n) => t('learning.csv.indicator', { n })), ...['activities', 'hours', 'submitted_at', 'decided_at', 'unit', 'reason'].map((c) => t(`learning.csv.${c}`))];
  const rows: (string | number)[][] = [header];
  for (const status of FILE_STATUSES)
    for (const { user } of await store.usersIn(year, status, areaIds)) {
      const [file, profile, activities] = await Promise.all([store.file(user, year), store.profile(user), store.activities(user, year)]);
      if (!file) continue;
      const p = criteria.progress(file.scores);
      rows.push([
        file.id,
        year,
        file.area,
        app.areas.get(file.area)?.fullName ?? file.area,
        profile?.name ?? '',
        profile?.birthYear ?? '',
        t(`learning.group.${file.group}`),
        profile?.phone ?? '',
        // Plain words a spreadsheet filter can use, not the chat's status line.
        t(`learning.csv.state.${file.status}`),
        p.total,
        t(p.passes ? 'learning.csv.yes' : 'learning.csv.no'),
        ...criteria.indicators.map((n) => file.scores[String(n)] ?? ''),
        activities.length,
        totalHours(activities),
        file.submittedAt ? vnDateTime(new Date(file.submittedAt)) : '',
        file.decision ? vnDateTime(new Date(file.decision.at)) : '',
        file.decision ? t(`learning.unit.${file.decision.unit}`) : '',
        file.decision?.reason ?? '',
      ]);
    }
  return rows;
}

export function parseYear(text: string | undefined): number | undefined {
  return text && /^\d{4}$/.test(text) ? Number(text) : undefined;
}

/** `npm run admin -- export learning --area <id> --year <y> [--out file.csv] [--lang vi|en]` */
export function exportCommand(ctx: LearningContext): AdminCommand {
  return {
    name: 'export learning',
    usage: 'export learning --area <area id> --year <yyyy> [--out <file.csv>] [--lang vi|en]',
    async run(argv, io) {
      const { values } = parseArgs({
        args: argv,
        options: { area: { type: 'string' }, year: { type: 'string' }, out: { type: 'string' }, lang: { type: 'string', default: 'vi' } },
      });
      if (!values.area || !ctx.app.areas.get(values.area)) {
        return usageError(io, `--area must be an area id from data/areas.yaml (got ${values.area ?? 'nothing'})`);
      }
      const year = parseYear(values.year);
      if (!year) {
        return usageError(io, `--year must be a year like 2026 (got ${values.year ?? 'nothing'})`);
      }
      const lang = languageSchema.safeParse(values.lang);
      if (!lang.success) {
        return usageError(io, '--lang must be vi or en');
      }
      const rows = await exportRows(ctx, values.area, year, ctx.app.i18n.for(lang.data));
      const csv = toCsv(rows);
      if (values.out) {
        writeFileSync(values.out, csv);
        io.err(`Wrote ${rows.length - 1} files of ${ctx.app.areas.get(values.area)?.fullName} for ${year} to ${values.out}`);
      } else io.out(csv.replace(/\r\n$/, ''));
      return 0;
    },
  };
}
