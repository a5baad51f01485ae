import { z } from 'zod';
import { formatVnDate, formatVnDateTime, vnDate } from '../core/clock.js';
import { areaPicker, pickedArea } from '../console/area-picker.js';
import { html, type SafeHtml } from '../console/html.js';
import { HttpError } from '../http/errors.js';
import type { ConsoleContext } from '../console/pages.js';
import { obligationBoard, unitsOwing, type ObligationBoard, type UnitRow } from './board.js';
import { calendarFileName, calendarUrl, ICS_MIME, unitCalendar } from './calendar-export.js';
import { dueLabel, sourceLabel } from './compose.js';
import type { Reminders } from './context.js';
import { currentSubscription } from './officer.js';
import { daysBetween, isoDateSchema } from './schedule.js';

const boardQuery = z.object({ obligation: z.string().max(40).optional(), due: isoDateSchema.optional() });
const unitParams = z.object({ kind: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/), area: z.string().regex(/^[a-z0-9.-]{1,100}$/) });

/**
 * /admin/deadlines: for each obligation owed in the officer's area, the deadline, every unit that owes
 * it and where it stands ("Đã nộp", late, still open), the reminders sent, and each unit's calendar.
 * A province officer sees every commune at once, late ones first and marked.
 */
export function registerDeadlinesBoard(r: Reminders): void {
  const { app } = r;

  function stateCell(ctx: ConsoleContext, row: UnitRow): SafeHtml {
    if (row.state === 'reported') return html`<span class="state reported">${ctx.t('boards.deadlines.state.reported', { at: formatVnDateTime(new Date(row.reportedAt ?? 0)) })}</span>`;
    if (row.state === 'late') return html`<span class="state late">${ctx.t('boards.deadlines.state.late', { days: row.daysLate ?? 0 })}</span>`;
    return html`<span class="state ${row.state}">${ctx.t(`boards.deadlines.state.${row.state}`)}</span>`;
  }

  /** Seen: "Đã nộp", or "Nhắc lại sau" pressed (when); nothing yet. */
  function seenCell(ctx: ConsoleContext, row: UnitRow): string {
    if (row.state === 'reported') return ctx.t('boards.deadlines.seen.reported');
    if (row.snoozedAt !== undefined) return ctx.t('boards.deadlines.seen.snoozed', { at: formatVnDateTime(new Date(row.snoozedAt)) });
    return row.reminded ? ctx.t('boards.deadlines.seen.not_yet') : '';
  }

  function whenWords(ctx: ConsoleContext, due: string, today: string): string {
    const days = daysBetween(today, due);
    if (days > 0) return ctx.t('boards.deadlines.in_days', { days });
    return days === 0 ? ctx.t('boards.deadlines.today') : ctx.t('boards.deadlines.passed', { days: -days });
  }

  /** An area inside the board's: its own name ("Phường Tô Hiệu"); the board's area itself in full. */
  const areaName = (id: string, scope: string) => {
    const a = app.areas.get(id);
    return !a ? id : id === scope ? a.fullName : a.name;
  };

  /** Every obligation on one line each: how many reported, how many late; a province's day at a glance. */
  function overview(ctx: ConsoleContext, boards: ObligationBoard[]): SafeHtml {
    return html`<div class="table-wrap"><table data-overview-table><thead><tr><th>${ctx.t('boards.deadlines.col.report')}</th><th>${ctx.t('boards.deadlines.col.deadline')}</th><th class="num">${ctx.t('boards.deadlines.col.reported')}</th><th class="num">${ctx.t('boards.deadlines.col.late')}</th></tr></thead>
<tbody>${boards.map(
      (b) => html`<tr${b.counts.late ? html` class="late"` : ''} data-overview="${b.obligation.id}"><td><a href="#${b.obligation.id}">${r.calendar.title(b.obligation, ctx.lang)}</a></td><td>${dueLabel(b.occurrence, ctx.t)}</td><td class="num">${b.counts.reported}/${b.counts.units}</td><td class="num">${b.counts.late}</td></tr>`,
    )}</tbody></table></div>`;
  }

  function card(ctx: ConsoleContext, b: ObligationBoard, area: string, today: string): SafeHtml {
    const { obligation: o, occurrence, counts } = b;
    const move = (due: string) => `/admin/deadlines?area=${encodeURIComponent(area)}&obligation=${o.id}&due=${due}#${o.id}`;
    return html`<section class="card board" id="${o.id}" data-obligation="${o.id}">
<h2>${r.calendar.title(o, ctx.lang)}</h2>
<p class="muted">${ctx.t('boards.deadlines.source', { source: sourceLabel(r, occurrence, ctx.t) })}</p>
<p data-due="${occurrence.due}"><strong>${ctx.t('boards.deadlines.due', { date: dueLabel(occurrence, ctx.t) })}</strong> · ${whenWords(ctx, occurrence.due, today)}${
      b.upcoming && b.upcoming.id !== occurrence.id ? html` · ${ctx.t('boards.deadlines.next', { date: dueLabel(b.upcoming, ctx.t) })}` : ''
    }</p>
<p class="summary" data-summary>${ctx.t('boards.deadlines.summary', { reported: counts.reported, units: counts.units, late: counts.late, open: counts.open + counts.due_today })}
 · ${ctx.t('boards.deadlines.reminders', { sent: counts.reminded, seen: counts.seen, reported: counts.reported })}</p>
<p class="moves">${b.previous ? html`<a href="${move(b.previous.due)}">← ${dueLabel(b.previous, ctx.t)}</a>` : ''} ${b.next ? html`<a href="${move(b.next.due)}">${dueLabel(b.next, ctx.t)} →</a>` : ''}</p>
<div class="table-wrap"><table data-units>
<thead><tr><th>${ctx.t('boards.deadlines.col.unit')}</th><th>${ctx.t('boards.deadlines.col.area')}</th><th>${ctx.t('boards.deadlines.col.state')}</th><th class="num">${ctx.t('boards.deadlines.col.officers')}</th><th class="num">${ctx.t('boards.deadlines.col.reminded')}</th><th>${ctx.t('boards.deadlines.col.seen')}</th><th>${ctx.t('boards.deadlines.col.calendar')}</th></tr></thead>
<tbody>${b.rows.map(
      (row) => html`<tr class="${row.state}" data-unit="${row.unit.kind}|${row.unit.area}" data-state="${row.state}">
<td>${r.units.name(row.unit.kind, ctx.lang)}</td><td>${areaName(row.unit.area, area)}</td><td>${stateCell(ctx, row)}</td>
<td class="num">${row.officers || html`<span class="muted" title="${ctx.t('boards.deadlines.no_officer')}">0</span>`}</td><td class="num">${row.reminded}</td><td data-seen="${row.seen}">${seenCell(ctx, row)}</td>
<td><a href="/admin/deadlines/calendar/${row.unit.kind}/${row.unit.area}.ics" download>.ics</a></td></tr>`,
    )}</tbody></table></div>
</section>`;
  }

  /** Every obligation's board in `area` today; `asked` moves one of them to another deadline. */
  async function boardsOf(area: string, today: string, asked: z.infer<typeof boardQuery> = {}): Promise<ObligationBoard[]> {
    const boards: ObligationBoard[] = [];
    for (const { obligation, units } of unitsOwing(r, area)) {
      const b = await obligationBoard(r, obligation, units, today, asked.obligation === obligation.id ? asked.due : undefined);
      if (b) boards.push(b);
    }
    return boards;
  }

  /** The board as a spreadsheet: one row per deadline and unit, the same words as the page. */
  function csvRows(ctx: ConsoleContext, boards: ObligationBoard[], area: string): (string | number)[][] {
    const columns = ['report', 'deadline', 'unit', 'area', 'state', 'reminded', 'seen'] as const;
    return [
      columns.map((c) => ctx.t(`boards.deadlines.csv.${c}`)),
      ...boards.flatMap((b) =>
        b.rows.map((row) => [
          r.calendar.title(b.obligation, ctx.lang),
          b.occurrence.due,
          r.units.name(row.unit.kind, ctx.lang),
          areaName(row.unit.area, area),
          ctx.t(`boards.deadlines.csv.states.${row.state}`),
          row.reminded,
          seenCell(ctx, row),
        ]),
      ),
    ];
  }

  app.console
    .page({
      path: '/admin/deadlines',
      title: 'boards.deadlines.title',
      needs: 'officer',
      async handler(ctx) {
        const area = pickedArea(app, ctx, 'officer');
        const today = vnDate(app.clock.now());
        const boards = await boardsOf(area.id, today, ctx.query(boardQuery));
        const late = boards.reduce((n, b) => n + b.counts.late, 0);
        const own = await currentSubscription(r, ctx.person.user);
        return html`<link rel="stylesheet" href="/admin/assets/boards.css">
<h1>${ctx.t('boards.deadlines.title')}</h1>
${areaPicker(app, ctx, 'officer', area, '/admin/deadlines')}
<div class="notice" data-overview>${ctx.t('boards.deadlines.overview', { area: area.fullName, count: boards.length, today: formatVnDate(today) })} ${
          late ? html`<strong class="late-total">${ctx.t('boards.deadlines.late_total', { count: late })}</strong>` : ctx.t('boards.deadlines.none_late')
        }</div>
${own
  ? html`<div class="card"><p>${ctx.t('boards.deadlines.link_intro')}</p><form method="post" action="/admin/deadlines/calendar-link">${ctx.csrfField}<button type="submit" class="secondary" id="calendar-link">${ctx.t('boards.deadlines.link_button')}</button></form></div>`
  : ''}
${boards.length ? html`<p class="downloads"><a class="button secondary" href="/admin/deadlines.csv?area=${area.id}" download data-csv>${ctx.t('boards.deadlines.download_csv')}</a></p>${overview(ctx, boards)}${boards.map((b) => card(ctx, b, area.id, today))}` : html`<p>${ctx.t('boards.deadlines.empty', { area: area.fullName })}</p>`}`;
      },
    })
    .page({
      path: '/admin/deadlines.csv',
      title: 'boards.deadlines.title',
      needs: 'officer',
      nav: false,
      async handler(ctx) {
        const area = pickedArea(app, ctx, 'officer');
        const today = vnDate(app.clock.now());
        const rows = csvRows(ctx, await boardsOf(area.id, today), area.id);
        await ctx.audit('deadlines.export.csv', `${area.id} ${today}`, area.id);
        return ctx.download(`han-bao-cao-${area.id}-${today}.csv`, { csv: rows });
      },
    })
    .page({
      path: '/admin/deadlines/calendar/:kind/:area',
      title: 'boards.deadlines.title',
      needs: 'officer',
      async handler(ctx) {
        const { kind, area: file } = ctx.params(unitParams);
        const area = file.replace(/\.ics$/, '');
        ctx.requireArea(area);
        if (!r.units.has(kind)) throw new HttpError(404, 'not found');
        const unit = { kind, area };
        return ctx.reply
          .type(`${ICS_MIME}; charset=utf-8`)
          .header('content-disposition', `attachment; filename="${calendarFileName(unit)}"`)
          .send(unitCalendar(r, unit, ctx.lang));
      },
    })
    .action({
      path: '/admin/deadlines/calendar-link',
      title: 'boards.deadlines.title',
      needs: 'officer',
      async handler(ctx) {
        const unit = await currentSubscription(r, ctx.person.user);
        if (!unit) return '/admin/deadlines';
        // The same link as the chat's "Liên kết lịch": a new one ends the old one.
        const token = await r.tokens.issue(ctx.person.user, unit);
        await ctx.audit('deadlines.calendar-link', `${unit.kind}|${unit.area}`, unit.area);
        const url = calendarUrl(r, token);
        return html`<h1>${ctx.t('boards.deadlines.link_title')}</h1>
<div class="card"><p>${ctx.t('boards.deadlines.link_made')}</p><p><input class="wide" readonly value="${url}" data-calendar-link></p><p><a href="/admin/deadlines">${ctx.t('boards.deadlines.back')}</a></p></div>`;
      },
    });
}
