import { z } from 'zod';
import type { App } from '../app/app.js';
import { formatVnDateTime } from '../core/clock.js';
import { splitUserId } from '../core/message.js';
import { personRef } from '../core/person-ref.js';
import { html } from '../console/html.js';
import type { ConsoleContext } from '../console/pages.js';
import { HttpError } from '../http/errors.js';
import { campaignStatuses, reportCounts } from '../outbound/deliver.js';
import type { Campaign } from './campaigns.js';
import { registerBroadcastCompose } from './console-compose.js';
import { areaNames, bodyText } from './message.js';
import { deliveryChart } from './report-chart.js';
import type { Broadcasts } from './service.js';

/** Broadcasts the list shows, newest first. */
const LISTED = 50;
const idParams = z.object({ id: z.string().regex(/^bc-\d{8}-[a-z0-9]{6}$/) });

/**
 * The broadcasts pages of the console, for organisers (their area) and administrators: the list, the
 * compose form, each broadcast's delivery report as a chart with a CSV of its recipients, and cancelling
 * a scheduled one. The same service as the chat's /broadcast does the work and keeps its rules.
 */
export function registerBroadcastPages(app: App, broadcasts: Broadcasts): void {
  registerBroadcastCompose(app, broadcasts);
  const covered = (ctx: ConsoleContext, c: Campaign) => c.audience.areas.every((a) => ctx.person.covers(a, 'organiser'));

  /** The broadcast the address names, if it went to the organiser's area only: one answer for "none" and "not yours". */
  async function campaignFor(ctx: ConsoleContext): Promise<Campaign> {
    const c = await broadcasts.store.get(ctx.params(idParams).id);
    if (!c || !covered(ctx, c)) throw new HttpError(404, 'not found');
    return c;
  }

  const snippet = (ctx: ConsoleContext, c: Campaign) => {
    const text = bodyText(app, ctx.lang, c).replace(/\s+/g, ' ');
    return text.length > 80 ? `${text.slice(0, 80).replace(/\s+\S*$/, '')}…` : text;
  };
  /** Cancelling is for whoever made it, or an administrator (the chat's rule). */
  const mayCancel = (ctx: ConsoleContext, c: Campaign) => c.status === 'scheduled' && (c.by === ctx.person.user || ctx.person.roles.has('admin'));

  app.console
    .page({
      path: '/admin/broadcasts',
      title: 'boards.broadcasts.title',
      needs: 'organiser',
      async handler(ctx) {
        const shown = (await broadcasts.store.list({ limit: LISTED * 4 })).filter((c) => covered(ctx, c)).slice(0, LISTED);
        const rows = await Promise.all(shown.map(async (c) => ({ c, counts: reportCounts((await broadcasts.report(c.id))?.stats ?? {}) })));
        return html`<link rel="stylesheet" href="/admin/assets/boards.css">
<h1>${ctx.t('boards.broadcasts.title')}</h1>
<p><a class="button" href="/admin/broadcasts/new" id="compose-new">${ctx.t('boards.broadcasts.new_title')}</a></p>
${rows.length
  ? html`<div class="table-wrap"><table data-broadcasts><thead><tr><th>${ctx.t('boards.broadcasts.col.at')}</th><th>${ctx.t('boards.broadcasts.col.areas')}</th><th>${ctx.t('boards.broadcasts.col.text')}</th><th>${ctx.t('boards.broadcasts.col.status')}</th><th class="num">${ctx.t('boards.broadcasts.col.sent')}</th><th></th></tr></thead>
<tbody>${rows.map(
      ({ c, counts }) => html`<tr data-broadcast="${c.id}" data-status="${c.status}"><td>${formatVnDateTime(new Date(c.at))}</td><td>${areaNames(app, ctx.lang, c.audience.areas)}</td><td>${snippet(ctx, c)}</td>
<td class="status-${c.status}">${ctx.t(`broadcast.status.${c.status}`)}</td><td class="num">${counts.sent}/${counts.queued}</td><td><a href="/admin/broadcasts/${c.id}">${ctx.t('boards.broadcasts.open')}</a></td></tr>`,
    )}</tbody></table></div>`
  : html`<p>${ctx.t('boards.broadcasts.empty')}</p>`}`;
      },
    })
    .page({
      path: '/admin/broadcasts/:id',
      title: 'boards.broadcasts.report_title',
      needs: 'organiser',
      async handler(ctx) {
        const c = await campaignFor(ctx);
        const counts = reportCounts((await broadcasts.report(c.id))?.stats ?? {});
        const recipients = c.recipients ?? counts.queued;
        return html`<link rel="stylesheet" href="/admin/assets/boards.css">
<h1>${ctx.t('boards.broadcasts.report_title')} ${c.id}</h1>
<div class="card" data-report="${c.id}" data-status="${c.status}">
<p>${ctx.t('boards.broadcasts.report_status', { status: ctx.t(`broadcast.status.${c.status}`), at: formatVnDateTime(new Date(c.at)) })}</p>
<p>${ctx.t('boards.broadcasts.report_audience', { areas: areaNames(app, ctx.lang, c.audience.areas), role: ctx.t(`broadcast.choice.${c.audience.role}`), count: recipients })}</p>
<p class="muted">${snippet(ctx, c)}</p>
${mayCancel(ctx, c) ? html`<form method="post" action="/admin/broadcasts/${c.id}/cancel">${ctx.csrfField}<button type="submit" class="danger" id="cancel">${ctx.t('boards.broadcasts.cancel_button')}</button></form>` : ''}
</div>
<div class="card"><h2>${ctx.t('boards.broadcasts.chart_title')}</h2>${deliveryChart(counts, recipients, ctx.t)}
<p><a class="button secondary" href="/admin/broadcasts/${c.id}/recipients.csv" download>${ctx.t('boards.broadcasts.csv')}</a></p></div>`;
      },
    })
    .page({
      path: '/admin/broadcasts/:id/recipients.csv',
      title: 'boards.broadcasts.report_title',
      needs: 'organiser',
      nav: false,
      async handler(ctx) {
        const c = await campaignFor(ctx);
        await ctx.audit('broadcast.export', c.id, c.audience.areas.join(','));
        const rows: string[][] = [['recipient', 'channel', 'status', 'reason'].map((k) => ctx.t(`boards.broadcasts.csv_col.${k}`))];
        // People by their reference, as the logs name them: the file travels by e-mail and USB sticks.
        for await (const page of campaignStatuses(app, c.id))
          for (const r of page) rows.push([personRef(r.user), splitUserId(r.user).channel, ctx.t(`boards.broadcasts.status.${r.status}`), r.reason ?? '']);
        return ctx.download(`${c.id}.csv`, { csv: rows });
      },
    })
    .action({
      path: '/admin/broadcasts/:id/cancel',
      title: 'boards.broadcasts.report_title',
      needs: 'organiser',
      async handler(ctx) {
        const c = await campaignFor(ctx);
        const result = await broadcasts.cancel(c.id, ctx.person.user);
        if (result !== 'cancelled')
          return html`<h1>${ctx.t('boards.broadcasts.report_title')} ${c.id}</h1><div class="card"><p>${ctx.t(`broadcast.cancel_${result}`)}</p><p><a href="/admin/broadcasts/${c.id}">${ctx.t('boards.broadcasts.back')}</a></p></div>`;
        await ctx.audit('broadcast.cancel', c.id, c.audience.areas.join(','));
        return `/admin/broadcasts/${c.id}`;
      },
    });
}
