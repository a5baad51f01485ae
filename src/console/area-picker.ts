import { z } from 'zod';
import type { App } from '../app/app.js';
import type { Area } from '../areas/areas.js';
import { html, type SafeHtml } from './html.js';
import type { ConsoleContext } from './pages.js';
import type { ConsoleRole } from './person.js';

const areaQuery = z.object({ area: z.string().min(1).max(100).optional() });

/**
 * The area a page is about: the one the address asks for (`?area=`), which the person must answer for
 * under the role (404 otherwise, as for any area not theirs), else the first area of their role; an
 * administrator starts at the first province.
 */
export function pickedArea(app: App, ctx: ConsoleContext, role: ConsoleRole): Area {
  const { area: asked } = ctx.query(areaQuery);
  const first = ctx.person.areasFor(role).find((a) => a !== '*') ?? app.areas.roots()[0]?.id ?? '';
  const id = asked ?? first;
  return ctx.requireArea(id);
}

/**
 * The areas the person may switch to under the role: each area of theirs and the areas right inside it
 * (a province officer picks one of its communes); an administrator every province and the areas of the
 * one open now.
 */
export function pickableAreas(app: App, ctx: ConsoleContext, role: ConsoleRole, current: Area): Area[] {
  const own = ctx.person.areasFor(role);
  const tops = own.includes('*') ? app.areas.roots() : own.flatMap((id) => app.areas.get(id) ?? []);
  const out = new Map<string, Area>();
  for (const top of tops) {
    out.set(top.id, top);
    // An administrator's list would hold every commune of the country: only the open province's.
    if (!own.includes('*') || app.areas.isWithin(current.id, top.id)) for (const child of app.areas.children(top.id)) out.set(child.id, child);
  }
  if (!out.has(current.id)) out.set(current.id, current);
  return [...out.values()];
}

/** A small GET form that reopens the page for another area (no script needed). */
export function areaPicker(app: App, ctx: ConsoleContext, role: ConsoleRole, current: Area, action: string): SafeHtml {
  const areas = pickableAreas(app, ctx, role, current);
  if (areas.length < 2) return html``;
  return html`<form class="picker" method="get" action="${action}"><label>${ctx.t('boards.area_picker.label')} <select name="area">${areas.map(
    (a) => html`<option value="${a.id}"${a.id === current.id ? html` selected` : ''}>${a.parent ? `— ${a.name}` : a.fullName}</option>`,
  )}</select></label> <button type="submit" class="secondary">${ctx.t('boards.area_picker.show')}</button></form>`;
}
