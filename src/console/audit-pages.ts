import type { App } from '../app/app.js';
import { vnDateTime } from '../core/clock.js';
import type { AuditEntry, AuditLog } from './audit.js';
import { html } from './html.js';

/** Entries the page shows; the CSV has them all. */
const SHOWN = 200;

/** /admin/audit: administrators read the audit log and download it as CSV (UTF-8 with BOM, for Excel). */
export function registerAuditPages(app: App, audit: AuditLog): void {
  const columns = ['at', 'who', 'role', 'action', 'target', 'area'] as const;
  const cells = (e: AuditEntry) => [vnDateTime(new Date(e.at)), e.who, e.role, e.action, e.target, e.area ?? ''];

  app.console
    .page({
      path: '/admin/audit',
      title: 'console.audit.title',
      needs: 'admin',
      async handler(ctx) {
        const entries = await audit.latest(SHOWN);
        return html`<h1>${ctx.t('console.audit.title')}</h1>
<p class="muted">${ctx.t('console.audit.intro', { count: SHOWN })}</p>
<p><a class="button secondary" href="/admin/audit.csv" download>${ctx.t('console.audit.download')}</a></p>
${entries.length
  ? html`<div class="table-wrap"><table data-audit><thead><tr>${columns.map((c) => html`<th>${ctx.t(`console.audit.columns.${c}`)}</th>`)}</tr></thead>
<tbody>${entries.map((e) => html`<tr>${cells({ ...e, role: ctx.t(`console.role.${e.role}`) }).map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody></table></div>`
  : html`<p>${ctx.t('console.audit.empty')}</p>`}`;
      },
    })
    .page({
      path: '/admin/audit.csv',
      title: 'console.audit.title',
      needs: 'admin',
      nav: false,
      async handler(ctx) {
        await ctx.audit('audit.export', 'audit log');
        const rows: string[][] = [columns.map((c) => ctx.t(`console.audit.columns.${c}`))];
        for await (const page of audit.all()) rows.push(...page.map(cells));
        return ctx.download('nhat-ky-trang-quan-ly.csv', { csv: rows });
      },
    });
}
