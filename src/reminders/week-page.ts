import { z } from 'zod';
import { addDays, vnDate } from '../core/clock.js';
import { areaPicker, pickedArea } from '../console/area-picker.js';
import { html, type SafeHtml } from '../console/html.js';
import type { ConsoleContext } from '../console/pages.js';
import { HttpError } from '../http/errors.js';
import { datesLabel } from './compose.js';
import type { Reminders } from './context.js';
import { EVERYWHERE, LOCAL_NAME_MAX, LOCAL_PLACE_MAX, type LocalEvent, type NewsEvent } from './events.js';
import { LocalEvents } from './local-events.js';
import { eventsFor, nextDates, WEEK_MAX_DAYS } from './news.js';
import { isoDateSchema } from './schedule.js';

const weekForm = z.object({
  scope: z.string().min(1).max(100),
  start: z.string().max(10),
  end: z.string().max(10),
  theme: z.string().max(600).optional(),
});
type WeekForm = z.infer<typeof weekForm>;

/** Generous limits: a name a little too long gets the page's message, not a refusal. */
const localForm = z.object({
  scope: z.string().min(1).max(100),
  name_vi: z.string().max(2000),
  name_en: z.string().max(2000).optional(),
  start: z.string().max(10),
  end: z.string().max(10).optional(),
  theme: z.string().max(2000).optional(),
  place: z.string().max(2000).optional(),
});
type LocalForm = z.infer<typeof localForm>;

/** What a form sent back shows: the values typed and what is wrong with them. */
interface Sent<F> {
  values: F;
  errors: string[];
}

/** A date range as typed, by the week form's rules: this year or later, end from start on, at most `maxDays`. */
function checkDates(startText: string, endText: string, today: string): { errors: string[]; start?: string; end?: string } {
  const start = isoDateSchema.safeParse(startText);
  const end = isoDateSchema.safeParse(endText);
  const errors: string[] = [];
  if (!start.success) errors.push('start');
  if (!end.success) errors.push('end');
  if (start.success && end.success) {
    if (end.data < start.data) errors.push('end_before_start');
    else if (end.data > addDays(start.data, WEEK_MAX_DAYS - 1)) errors.push('too_long');
  }
  // A year already over: nobody would hear of it.
  if (start.success && start.data.slice(0, 4) < today.slice(0, 4)) errors.push('start');
  return start.success && end.success ? { errors, start: start.data, end: end.data } : { errors };
}

/**
 * /admin/settings: the yearly events people hear about, as they fall in the organiser's area, and the
 * Lifelong Learning Week's dates and theme per year, set as in the chat's "Đặt ngày, chủ đề" (the same
 * records, so the next announcement uses them), and the one-off events an organiser adds for the area.
 */
