import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import type { Language, Translate } from '../../i18n/index.js';
import { thisYear, type LearningContext } from '../../learning/context.js';
import { MEASURES } from '../../learning/figures.js';
import { HttpError } from '../../http/errors.js';
import { html, SafeHtml } from '../html.js';
import type { ConsoleContext } from '../pages.js';
import { dashboard, type Dashboard, type DashboardRow, type PopulationOrigin } from './data.js';
import { GivenPopulations } from './populations.js';

/** Chart.js's browser build, installed from npm and served by the bot: offices may have no internet. */
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

const COLUMNS = ['registered', 'submitted', 'waiting', 'returned', 'recognised'] as const;

const yearSchema = z.coerce.number().int().min(2000).max(2100);

const querySchema = z.object({
  area: z.string().max(100).optional(),
  year: yearSchema.optional(),
  saved: z.literal('1').optional(),
});

/** The population form as sent: strings, read again to show them back beside an error. */
const populationFormSchema = z.object({
  area: z.string().max(100),
  year: yearSchema,
  population: z.string().max(100).default(''),
  population_year: z.string().max(100).default(''),
  source: z.string().max(1000).default(''),
});
type PopulationForm = z.infer<typeof populationFormSchema>;

/** The population a commune gives: a whole number of people ("12.345" as written in Vietnamese too), a recent year, where it comes from. */
const givenSchema = (latestYear: number) =>
  z.object({
    population: z
      .string()
      .trim()
      .regex(/^(\d+|\d{1,3}([. ]\d{3})+)$/)
      .transform((v) => Number(v.replace(/[. ]/g, '')))
      .pipe(z.number().int().positive().max(1_999_999)),
    population_year: z.string().trim().regex(/^\d{4}$/).transform(Number).pipe(z.number().int().min(2020).max(latestYear)),
    source: z.string().trim().min(3).max(200),
  });
type GivenField = keyof z.infer<ReturnType<typeof givenSchema>>;

const numberFormat = (lang: Language) => new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB');
const percentFormat = (lang: Language) => new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { style: 'percent', maximumFractionDigits: 2 });

/** The areas a person picks from: their own, or every province for an administrator. */
function ownAreas(lc: LearningContext, ctx: ConsoleContext): string[] {
  const mine = ctx.person.areasFor('officer');
  return mine.includes('*') ? lc.app.areas.roots().map((a) => a.id) : mine;
}

/** The area and year asked for, once the person may see that area (404 otherwise, as for any other's). */
function choice(lc: LearningContext, ctx: ConsoleContext): { area: string; year: number; saved: boolean } {
  const q = ctx.query(querySchema);
  const mine = ownAreas(lc, ctx);
  const area = q.area ?? mine[0];
  if (!area) throw new HttpError(404, 'not found');
  ctx.requireArea(area);
  return { area, year: q.year ?? thisYear(lc), saved: q.saved === '1' };
}

