import { z } from 'zod';
import type { App } from '../app/app.js';
import { formatVnDateTime } from '../core/clock.js';
import { personRef } from '../core/person-ref.js';
import { pickableAreas, pickedArea } from '../console/area-picker.js';
import { html, type SafeHtml } from '../console/html.js';
import type { ConsoleContext } from '../console/pages.js';
import { HttpError } from '../http/errors.js';
import { inviteAbilities, type AbilityDeps } from './abilities.js';
import type { ListedInvite } from './invites.js';
import { grantableRoleSchema } from './roles.js';

/** How long a code made in the console may stay valid, in days. */
const MAX_DAYS = 30;
const ANY_UNIT = 'any';

const createForm = z.object({
  role: grantableRoleSchema,
  area: z.string().min(1).max(100),
  unit: z.string().max(32).default(ANY_UNIT),
  days: z.coerce.number().int().min(1).max(MAX_DAYS),
});
const idParams = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) });

/**
 * /admin/invites: organisers and administrators make single-use invite codes for officers and organisers
 * of the areas they answer for, list the ones not used yet, and revoke them. The code is shown once, when
 * made (only its hash is kept); the audit log names the invite by role and area, never by code.
 */
export function registerInvitePages(app: App, deps: () => AbilityDeps): void {
  const mine = (ctx: ConsoleContext, i: ListedInvite) => ctx.person.covers(i.area, 'organiser');
  const creator = (ctx: ConsoleContext, by: string) => (by === ctx.person.user ? ctx.t('boards.invites.by_you') : by === 'cli' ? ctx.t('boards.invites.by_cli') : personRef(by));

  async function page(ctx: ConsoleContext, made?: SafeHtml): Promise<SafeHtml> {
    const area = pickedArea(app, ctx, 'organiser');
    const areas = pickableAreas(app, ctx, 'organiser', area);
    const open = (await app.invites.open()).filter((i) => mine(ctx, i));
    const { units } = deps();
    return html`<link rel="stylesheet" href="/admin/assets/boards.css">
<h1>${ctx.t('boards.invites.title')}</h1>
${made ?? ''}
<form class="stack card" method="post" action="/admin/invites?area=${area.id}" id="new-invite">${ctx.csrfField}
<h2>${ctx.t('boards.invites.new')}</h2>
<div class="row">
<label><span>${ctx.t('boards.invites.field.role')}</span><select name="role">${(['officer', 'organiser'] as const).map((r) => html`<option value="${r}">${ctx.t(`console.role.${r}`)}</option>`)}</select></label>
<label><span>${ctx.t('boards.invites.field.area')}</span><select name="area">${areas.map((a) => html`<option value="${a.id}"${a.id === area.id ? html` selected` : ''}>${a.fullName}</option>`)}</select></label>
<label><span>${ctx.t('boards.invites.field.unit')}</span><select name="unit"><option value="${ANY_UNIT}">${ctx.t('roles.choice.any_unit')}</option>${units.all.map((u) => html`<option value="${u.id}">${u.name[ctx.lang]}</option>`)}</select></label>
<label><span>${ctx.t('boards.invites.field.days', { max: MAX_DAYS })}</span><input type="number" name="days" min="1" max="${MAX_DAYS}" value="7"></label>
</div>
<button type="submit" id="make-invite">${ctx.t('boards.invites.make')}</button></form>
<section class="card"><h2>${ctx.t('boards.invites.open_title')}</h2>
${open.length
  ? html`<div class="table-wrap"><table data-invites><thead><tr><th>${ctx.t('boards.invites.col.role')}</th><th>${ctx.t('boards.invites.col.area')}</th><th>${ctx.t('boards.invites.col.unit')}</th><th>${ctx.t('boards.invites.col.expires')}</th><th>${ctx.t('boards.invites.col.by')}</th><th></th></tr></thead>
<tbody>${open.map(
      (i) => html`<tr data-invite="${i.id}"><td>${ctx.t(`console.role.${i.role}`)}</td><td>${app.areas.get(i.area)?.fullName ?? i.area}</td><td>${i.unit ? units.name(i.unit, ctx.lang) : ''}</td><td>${formatVnDateTime(new Date(i.expiresAt))}</td><td>${creator(ctx, i.createdBy)}</td>
<td><form class="inline" method="post" action="/admin/invites/${i.id}/revoke">${ctx.csrfField}<button type="submit" class="danger">${ctx.t('boards.invites.revoke')}</button></form></td></tr>`,
    )}</tbody></table></div>`
  : html`<p>${ctx.t('boards.invites.none_open')}</p>`}
</section>`;
  }

  app.console
    .page({ path: '/admin/invites', title: 'boards.invites.title', needs: 'organiser', handler: (ctx) => page(ctx) })
    .action({
      path: '/admin/invites',
      title: 'boards.invites.title',
      needs: 'organiser',
      async handler(ctx) {
        const form = ctx.form(createForm);
        const area = ctx.requireArea(form.area);
        const { units } = deps();
        // An officer's unit sits at the area's level (a commune's committee in a commune), as in the chat's /invite.
        const unit = form.role === 'officer' && form.unit !== ANY_UNIT ? units.get(form.unit) : undefined;
        if (form.role === 'officer' && form.unit !== ANY_UNIT && unit?.level !== area.kind) throw new HttpError(400, 'form: the unit does not sit in this area');
        const spec = { role: form.role, area: area.id, ...(unit ? { unit: unit.id } : {}) };
        const { code, expiresAt } = await app.invites.create({ ...spec, ttlMs: form.days * 86_400_000, createdBy: ctx.person.user });
        await ctx.audit('invite.create', `${spec.role}${unit ? ` ${unit.id}` : ''}`, area.id);
        const made = html`<div class="notice" data-made><p>${ctx.t('boards.invites.made', { role: ctx.t(`roles.role.${spec.role}`), area: area.fullName, until: formatVnDateTime(expiresAt) })}</p>
<p><strong class="code" data-code>${code}</strong></p><p>${ctx.t('boards.invites.how', { code })}</p>
<ul>${inviteAbilities(deps(), spec, ctx.lang).map((line) => html`<li>${line}</li>`)}</ul></div>`;
        return page(ctx, made);
      },
    })
    .action({
      path: '/admin/invites/:id/revoke',
      title: 'boards.invites.title',
      needs: 'organiser',
      async handler(ctx) {
        const { id } = ctx.params(idParams);
        const invite = await app.invites.get(id);
        if (!invite || !mine(ctx, invite)) throw new HttpError(404, 'not found');
        await app.invites.revoke(id);
        await ctx.audit('invite.revoke', invite.role, invite.area);
        return '/admin/invites';
      },
    });
}