export function registerWeekSettings(r: Reminders): void {
  const { app } = r;

  /** The week as typed, checked by the chat's rules; otherwise what is wrong. */
  function checked(form: WeekForm): { ok: true; start: string; end: string; theme?: string } | { ok: false; errors: string[] } {
    const theme = form.theme?.trim() || undefined;
    const { errors, start, end } = checkDates(form.start, form.end, vnDate(app.clock.now()));
    if (theme && theme.length > 300) errors.push('theme');
    return errors.length || !start || !end ? { ok: false, errors: [...new Set(errors)] } : { ok: true, start, end, ...(theme ? { theme } : {}) };
  }

  /** A local event as typed, checked as the week is (and its words by length); otherwise what is wrong. */
  function checkedLocal(form: LocalForm, scope: string): { ok: true; event: LocalEvent } | { ok: false; errors: string[] } {
    const today = vnDate(app.clock.now());
    const vi = form.name_vi.trim();
    const en = form.name_en?.trim() || undefined;
    const theme = form.theme?.trim() || undefined;
    const place = form.place?.trim() || undefined;
    const { errors, start, end } = checkDates(form.start, form.end?.trim() || form.start, today);
    if (!vi || vi.length > LOCAL_NAME_MAX) errors.push('name');
    if (en && en.length > LOCAL_NAME_MAX) errors.push('name_en');
    if (theme && theme.length > 300) errors.push('theme');
    if (place && place.length > LOCAL_PLACE_MAX) errors.push('place');
    if (end && end < today && !errors.includes('start')) errors.push('over');
    // The week's message names the week; an event's says "event".
    errors.forEach((e, i) => e === 'too_long' && (errors[i] = 'event_too_long'));
    if (errors.length || !start || !end) return { ok: false, errors: [...new Set(errors)] };
    const name = { vi, ...(en ? { en } : {}) };
    return { ok: true, event: { id: LocalEvents.newId(), area: scope, name, start, end, ...(theme ? { theme } : {}), ...(place ? { place } : {}), at: app.clock.now().getTime() } };
  }

  const errorList = (ctx: ConsoleContext, errors: string[]) =>
    errors.length
      ? html`<div class="errors" data-errors><ul>${errors.map((e) => html`<li data-error="${e}">${ctx.t(`boards.settings.error.${e}`, { max: WEEK_MAX_DAYS, name: LOCAL_NAME_MAX, place: LOCAL_PLACE_MAX })}</li>`)}</ul></div>`
      : '';

  async function page(ctx: ConsoleContext, sent: { week?: Sent<WeekForm>; local?: Sent<LocalForm> } = {}): Promise<SafeHtml> {
    const area = pickedArea(app, ctx, 'organiser');
    const today = vnDate(app.clock.now());
    const year = Number(today.slice(0, 4));
    const week = r.events.settable();
    const origin = (o: string) => ctx.t(`boards.settings.origin.${o}`);
    const scopes = [area.id, ...(ctx.person.roles.has('admin') ? [EVERYWHERE] : [])];
    const scopeName = (scope: string) => (scope === EVERYWHERE ? ctx.t('reminders.week.everywhere') : (app.areas.get(scope)?.fullName ?? scope));
    const removable = (event: NewsEvent) =>
      event.local && scopes.includes(event.local.area)
        ? html` <form class="inline" method="post" action="/admin/settings/local/remove?area=${area.id}">${ctx.csrfField}<input type="hidden" name="scope" value="${event.local.area}"><input type="hidden" name="id" value="${event.id}"><button type="submit" class="secondary" data-remove="${event.id}">${ctx.t('boards.settings.local.remove')}</button></form>`
        : '';
    const eventRow = async (event: NewsEvent) => {
      const dates = await nextDates(r, event, area.id, today);
      const note = event.local ? [event.local.place, ctx.t('boards.settings.local.for', { scope: scopeName(event.local.area) })].filter(Boolean).join(' · ') : event.source;
      return html`<tr data-event="${event.id}"${event.local ? html` data-local="${event.local.area}"` : ''}><td>${event.name[ctx.lang]}<br><small class="muted">${note}</small></td><td data-dates>${datesLabel(dates)}</td><td>${dates.theme ?? ''}</td><td>${origin(dates.origin)}${removable(event)}</td></tr>`;
    };
    const events = await eventsFor(r, area.id, today);
    const weekYears = week
      ? await Promise.all(
          [year, year + 1].map(async (y) => {
            const set = await r.weeks.forYear(week.id, y);
            // What this page may undo: the setting of its own area, and for an administrator the country's.
            return { y, dates: r.events.datesFor(week, y, area.id, set), own: scopes.filter((s) => set.has(s)) };
          }),
        )
      : [];
    const shown = sent.week?.values ?? { scope: area.id, start: weekYears.find((w) => w.dates.end >= today)?.dates.start ?? '', end: weekYears.find((w) => w.dates.end >= today)?.dates.end ?? '', theme: '' };
    return html`<link rel="stylesheet" href="/admin/assets/boards.css">
<h1>${ctx.t('boards.settings.title')}</h1>
${areaPicker(app, ctx, 'organiser', area, '/admin/settings')}
<section class="card"><h2>${ctx.t('boards.settings.events_title', { area: area.fullName })}</h2>
<div class="table-wrap"><table data-events><thead><tr><th>${ctx.t('boards.settings.col.event')}</th><th>${ctx.t('boards.settings.col.dates')}</th><th>${ctx.t('boards.settings.col.theme')}</th><th>${ctx.t('boards.settings.col.origin')}</th></tr></thead>
<tbody>${await Promise.all(events.map(eventRow))}</tbody></table></div></section>
${localSection(ctx, area.id, scopes.map((s) => ({ id: s, name: scopeName(s) })), sent.local)}
${week
  ? html`<section class="card" id="week"><h2>${week.name[ctx.lang]}</h2>
<ul data-week-years>${weekYears.map(
      ({ y, dates, own }) => html`<li data-year="${y}">${ctx.t('boards.settings.week_year', { year: y, dates: datesLabel(dates), origin: origin(dates.origin) })}${dates.theme ? html` · “${dates.theme}”` : ''}${
        own.map((scope) => html` <form class="inline" method="post" action="/admin/settings/week/clear?area=${area.id}">${ctx.csrfField}<input type="hidden" name="year" value="${y}"><input type="hidden" name="scope" value="${scope}"><button type="submit" class="secondary" data-clear="${scope}">${ctx.t('boards.settings.clear', { scope: scope === EVERYWHERE ? ctx.t('reminders.week.everywhere') : area.name })}</button></form>`)
      }</li>`,
    )}</ul>
${errorList(ctx, sent.week?.errors ?? [])}
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

  function localSection(ctx: ConsoleContext, area: string, scopes: { id: string; name: string }[], sent?: Sent<LocalForm>): SafeHtml {
    const v: Partial<LocalForm> = sent?.values ?? {};
    const field = (name: keyof LocalForm, label: string, attrs: SafeHtml | string = '') =>
      html`<label><span>${ctx.t(`boards.settings.local.field.${label}`)}</span><input class="wide" name="${name}" value="${v[name] ?? ''}"${attrs}></label>`;
    return html`<section class="card" id="local"><h2>${ctx.t('boards.settings.local.title')}</h2>
<p class="muted">${ctx.t('boards.settings.local.hint')}</p>
${errorList(ctx, sent?.errors ?? [])}
<form class="stack" method="post" action="/admin/settings/local?area=${area}" data-local-form>${ctx.csrfField}
<label><span>${ctx.t('boards.settings.field.scope')}</span><select name="scope">${scopes.map((s) => html`<option value="${s.id}"${s.id === (v.scope ?? area) ? html` selected` : ''}>${s.name}</option>`)}</select></label>
${field('name_vi', 'name_vi', html` maxlength="${LOCAL_NAME_MAX}" required`)}
${field('name_en', 'name_en', html` maxlength="${LOCAL_NAME_MAX}"`)}
<div class="row"><label><span>${ctx.t('boards.settings.field.start')}</span><input type="date" name="start" value="${v.start ?? ''}" required></label>
<label><span>${ctx.t('boards.settings.local.field.end')}</span><input type="date" name="end" value="${v.end ?? ''}"></label></div>
${field('theme', 'theme', html` maxlength="300"`)}
${field('place', 'place', html` maxlength="${LOCAL_PLACE_MAX}"`)}
<button type="submit" id="add-local">${ctx.t('boards.settings.local.add')}</button></form></section>`;
  }

  /** "Everywhere" is an administrator's; any other scope is an area the organiser answers for (404 otherwise). */
  function allowedScope(ctx: ConsoleContext, scope: string): void {
    if (scope !== EVERYWHERE) ctx.requireArea(scope);
    else if (!ctx.person.roles.has('admin')) throw new HttpError(404, 'not found');
  }

  const backTo = (ctx: ConsoleContext, scope: string, section: 'week' | 'local') =>
    `/admin/settings?area=${encodeURIComponent(scope === EVERYWHERE ? pickedArea(app, ctx, 'organiser').id : scope)}#${section}`;

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
        if (!result.ok) return page(ctx, { week: { values: form, errors: result.errors } });
        await r.weeks.set(week.id, form.scope, { start: result.start, end: result.end, ...(result.theme ? { theme: result.theme } : {}), at: app.clock.now().getTime() });
        await ctx.audit('week.set', `${week.id} ${result.start}..${result.end}`, form.scope);
        return backTo(ctx, form.scope, 'week');
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
        return backTo(ctx, form.scope, 'week');
      },
    })
    .action({
      path: '/admin/settings/local',
      title: 'boards.settings.title',
      needs: 'organiser',
      async handler(ctx) {
        const form = ctx.form(localForm);
        allowedScope(ctx, form.scope);
        const result = checkedLocal(form, form.scope);
        if (!result.ok) return page(ctx, { local: { values: form, errors: result.errors } });
        if (!(await r.local.add(result.event, vnDate(app.clock.now())))) return page(ctx, { local: { values: form, errors: ['too_many'] } });
        await ctx.audit('event.add', `${result.event.id} ${result.event.start}..${result.event.end}`, form.scope);
        return backTo(ctx, form.scope, 'local');
      },
    })
    .action({
      path: '/admin/settings/local/remove',
      title: 'boards.settings.title',
      needs: 'organiser',
      async handler(ctx) {
        const form = ctx.form(z.object({ scope: z.string().min(1).max(100), id: z.string().max(40) }));
        allowedScope(ctx, form.scope);
        const removed = await r.local.remove(form.scope, form.id);
        if (removed) await ctx.audit('event.remove', `${removed.id} ${removed.start}..${removed.end}`, form.scope);
        return backTo(ctx, form.scope, 'local');
      },
    });
}