/** Where a population figure comes from, as the page and the exports say it. */
function originText(t: Translate, origin: PopulationOrigin): string {
  return origin.from === 'map' ? t('console-figures.population.from_map', { year: origin.year }) : t('console-figures.population.from_commune', { year: origin.year, source: origin.source });
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
<td class="num" data-col="population"${r.populationFrom ? html` data-origin="${r.populationFrom.from}" title="${originText(t, r.populationFrom)}"` : ''}>${r.population ? n.format(r.population) : '—'}${r.populationFrom?.from === 'commune' ? '*' : ''}</td>
<td class="num" data-col="share">${r.share === undefined ? '—' : pct.format(r.share)}</td>
${d.targets.map((g) => html`<td>${targetCell(t, lang, r, g.share)}</td>`)}</tr>`;
  return html`<div class="table-wrap"><table data-figures>
<thead><tr><th>${t('console-figures.columns.area')}</th>${COLUMNS.map((c) => html`<th class="num">${t(`console-figures.columns.${c}`)}</th>`)}<th class="num">${t('console-figures.columns.population')}</th><th class="num">${t('console-figures.columns.share')}</th>${d.targets.map((g) => html`<th>${t('console-figures.columns.target', { share: pct.format(g.share), year: g.year })}</th>`)}</tr></thead>
<tbody>${line(d.total, true)}${d.rows.map((r) => line(r, false))}</tbody></table></div>
${[d.total, ...d.rows].some((r) => r.populationFrom?.from === 'commune') ? html`<p class="muted">${t('console-figures.population.footnote')}</p>` : ''}`;
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
  const header = [t('console-figures.columns.code'), t('console-figures.columns.area'), ...COLUMNS.map((c) => t(`console-figures.columns.${c}`)), t('console-figures.columns.population'), t('console-figures.columns.share_percent'), t('console-figures.columns.population_year'), t('console-figures.columns.population_origin')];
  return [
    header,
    ...[d.total, ...d.rows].map((r) => [
      r.area,
      r.name,
      ...COLUMNS.map((c) => r[c]),
      r.population ?? '',
      r.share === undefined ? '' : Math.round(r.share * 10_000) / 100,
      r.populationFrom?.year ?? '',
      r.populationFrom ? t(`console-figures.population.origin_${r.populationFrom.from}`, { source: r.populationFrom.from === 'commune' ? r.populationFrom.source : '' }) : '',
    ]),
  ];
}

/** The export's column of the share (a percentage: XLSX shows it as one). */
const SHARE_COLUMN = 2 + COLUMNS.length + 1;

const fileName = (d: Dashboard, ext: string) => `so-lieu-${d.area.replace(/[^a-z0-9-]/g, '-')}-${d.year}.${ext}`;

/** /admin/figures: an area's figures against the targets, as a table, two charts, CSV and XLSX; a commune's population where the map has none. */
export function registerFiguresPages(lc: LearningContext): void {
  const { app } = lc;
  const populations = new GivenPopulations(app.redis, app.prefix);

  /** Where the map has no population for a commune, its officers (or the province's) give one here. */
  function populationForm(ctx: ConsoleContext, d: Dashboard, sent?: { form: PopulationForm; wrong: GivenField }): SafeHtml | '' {
    const place = app.areas.get(d.area);
    if (!place?.parent || place.population) return '';
    const { t } = ctx;
    const given = d.total.populationFrom?.from === 'commune' ? d.total.populationFrom : undefined;
    const value = (field: 'population' | 'population_year' | 'source', shown: string | number | undefined) => sent?.form[field] ?? (shown === undefined ? '' : String(shown));
    return html`<form class="card population" method="post" action="/admin/figures/population" data-population-form>
<h2>${t('console-figures.population.title')}</h2>
<p class="muted">${t('console-figures.population.why')}</p>
${sent ? html`<p class="errors" role="alert" data-error="${sent.wrong}">${t(`console-figures.population.errors.${sent.wrong}`, { year: thisYear(lc) })}</p>` : ''}
${ctx.csrfField}<input type="hidden" name="area" value="${d.area}"><input type="hidden" name="year" value="${d.year}">
<div class="filters">
<label>${t('console-figures.population.population')} <input name="population" inputmode="numeric" required value="${value('population', given ? d.total.population : undefined)}"></label>
<label>${t('console-figures.population.year')} <input name="population_year" type="number" min="2020" max="${thisYear(lc)}" required value="${value('population_year', given?.year)}"></label>
<label>${t('console-figures.population.source')} <input name="source" maxlength="200" required placeholder="${t('console-figures.population.source_example')}" value="${value('source', given?.source)}"></label>
<button type="submit">${t('console-figures.population.save')}</button>
</div>
</form>`;
  }

  async function figuresPage(ctx: ConsoleContext, area: string, year: number, sent?: { form: PopulationForm; wrong: GivenField }, saved = false): Promise<SafeHtml> {
    const mine = ownAreas(lc, ctx);
    const d = await dashboard(lc, populations, area, year);
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
${saved ? html`<p class="card" role="status" data-saved>${t('console-figures.population.saved')}</p>` : ''}
<div class="tiles">${COLUMNS.map((c) => html`<div class="tile" data-tile="${c}"><span class="value">${n.format(d.total[c])}</span><span class="label">${t(`console-figures.columns.${c}`)}</span></div>`)}</div>
<div class="card" data-share>${d.total.population && d.total.populationFrom
  ? html`<p>${t('console-figures.share_line', { share: pct.format(d.total.share ?? 0), population: n.format(d.total.population) })}</p>
<p class="muted" data-origin="${d.total.populationFrom.from}">${originText(t, d.total.populationFrom)}</p>
<ul class="targets">${d.targets.map((g) => html`<li><meter min="0" max="1" value="${Math.min(1, (d.total.share ?? 0) / g.share)}"></meter> ${t('console-figures.columns.target', { share: pct.format(g.share), year: g.year })}: ${targetCell(t, lang, d.total, g.share)}</li>`)}</ul>`
  : html`<p>${t('console-figures.no_population')}</p>`}</div>
${populationForm(ctx, d, sent)}
<p class="downloads"><a class="button secondary" href="/admin/figures.csv?${query}" download>${t('console-figures.download_csv')}</a> <a class="button secondary" href="/admin/figures.xlsx?${query}" download>${t('console-figures.download_xlsx')}</a></p>
<div class="charts">
<figure><figcaption>${t(d.rows.length ? 'console-figures.chart.areas' : 'console-figures.chart.area')}</figcaption><div class="chart-box${d.rows.length > 30 ? ' wide' : ''}"><canvas id="chart-areas" role="img" aria-label="${t('console-figures.chart.areas')}"></canvas></div></figure>
<figure><figcaption>${t('console-figures.chart.months')}</figcaption><div class="chart-box"><canvas id="chart-months" role="img" aria-label="${t('console-figures.chart.months')}"></canvas></div></figure>
</div>
<script type="application/json" id="figures-data">${new SafeHtml(chartData(ctx, d))}</script>
<script src="/admin/figures/chart.umd.min.js"></script>
<script src="/admin/assets/figures.js"></script>
${table(ctx, d, d.rows.length > 0)}`;
  }

  /** The figures of the area and year asked for, with the download written to the audit log. */
  async function exported(ctx: ConsoleContext, kind: 'csv' | 'xlsx') {
    const { area, year } = choice(lc, ctx);
    const d = await dashboard(lc, populations, area, year);
    await ctx.audit(`figures.export.${kind}`, `${area} ${year}`, area);
    return d;
  }

  app.console
    .page({
      path: '/admin/figures',
      title: 'console-figures.title',
      needs: 'officer',
      async handler(ctx) {
        const { area, year, saved } = choice(lc, ctx);
        return figuresPage(ctx, area, year, undefined, saved);
      },
    })
    .action({
      path: '/admin/figures/population',
      needs: 'officer',
      title: 'console-figures.title',
      async handler(ctx) {
        const form = ctx.form(populationFormSchema);
        const place = ctx.requireArea(form.area);
        // The map's figure wins, and a province's comes from the map: only a commune without one is given here.
        if (!place.parent || place.population) throw new HttpError(400, 'the map gives this area its population');
        const parsed = givenSchema(thisYear(lc)).safeParse(form);
        if (!parsed.success) return figuresPage(ctx, form.area, form.year, { form, wrong: parsed.error.issues[0]?.path[0] as GivenField });
        const { population, population_year: year, source } = parsed.data;
        await populations.set(lc.store.figures.rootOf(form.area), form.area, { population, year, source, at: app.clock.now().getTime() });
        await ctx.audit('figures.population', `${form.area} ${population} (${year})`, form.area);
        return `/admin/figures?area=${encodeURIComponent(form.area)}&year=${form.year}&saved=1`;
      },
    })
    .page({
      path: '/admin/figures.csv',
      title: 'console-figures.title',
      needs: 'officer',
      nav: false,
      async handler(ctx) {
        const d = await exported(ctx, 'csv');
        return ctx.download(fileName(d, 'csv'), { csv: exportRows(ctx, d) });
      },
    })
    .page({
      path: '/admin/figures.xlsx',
      title: 'console-figures.title',
      needs: 'officer',
      nav: false,
      async handler(ctx) {
        const d = await exported(ctx, 'xlsx');
        const book = new ExcelJS.Workbook();
        const sheet = book.addWorksheet(ctx.t('console-figures.sheet_areas'));
        const rows = exportRows(ctx, d);
        sheet.addRows(rows.map((r, i) => (i === 0 ? r : r.map((c, j) => (j === SHARE_COLUMN && typeof c === 'number' ? c / 100 : c)))));
        sheet.getRow(1).font = { bold: true };
        sheet.getColumn(SHARE_COLUMN + 1).numFmt = '0.00%';
        sheet.columns.forEach((c, i) => (c.width = i === 1 || i === (rows[0]?.length ?? 0) - 1 ? 40 : 14));
        const months = book.addWorksheet(ctx.t('console-figures.sheet_months'));
        months.addRow([ctx.t('console-figures.columns.month'), ...MEASURES.map((m) => ctx.t(`console-figures.columns.${m}`))]).font = { bold: true };
        for (const m of d.months) months.addRow([m.month, ...MEASURES.map((k) => m.counts[k])]);
        const bytes = Buffer.from(await book.xlsx.writeBuffer());
        return ctx.download(fileName(d, 'xlsx'), { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes });
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
