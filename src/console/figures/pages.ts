import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import type { Language, Translate } from '../../i18n/index.js';
import type { LearningContext } from '../../learning/context.js';
import { toCsv } from '../../learning/export.js';
import { MEASURES, monthOf } from '../../learning/figures.js';
import { HttpError } from '../../http/errors.js';
import { html, SafeHtml } from '../html.js';
import type { ConsoleContext } from '../pages.js';
import { dashboard, type Dashboard, type DashboardRow } from './data.js';

/** Chart.js's browser build, installed from npm and served by the bot: offices may have no internet. */
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

const COLUMNS = ['registered', 'submitted', 'waiting', 'returned', 'recognised'] as const;

const querySchema = z.object({
  area: z.string().max(100).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
});

const numberFormat = (lang: Language) => new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB');
const percentFormat = (lang: Language) => new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { style: 'percent', maximumFractionDigits: 2 });

/** The areas a person picks from: their own, or every province for an administrator. */
function ownAreas(lc: LearningContext, ctx: ConsoleContext): string[] {
  const mine = ctx.person.areasFor('officer');
  return mine.includes('*') ? lc.app.areas.roots().map((a) => a.id) : mine;
}

/** The area and year asked for, once the person may see that area (404 otherwise, as for any other's). */
function choice(lc: LearningContext, ctx: ConsoleContext): { area: string; year: number; mine: string[] } {
  const q = ctx.query(querySchema);
  const mine = ownAreas(lc, ctx);
  const area = q.area ?? mine[0];
  if (!area || !lc.app.areas.get(area)) throw new HttpError(404, 'not found');
  ctx.requireArea(area);
  return { area, year: q.year ?? Number(monthOf(lc.app.clock.now().getTime()).slice(0, 4)), mine };
}

/** "Đạt" or how many more recognised citizens the target needs. */
function targetCell(t: Translate, lang: Language, row: DashboardRow, share: number): string {
  if (!row.population) return '';
  const missing = Math.ceil(row.population * share) - row.recognised;
  return missing <= 0 ? t('console-figures.target_met') : t('console-figures.target_missing', { count: missing, n: numberFormat(lang).format(missing) });
}

function table(ctx: ConsoleContext, d: Dashboard, linkRows: boolean): SafeHtml {
  const { t, lang } = ctx;
  const n = numberFormat(lang);
  const pct = percentFormat(lang);
  const line = (r: DashboardRow, head: boolean) => html`<tr${head ? html` class="total"` : ''} data-area="${r.area}">
<th scope="row">${linkRows && !head ? html`<a href="/admin/figures?area=${r.area}&amp;year=${d.year}">${r.name}</a>` : r.name}</th>
${COLUMNS.map((c) => html`<td class="num" data-col="${c}">${n.format(r[c])}</td>`)}
<td class="num">${r.population ? n.format(r.population) : '—'}</td>
<td class="num" data-col="share">${r.share === undefined ? '—' : pct.format(r.share)}</td>
${d.targets.map((g) => html`<td>${targetCell(t, lang, r, g.share)}</td>`)}</tr>`;
  return html`<div class="table-wrap"><table data-figures>
<thead><tr><th>${t('console-figures.columns.area')}</th>${COLUMNS.map((c) => html`<th class="num">${t(`console-figures.columns.${c}`)}</th>`)}<th class="num">${t('console-figures.columns.population')}</th><th class="num">${t('console-figures.columns.share')}</th>${d.targets.map((g) => html`<th>${t('console-figures.columns.target', { share: pct.format(g.share), year: g.year })}</th>`)}</tr></thead>
<tbody>${line(d.total, true)}${d.rows.map((r) => line(r, false))}</tbody></table></div>`;
}

/** What the page's script draws, as JSON in the page (no inline script: the console's policy forbids it). */
function chartData(ctx: ConsoleContext, d: Dashboard): string {
  const { t } = ctx;
  const bars = d.rows.length ? d.rows : [d.total];
  const target = d.targets.find((g) => g.year >= d.year) ?? d.targets.at(-1);
  const data = {
    areas: {
      labels: bars.map((r) => r.name.split(',')[0]),
      series: [
        { label: t('console-figures.columns.registered'), data: bars.map((r) => r.registered) },
        { label: t('console-figures.columns.recognised'), data: bars.map((r) => r.recognised) },
      ],
      // The target as people, where the map gives the population.
      target: target && bars.some((r) => r.population)
        ? { label: t('console-figures.chart.target_line', { share: Math.round(target.share * 100), year: target.year }), data: bars.map((r) => (r.population ? Math.ceil(r.population * target.share) : null)) }
        : undefined,
    },
    months: {
      labels: d.months.map((m) => `${m.month.slice(5)}/${m.month.slice(0, 4)}`),
      series: (['registered', 'submitted', 'recognised'] as const).map((k) => ({ label: t(`console-figures.columns.${k}`), data: d.months.map((m) => m.counts[k]) })),
    },
  };
  // "<" cannot close the script element that carries it.
  return JSON.stringify(data).replace(/</g, '\\u003c');
}

function exportRows(ctx: ConsoleContext, d: Dashboard): (string | number)[][] {
  const { t } = ctx;
  const header = [t('console-figures.columns.code'), t('console-figures.columns.area'), ...COLUMNS.map((c) => t(`console-figures.columns.${c}`)), t('console-figures.columns.population'), t('console-figures.columns.share_percent')];
  return [header, ...[d.total, ...d.rows].map((r) => [r.area, r.name, ...COLUMNS.map((c) => r[c]), r.population ?? '', r.share === undefined ? '' : Math.round(r.share * 10_000) / 100])];
}

const fileName = (d: Dashboard, ext: string) => `so-lieu-${d.area.replace(/[^a-z0-9-]/g, '-')}-${d.year}.${ext}`;

