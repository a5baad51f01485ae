import { z } from 'zod';
import { formatVnDate, formatVnDateTime, vnDate } from '../../core/clock.js';
import { sniff } from '../../channels/web/uploads.js';
import { HttpError } from '../../http/errors.js';
import { mayReview, reviewableAreas, reviewScope, type ReviewScope } from '../../learning/access.js';
import type { LearningContext } from '../../learning/context.js';
import { areaName, formatNumber, scoreLines, totalHours } from '../../learning/format.js';
import { FILE_STATUSES, type Activity } from '../../learning/records.js';
import { decide } from '../../learning/review.js';
import type { OwnedFile } from '../../learning/store.js';
import { foldVietnamese } from '../../core/fold.js';
import { html, type SafeHtml } from '../html.js';
import type { ConsoleContext } from '../pages.js';

/** Rows a page of the queue shows. */
const PAGE = 50;

const idSchema = z.object({ id: z.string().regex(/^[a-z0-9]{8}$/) });
const querySchema = z.object({
  area: z.string().max(100).optional(),
  group: z.string().max(40).optional(),
  status: z.enum(FILE_STATUSES).default('submitted'),
  q: z.string().max(80).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  done: z.enum(['approved', 'returned']).optional(),
});
const returnSchema = z.object({ reason: z.string().trim().min(3).max(300) });

/**
 * The review desk: the files waiting for the officer as a table, a file's whole page with its evidence,
 * and approve or return. The same rules as the chat (src/learning/review.ts decides, tells the citizen
 * and refuses what the chat refuses), checked again on every request: a file outside the officer's area
 * or unit is "not found".
 */
