import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Area } from '../areas/areas.js';
import type { Language, Translate } from '../i18n/index.js';
import type { SafeHtml } from './html.js';
import type { ConsolePerson, ConsoleRole } from './person.js';

/** What a console page or action is handed: the signed-in person, their language, and the checks. */
export interface ConsoleContext {
  readonly req: FastifyRequest;
  readonly reply: FastifyReply;
  readonly person: ConsolePerson;
  readonly lang: Language;
  readonly t: Translate;
  /** The hidden `_csrf` field every form of the page carries (actions refuse a request without it). */
  readonly csrfField: SafeHtml;
  /** The address's parameters (":id"), checked with the schema: 400 otherwise. */
  params<S extends z.ZodType>(schema: S): z.output<S>;
  /** The query string, checked with the schema: 400 otherwise. */
  query<S extends z.ZodType>(schema: S): z.output<S>;
  /** An action's form fields (urlencoded), checked with the schema: 400 otherwise. */
  form<S extends z.ZodType>(schema: S): z.output<S>;
  /**
   * The area, once the person answers for it under the page's role and the map has it: 404 otherwise
   * (nothing tells "not yours" from "none"; an administrator covers any id, also one that names nothing).
   */
  requireArea(area: string): Area;
  /** Writes the audit log: what was done and on what (a page, a file id, an area; never a person's raw id). */
  audit(action: string, target: string, area?: string): Promise<void>;
  /** Sends a file to save: CSV rows (UTF-8 with a byte order mark, for Excel), or bytes of the type given. */
  download(fileName: string, content: { csv: readonly (readonly (string | number)[])[] } | { type: string; bytes: Buffer }): FastifyReply;
}

/**
 * A GET page under /admin/. The handler returns the page's main content (drawn inside the shared layout)
 * or the reply it sent itself (a download: `return ctx.download(...)`).
 */
export interface ConsolePageSpec {
  path: `/admin/${string}`;
  /** i18n key of the page's title (also its entry in the menu). */
  title: string;
  needs: ConsoleRole;
  /** In the menu; default: yes unless the path has a parameter. */
  nav?: boolean;
  handler(ctx: ConsoleContext): Promise<SafeHtml | FastifyReply>;
}

/**
 * A POST action under /admin/ (a form's target): CSRF-checked and role-checked before the handler runs.
 * The handler returns the address to go to next (303) or a page to show (a form with its errors).
 */
export interface ConsoleActionSpec {
  path: `/admin/${string}`;
  needs: ConsoleRole;
  /** i18n key of the title of the page the handler may return. */
  title?: string;
  handler(ctx: ConsoleContext): Promise<string | SafeHtml>;
}

/**
 * How capabilities add console pages (app.console): register while the capability registers; the console
 * capability mounts them all with the session, role, CSRF and layout around them.
 *
 *   app.console.page({ path: '/admin/figures', title: 'learning.console.figures', needs: 'officer',
 *     async handler(ctx) { ctx.requireArea(area); return html`<h1>...</h1>`; } });
 */
export class ConsolePages {
  readonly pages: ConsolePageSpec[] = [];
  readonly actions: ConsoleActionSpec[] = [];

  page(spec: ConsolePageSpec): this {
    this.pages.push(spec);
    return this;
  }

  action(spec: ConsoleActionSpec): this {
    this.actions.push(spec);
    return this;
  }
}