/** /admin/figures: an area's figures against the targets, as a table, two charts, CSV and XLSX. */
export function registerFiguresPages(lc: LearningContext): void {
  const { app } = lc;

  app.console
    .page({
      path: '/admin/figures',
      title: 'console-figures.title',
      needs: 'officer',
      async handler(ctx) {
        const { area, year, mine } = choice(lc, ctx);
        const d = await dashboard(lc, area, year);
        const { t, lang } = ctx;
        const n = numberFormat(lang);
        const pct = percentFormat(lang);
        const years = [...new Set([...(await lc.store.fileYears()), year])].sort((a, b) => b - a);
        const query = `area=${encodeURIComponent(area)}&year=${year}`;
        const places = [...new Set([...mine, area])];
        return html`<link rel="stylesheet" href="/admin/assets/figures.css">
<h1>${t('console-figures.title')}</h1>
<form class="filters" method="get" action="/admin/figures">
<label>${t('console-figures.area')} <select name="area">${places.map((a) => html`<option value="${a}"${a === area ? html` selected` : ''}>${app.areas.get(a)?.fullName ?? a}</option>`)}</select></label>
<label>${t('console-figures.year')} <select name="year">${years.map((y) => html`<option${y === year ? html` selected` : ''}>${y}</option>`)}</select></label>
<button type="submit" class="secondary">${t('console-figures.show')}</button>
</form>
<p class="muted" data-heading>${t('console-figures.heading', { area: d.total.name, year })}</p>
<div class="tiles">${COLUMNS.map((c) => html`<div class="tile" data-tile="${c}"><span class="value">${n.format(d.total[c])}</span><span class="label">${t(`console-figures.columns.${c}`)}</span></div>`)}</div>
<div class="card" data-share>${d.total.population
  ? html`<p>${t('console-figures.share_line', { share: pct.format(d.total.share ?? 0), population: n.format(d.total.population), year: app.areas.get(area)?.populationYear ?? '' })}</p>
<ul class="targets">${d.targets.map((g) => html`<li><meter min="0" max="1" value="${Math.min(1, (d.total.share ?? 0) / g.share)}"></meter> ${t('console-figures.columns.target', { share: pct.format(g.share), year: g.year })}: ${targetCell(t, lang, d.total, g.share)}</li>`)}</ul>`
  : html`<p>${t('console-figures.no_population')}</p>`}</div>
<p class="downloads"><a class="button secondary" href="/admin/figures.csv?${query}" download>${t('console-figures.download_csv')}</a> <a class="button secondary" href="/admin/figures.xlsx?${query}" download>${t('console-figures.download_xlsx')}</a></p>
<div class="charts">
<figure><figcaption>${t(d.rows.length ? 'console-figures.chart.areas' : 'console-figures.chart.area')}</figcaption><div class="chart-box${d.rows.length > 30 ? ' wide' : ''}"><canvas id="chart-areas" role="img" aria-label="${t('console-figures.chart.areas')}"></canvas></div></figure>
<figure><figcaption>${t('console-figures.chart.months')}</figcaption><div class="chart-box"><canvas id="chart-months" role="img" aria-label="${t('console-figures.chart.months')}"></canvas></div></figure>
</div>
<script type="application/json" id="figures-data">${new SafeHtml(chartData(ctx, d))}</script>
<script src="/admin/figures/chart.umd.min.js"></script>
<script src="/admin/assets/figures.js"></script>
${table(ctx, d, d.rows.length > 0)}`;
      },
    })
    .page({
      path: '/admin/figures.csv',
      title: 'console-figures.title',
      needs: 'officer',
      nav: false,
      async handler(ctx) {
        const { area, year } = choice(lc, ctx);
        const d = await dashboard(lc, area, year);
        await ctx.audit('figures.export.csv', `${area} ${year}`, area);
        return ctx.reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${fileName(d, 'csv')}"`).send(toCsv(exportRows(ctx, d)));
      },
    })
    .page({
      path: '/admin/figures.xlsx',
      title: 'console-figures.title',
      needs: 'officer',
      nav: false,
      async handler(ctx) {
        const { area, year } = choice(lc, ctx);
        const d = await dashboard(lc, area, year);
        await ctx.audit('figures.export.xlsx', `${area} ${year}`, area);
        const book = new ExcelJS.Workbook();
        const sheet = book.addWorksheet(ctx.t('console-figures.sheet_areas'));
        const rows = exportRows(ctx, d);
        sheet.addRows(rows.map((r, i) => (i === 0 ? r : r.map((c, j) => (j === r.length - 1 && typeof c === 'number' ? c / 100 : c)))));
        sheet.getRow(1).font = { bold: true };
        sheet.getColumn(rows[0]?.length ?? 1).numFmt = '0.00%';
        sheet.columns.forEach((c, i) => (c.width = i === 1 ? 40 : 14));
        const months = book.addWorksheet(ctx.t('console-figures.sheet_months'));
        months.addRow([ctx.t('console-figures.columns.month'), ...MEASURES.map((m) => ctx.t(`console-figures.columns.${m}`))]).font = { bold: true };
        for (const m of d.months) months.addRow([m.month, ...MEASURES.map((k) => m.counts[k])]);
        const body = Buffer.from(await book.xlsx.writeBuffer());
        return ctx.reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="${fileName(d, 'xlsx')}"`)
          .send(body);
      },
    })
    .page({
      path: '/admin/figures/chart.umd.min.js',
      title: 'console-figures.title',
      needs: 'officer',
      nav: false,
      async handler(ctx) {
        return ctx.reply.type('text/javascript; charset=utf-8').header('cache-control', 'private, max-age=86400').send(createReadStream(CHART_JS));
      },
    });
}