export function registerReviewDesk(lc: LearningContext): void {
  const { app, store, criteria } = lc;

  async function scopeOf(ctx: ConsoleContext): Promise<ReviewScope | undefined> {
    return reviewScope(lc, ctx.person.user);
  }

  /** The file, once the person may review it (not their own, within their area and unit); 404 otherwise. */
  async function reviewable(ctx: ConsoleContext): Promise<OwnedFile> {
    const { id } = ctx.params(idSchema);
    const [scope, owned] = await Promise.all([scopeOf(ctx), store.fileById(id)]);
    if (!scope || !owned || owned.user === ctx.person.user || mayReview(lc, scope, owned.file.area) !== 'ok') throw new HttpError(404, 'not found');
    return owned;
  }

  const statusLabel = (ctx: ConsoleContext, status: string) => html`<span class="status" data-status="${status}">${ctx.t(`learning.status.${status}`)}</span>`;

  function evidenceCell(ctx: ConsoleContext, fileId: string, a: Activity): SafeHtml {
    const e = a.evidence;
    const href = `/admin/review/${fileId}/evidence/${a.id}`;
    if (!e) return html`<span class="muted">${ctx.t('learning.evidence_none')}</span>`;
    if (e.type === 'note') return html`${e.text}`;
    // The site's name, not the address: the address is handed out by the checked link only.
    if (e.type === 'link') return html`<a href="${href}" target="_blank" rel="noopener noreferrer">${e.text ?? ctx.t('console-review.link_to', { host: URL.canParse(e.url) ? new URL(e.url).host : '' })}</a>`;
    if (e.kind === 'photo') return html`<figure class="evidence"><a href="${href}" target="_blank" rel="noopener"><img src="${href}" alt="${e.caption ?? a.title}" loading="lazy" data-evidence></a>${e.caption ? html`<figcaption>${e.caption}</figcaption>` : ''}</figure>`;
    return html`<a href="${href}" download>${e.name ?? ctx.t(`learning.file_kind.${e.kind}`)}</a>`;
  }

  app.console
    .page({
      path: '/admin/review',
      title: 'console-review.title',
      needs: 'officer',
      async handler(ctx) {
        const { t } = ctx;
        const q = ctx.query(querySchema);
        const scope = await scopeOf(ctx);
        const allowed = scope ? reviewableAreas(lc, scope) : [];
        if (q.area && !allowed.includes(q.area)) throw new HttpError(404, 'not found');
        const areas = q.area ? app.areas.subtree(q.area).map((a) => a.id).filter((id) => allowed.includes(id)) : allowed;
        const entries = [];
        for (const year of await store.fileYears()) for (const e of await store.usersIn(year, q.status, areas)) if (e.user !== ctx.person.user) entries.push({ ...e, year });
        // The queue is oldest first, as in the chat; decided files newest first.
        entries.sort((a, b) => (q.status === 'submitted' ? a.at - b.at : b.at - a.at));
        const rows = (await Promise.all(entries.map(async (e) => ({ ...e, file: await store.file(e.user, e.year), profile: await store.profile(e.user) }))))
          .filter((r) => r.file?.status === q.status && (!q.group || r.file.group === q.group))
          .filter((r) => !q.q || foldVietnamese(r.profile?.name ?? '').includes(foldVietnamese(q.q)));
        const pages = Math.max(1, Math.ceil(rows.length / PAGE));
        const shown = rows.slice((q.page - 1) * PAGE, q.page * PAGE);
        // Communes to filter by: those of the officer's area that have reviewable files, by name.
        const communes = allowed.filter((id) => app.areas.get(id)?.kind !== 'province');
        const link = (page: number) => `/admin/review?${new URLSearchParams({ ...(q.area ? { area: q.area } : {}), ...(q.group ? { group: q.group } : {}), status: q.status, ...(q.q ? { q: q.q } : {}), page: String(page) })}`;
        return html`<link rel="stylesheet" href="/admin/assets/figures.css">
<h1>${t('console-review.title')}</h1>
${q.done ? html`<p class="notice" role="status" data-done>${t(`console-review.done_${q.done}`)}</p>` : ''}
${!allowed.length ? html`<p class="notice">${t('console-review.no_scope')}</p>` : ''}
<form class="filters" method="get" action="/admin/review">
<label>${t('console-review.filter.area')} <select name="area"><option value="">${t('console-review.filter.all')}</option>${communes.length <= 400 ? communes.map((id) => html`<option value="${id}"${id === q.area ? html` selected` : ''}>${app.areas.get(id)?.name ?? id}</option>`) : ''}</select></label>
<label>${t('console-review.filter.group')} <select name="group"><option value="">${t('console-review.filter.all')}</option>${criteria.file.groups.map((g) => html`<option value="${g}"${g === q.group ? html` selected` : ''}>${t(`learning.group.${g}`)}</option>`)}</select></label>
<label>${t('console-review.filter.status')} <select name="status">${FILE_STATUSES.map((s) => html`<option value="${s}"${s === q.status ? html` selected` : ''}>${t(`learning.status.${s}`)}</option>`)}</select></label>
<label>${t('console-review.filter.name')} <input type="search" name="q" value="${q.q ?? ''}" maxlength="80"></label>
<button type="submit" class="secondary">${t('console-review.filter.apply')}</button>
</form>
<p class="muted" data-count>${t('console-review.count', { count: rows.length })}</p>
${shown.length
  ? html`<div class="table-wrap"><table data-queue><thead><tr>${['name', 'area', 'group', 'year', 'total', 'date', 'status'].map((c) => html`<th>${t(`console-review.columns.${c}`)}</th>`)}</tr></thead><tbody>
${shown.map((r) => html`<tr data-file="${r.file?.id ?? ''}"><td><a href="/admin/review/${r.file?.id ?? ''}">${r.profile?.name ?? '?'}</a></td><td>${app.areas.get(r.file?.area ?? '')?.name ?? r.file?.area}</td><td>${t(`learning.group.${r.file?.group}`)}</td><td>${r.year}</td><td class="num">${criteria.progress(r.file?.scores ?? {}).total}</td><td>${formatVnDate(vnDate(new Date(r.at)))}</td><td>${statusLabel(ctx, q.status)}</td></tr>`)}
</tbody></table></div>
${pages > 1 ? html`<p class="pager">${q.page > 1 ? html`<a href="${link(q.page - 1)}">← ${t('console-review.previous')}</a> ` : ''}${t('console-review.page', { page: q.page, pages })}${q.page < pages ? html` <a href="${link(q.page + 1)}">${t('console-review.next')} →</a>` : ''}</p>` : ''}`
  : html`<p>${t('console-review.empty')}</p>`}`;
      },
    })
    .page({
      path: '/admin/review/:id',
      title: 'console-review.file_title',
      needs: 'officer',
      async handler(ctx) {
        const { t } = ctx;
        const { user, file } = await reviewable(ctx);
        const [profile, activities] = await Promise.all([store.profile(user), store.activities(user, file.year)]);
        const p = criteria.progress(file.scores);
        const d = file.decision;
        return html`<link rel="stylesheet" href="/admin/assets/figures.css">
<p><a href="/admin/review">← ${t('console-review.back')}</a></p>
<h1>${t('console-review.file_heading', { name: profile?.name ?? '?', year: file.year })} ${statusLabel(ctx, file.status)}</h1>
<div class="card" data-profile><dl>
<dt>${t('console-review.profile.name')}</dt><dd>${profile?.name ?? '?'}</dd>
<dt>${t('console-review.profile.birth_year')}</dt><dd>${profile?.birthYear ?? ''}</dd>
<dt>${t('console-review.profile.area')}</dt><dd>${areaName(app.areas, file.area)}</dd>
<dt>${t('console-review.profile.group')}</dt><dd>${t(`learning.group.${file.group}`)}</dd>
<dt>${t('console-review.profile.phone')}</dt><dd>${profile?.phone ?? t('learning.no_phone')}</dd>
<dt>${t('console-review.profile.submitted')}</dt><dd>${file.submittedAt ? formatVnDateTime(new Date(file.submittedAt)) : '—'} (${file.submissions})</dd>
</dl></div>
<div class="card"><h2>${t('console-review.scores', { total: p.total, max: p.max })}</h2><p>${t(p.passes ? 'review.passes' : 'review.does_not_pass')}</p>
<ol class="scores" data-scores>${scoreLines(t, criteria, file).map((l) => html`<li>${l}</li>`)}</ol></div>
${file.lastReturn ? html`<p class="notice">${t('console-review.last_return', { date: formatVnDate(vnDate(new Date(file.lastReturn.at))), reason: file.lastReturn.reason })}</p>` : ''}
<h2>${t('console-review.activities', { count: activities.length, hours: formatNumber(t, totalHours(activities)) })}</h2>
<div class="table-wrap"><table data-activities><thead><tr>${['date', 'title', 'kind', 'hours', 'indicators', 'evidence'].map((c) => html`<th>${t(`console-review.activity.${c}`)}</th>`)}</tr></thead><tbody>
${activities.map((a) => html`<tr><td>${formatVnDate(a.date)}</td><td>${a.title}</td><td>${t(`learning.kind.${a.kind}`)}</td><td class="num">${formatNumber(t, a.hours)}</td><td>${a.indicators.join(', ')}</td><td>${evidenceCell(ctx, file.id, a)}</td></tr>`)}
</tbody></table></div>
${file.status === 'submitted'
  ? html`<div class="card decide" data-decide>
<form method="post" action="/admin/review/${file.id}/approve">${ctx.csrfField}<button type="submit" id="approve">${t('console-review.approve')}</button></form>
<form method="post" action="/admin/review/${file.id}/return">${ctx.csrfField}<label>${t('console-review.reason')}<br><textarea name="reason" required minlength="3" maxlength="300"></textarea></label><br><button type="submit" class="danger" id="return">${t('console-review.return')}</button></form>
</div>`
  : d
    ? html`<p class="notice" data-decision>${t(`console-review.decided_${d.outcome}`, { date: formatVnDateTime(new Date(d.at)), unit: t(`learning.unit.${d.unit}`), reason: d.reason ?? '' })}</p>`
    : ''}`;
      },
    })
    .page({
      path: '/admin/review/:id/evidence/:activity',
      title: 'console-review.file_title',
      needs: 'officer',
      async handler(ctx) {
        const { user, file } = await reviewable(ctx);
        const { activity } = ctx.params(idSchema.extend({ activity: z.string().regex(/^[a-z0-9]{6,12}$/) }));
        const e = (await store.activity(user, file.year, activity))?.evidence;
        if (!e || e.type === 'note') throw new HttpError(404, 'not found');
        // The address is given only now that the session's role and area have been checked.
        if (e.type === 'link') {
          if (!/^https?:\/\//i.test(e.url)) throw new HttpError(404, 'not found');
          return ctx.reply.redirect(e.url, 303);
        }
        const fetched = /^https?:\/\//.test(e.fileId) ? undefined : await app.senders.get(e.channel)?.fetchFile?.(e.fileId);
        if (!fetched) {
          if (/^https?:\/\//.test(e.fileId)) return ctx.reply.redirect(e.fileId, 303);
          throw new HttpError(404, 'not found');
        }
        const photo = e.kind === 'photo';
        // Telegram serves every file as octet-stream: the first bytes say what a photo is.
        const sniffed = sniff(fetched.bytes)?.mime;
        const mime = photo ? (sniffed?.startsWith('image/') ? sniffed : 'image/jpeg') : sniffed ?? e.mime ?? fetched.mime;
        return ctx.reply
          .type(mime)
          .header('x-content-type-options', 'nosniff')
          .header('content-disposition', photo ? 'inline' : `attachment; filename="evidence-${activity}"`)
          .send(fetched.bytes);
      },
    })
    .action({
      path: '/admin/review/:id/approve',
      needs: 'officer',
      title: 'console-review.file_title',
      async handler(ctx) {
        const { file } = await reviewable(ctx);
        return decideHere(ctx, file.id, file.area, 'approved');
      },
    })
    .action({
      path: '/admin/review/:id/return',
      needs: 'officer',
      title: 'console-review.file_title',
      async handler(ctx) {
        const { file } = await reviewable(ctx);
        const { reason } = ctx.form(returnSchema);
        return decideHere(ctx, file.id, file.area, 'returned', reason);
      },
    });

  async function decideHere(ctx: ConsoleContext, fileId: string, area: string, outcome: 'approved' | 'returned', reason?: string): Promise<string | SafeHtml> {
    const result = await decide(lc, ctx.person.user, fileId, outcome, reason);
    if (!result.ok) {
      return html`<h1>${ctx.t('console-review.refused_title')}</h1><div class="card"><p data-refused="${result.reason}">${ctx.t(`review.refused.${result.reason}`, { unit: ctx.t(`learning.unit.${criteria.reviewerUnit(area, app.areas)}`) })}</p><p><a href="/admin/review">${ctx.t('console-review.back')}</a></p></div>`;
    }
    await ctx.audit(outcome === 'approved' ? 'review.approve' : 'review.return', fileId, area);
    return `/admin/review?done=${outcome}`;
  }
}
