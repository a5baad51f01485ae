import { z } from 'zod';
import { addDays, vnDate } from '../core/clock.js';
import { areaPicker, pickedArea } from '../console/area-picker.js';
import { html, type SafeHtml } from '../console/html.js';
import type { ConsoleContext } from '../console/pages.js';
import { HttpError } from '../http/errors.js';
import { datesLabel } from './compose.js';
import type { Reminders } from './context.js';
import { EVERYWHERE, type NewsEvent } from './events.js';
import { nextDates, WEEK_MAX_DAYS } from './news.js';
import { isoDateSchema } from './schedule.js';

const weekForm = z.object({
  scope: z.string().min(1).max(100),
  start: z.string().max(10),
  end: z.string().max(10),
  theme: z.string().max(600).optional(),
});
type WeekForm = z.infer<typeof weekForm>;

/**
 * /admin/settings: the yearly events people hear about, as they fall in the organiser's area, and the
 * Lifelong Learning Week's dates and theme per year, set as in the chat's "Đặt ngày, chủ đề" (the same
 * records, so the next announcement uses them).
 */
export function registerWeekSettings(r: Reminders): void {
  const { app } = r;

  /** The week as typed, checked by the chat's rules; otherwise what is wrong. */
  function checked(form: WeekForm): { ok: true; start: string; end: string; theme?: string } | { ok: false; errors: string[] } {
    const start = isoDateSchema.safeParse(form.start);
    const end = isoDateSchema.safeParse(form.end);
    const theme = form.theme?.trim() || undefined;
    const errors: string[] = [];
    if (!start.success) errors.push('start');
    if (!end.success) errors.push('end');
    if (start.success && end.success) {
      if (end.data < start.data) errors.push('end_before_start');
      else if (end.data > addDays(start.data, WEEK_MAX_DAYS - 1)) errors.push('too_long');
    }
    if (theme && theme.length > 300) errors.push('theme');
    // A year already over: nobody would hear of it.
    if (start.success && start.data.slice(0, 4) < vnDate(app.clock.now()).slice(0, 4)) errors.push('start');
    return errors.length || !start.success || !end.success ? { ok: false, errors: [...new Set(errors)] } : { ok: true, start: start.data, end: end.data, ...(theme ? { theme } : {}) };
  }

  async function page(ctx: ConsoleContext, values?: WeekForm, errors: string[] = []): Promise<SafeHtml> {
    const area = pickedArea(app, ctx, 'organiser');
    const today = vnDate(app.clock.now());
    const year = Number(today.slice(0, 4));
    const week = r.events.settable();
    const origin = (o: string) => ctx.t(`boards.settings.origin.${o}`);
    const eventRow = async (event: NewsEvent) => {
      const dates = await nextDates(r, event, area.id, today);
      return html`<tr data-event="${event.id}"><td>${event.name[ctx.lang]}<br><small class="muted">${event.source}</small></td><td data-dates>${datesLabel(dates)}</td><td>${dates.theme ?? ''}</td><td>${origin(dates.origin)}</td></tr>`;
    };
    const events = r.events.events.filter((e) => r.events.reaches(e, area.id));
    const scopes = [area.id, ...(ctx.person.roles.has('admin') ? [EVERYWHERE] : [])];
    const weekYears = week
      ? await Promise.all(
          [year, year + 1].map(async (y) => {
            const set = await r.weeks.forYear(week.id, y);
            // What this page may undo: the setting of its own area, and for an administrator the country's.
            return { y, dates: r.events.datesFor(week, y, area.id, set), own: scopes.filter((s) => set.has(s)) };
          }),
        )
      : [];
    const shown = values ?? { scope: area.id, start: weekYears.find((w) => w.dates.end >= today)?.dates.start ?? '', end: weekYears.find((w) => w.dates.end >= today)?.dates.end ?? '', theme: '' };
    return html`<link rel="stylesheet" href="/admin/assets/boards.css">
<h1>${ctx.t('boards.settings.title')}</h1>
${areaPicker(app, ctx, 'organiser', area, '/admin/settings')}
<section class="card"><h2>${ctx.t('boards.settings.events_title', { area: area.fullName })}</h2>
<div class="table-wrap"><table data-events><thead><tr><th>${ctx.t('boards.settings.col.event')}</th><th>${ctx.t('boards.settings.col.dates')}</th><th>${ctx.t('boards.settings.col.theme')}</th><th>${ctx.t('boards.settings.col.origin')}</th></tr></thead>
<tbody>${await Promise.all(events.map(eventRow))}</tbody></table></div></section>
${week
  ? html`<section class="card" id="week"><h2>${week.name[ctx.lang]}</h2>
<ul data-week-years>${weekYears.map(
      ({ y, dates, own }) => html`<li data-year="${y}">${ctx.t('boards.settings.week_year', { year: y, dates: datesLabel(dates), origin: origin(dates.origin) })}${dates.theme ? html` · “${dates.theme}”` : ''}${
        own.map((scope) => html` <form class="inline" method="post" action="/admin/settings/week/clear?area=${area.id}">${ctx.csrfField}<input type="hidden" name="year" value="${y}"><input type="hidden" name="scope" value="${scope}"><button type="submit" class="secondary" data-clear="${scope}">${ctx.t('boards.settings.clear', { scope: scope === EVERYWHERE ? ctx.t('reminders.week.everywhere') : area.name })}</button></form>`)
      }</li>`,
    )}</ul>
${errors.length ? html`<div class="errors" data-errors><ul>${errors.map((e) => html`<li data-error="${e}">${ctx.t(`boards.settings.error.${e}`, { max: WEEK_MAX_DAYS })}</li>`)}</ul></div>` : ''}
<form class="stack" method="post" action="/admin/settings/week?area=${area.id}">${ctx.csrfField}
<label><span>${ctx.t('boards.settings.field.scope')}</span><select name="scope">${scopes.map((s) => html`<option value="${s}"${s === shown.scope ? html` selected` : ''}>${s === EVERYWHERE ? ctx.t('reminders.week.everywhere') : area.fullName}</option>`)}</select></label>
<div class="row"><label><span>${ctx.t('boards.settings.field.start')}</span><input type="date" name="start" value="${shown.start}" required></label>
<label><span>${ctx.t('boards.settings.field.end')}</span><input type="date" name="end" value="${shown.end}" required></label></div>
<label><span>${ctx.t('boards.settings.field.theme')}</span><input class="wide" name="theme" maxlength="300" value="${shown.theme ?? ''}"></label>
<p class="muted">${ctx.t('boards.settings.week_hint', { max: WEEK_MAX_DAYS })}</p>
<button type="submit" id="save-week">${ctx.t('boards.settings.save')}</button></form></section>`
  : ''}
<p><a href="/admin/invites">${ctx.t('boards.invites.title')}</a></p>`;
  }

  /** "Everywhere" is an administrator's; any other scope is an area the organiser answers for (404 otherwise). */
  function allowedScope(ctx: ConsoleContext, scope: string): void {
    if (scope !== EVERYWHERE) ctx.requireArea(scope);
    else if (!ctx.person.roles.has('admin')) throw new HttpError(404, 'not found');
  }

  const backTo = (ctx: ConsoleContext, scope: string) => `/admin/settings?area=${encodeURIComponent(scope === EVERYWHERE ? pickedArea(app, ctx, 'organiser').id : scope)}#week`;

  app.console
    .page({ path: '/admin/settings', title: 'boards.settings.title', needs: 'organiser', handler: (ctx) => page(ctx) })
    .action({
      path: '/admin/settings/week',
      title: 'boards.settings.title',
      needs: 'organiser',
      async handler(ctx) {
        const week = r.events.settable();
        if (!week) throw new HttpError(404, 'no settable event');
        const form = ctx.form(weekForm);
        allowedScope(ctx, form.scope);
        const result = checked(form);
        if (!result.ok) return page(ctx, form, result.errors);
        await r.weeks.set(week.id, form.scope, { start: result.start, end: result.end, ...(result.theme ? { theme: result.theme } : {}), at: app.clock.now().getTime() });
        await ctx.audit('week.set', `${week.id} ${result.start}..${result.end}`, form.scope);
        return backTo(ctx, form.scope);
      },
    })
    .action({
      path: '/admin/settings/week/clear',
      title: 'boards.settings.title',
      needs: 'organiser',
      async handler(ctx) {
        const week = r.events.settable();
        if (!week) throw new HttpError(404, 'no settable event');
        const form = ctx.form(z.object({ scope: z.string().min(1).max(100), year: z.coerce.number().int().min(2000).max(2100) }));
        allowedScope(ctx, form.scope);
        if (await r.weeks.clear(week.id, form.year, form.scope)) await ctx.audit('week.clear', `${week.id} ${form.year}`, form.scope);
        return backTo(ctx, form.scope);
      },
    });
}
