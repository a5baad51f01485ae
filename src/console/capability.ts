import { join } from 'node:path';
import csrfProtection from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Capability } from '../app/app.js';
import { dataPaths } from '../core/paths.js';
import type { Turn } from '../engine/turn.js';
import { HttpError } from '../http/errors.js';
import { toCsv } from '../learning/export.js';
import { languageSchema, type Language } from '../i18n/index.js';
import { registerAuditPages } from './audit-pages.js';
import { AuditLog } from './audit.js';
import { consoleBaseUrl } from './base-url.js';
import { html, SafeHtml } from './html.js';
import { consoleKeys } from './keys.js';
import { layout, rolesLine, type NavEntry } from './layout.js';
import type { ConsoleContext } from './pages.js';
import { consolePerson, type ConsolePerson, type ConsoleRole } from './person.js';
import { ConsoleSessions, SESSION_TTL_S, type ConsoleSession } from './sessions.js';
import { SIGN_IN_TTL_S, SignInLinks } from './sign-in.js';

const SESSION_COOKIE = 'xhht_console';
const LANG_COOKIE = 'xhht_console_lang';
/** Pages, not scripts: the console's own styles and images, nothing from elsewhere, never in a frame. */
const CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/** Where "back" may lead after a language switch: a console address, never another site. */
const CONSOLE_PATH = /^\/admin(\/[A-Za-z0-9/_.-]*)?$/;

interface SignedIn {
  session: ConsoleSession;
  person: ConsolePerson;
}

/**
 * The operators' console: /web in the chat gives officers, organisers and administrators a one-time
 * link; opening it starts a session (an httpOnly cookie naming a session in Redis, 8 hours, revocable).
 * Pages other capabilities add with app.console.page/action are mounted here, behind the session, the
 * role check, CSRF protection and the shared layout. Every privileged action goes to the audit log.
 */
export const consoleCapability: Capability = {
  name: 'console',
  register(app) {
    const keys = consoleKeys(app.prefix);
    const links = new SignInLinks(app.redis, keys);
    const sessions = new ConsoleSessions(app.redis, keys);
    const audit = new AuditLog(app.redis, keys.audit);
    const now = () => app.clock.now().getTime();

    async function giveLink(turn: Turn): Promise<void> {
      if (!(await turn.hasRole('officer', 'organiser'))) return turn.say('console.chat.refused');
      // Anyone in a group could open it first.
      if (turn.inbound.chat !== 'private') return turn.say('console.chat.private_only');
      const url = `${consoleBaseUrl(app)}/admin/login/${await links.issue(turn.user)}`;
      // Personal: the web chat keeps no copy of the link in its history.
      turn.reply({ text: turn.t('console.chat.link', { minutes: SIGN_IN_TTL_S / 60 }), link: { label: turn.t('console.chat.link_label'), url }, personal: true });
    }
    app.registry.command({
      name: 'web',
      aliases: ['mở trang quản lý', 'trang quản lý', 'open the console'],
      async run(turn) {
        await giveLink(turn);
        return { reprompt: true };
      },
    });
    app.registry.action('console.signInLink', async (turn) => giveLink(turn));

    app.privacy.add({
      name: 'console',
      async describe(user, t) {
        const open = await sessions.count(user);
        return open ? [t('console.privacy_sessions', { count: open })] : [];
      },
      async erase(user) {
        await sessions.endAll(user);
      },
    });

    registerAuditPages(app, audit);

    const secure = consoleBaseUrl(app).startsWith('https:');
    const cookieOptions = { path: '/admin', httpOnly: true, sameSite: 'strict', secure } as const;

    async function signedIn(req: FastifyRequest): Promise<SignedIn | undefined> {
      const id = req.cookies[SESSION_COOKIE];
      const session = id ? await sessions.find(id) : undefined;
      if (!session) return undefined;
      const person = await consolePerson(app, session.user);
      if (person) return { session, person };
      // The role was taken away: every session of the person ends with it.
      await sessions.endAll(session.user);
      return undefined;
    }

    // One token per answer: each call without a secret cookie yet would set a new secret, and only the last would count.
    const tokens = new WeakMap<FastifyReply, string>();
    function csrfToken(reply: FastifyReply): string {
      let token = tokens.get(reply);
      if (!token) tokens.set(reply, (token = reply.generateCsrf()));
      return token;
    }

    function languageOf(req: FastifyRequest, person?: ConsolePerson): Language {
      return languageSchema.safeParse(req.cookies[LANG_COOKIE]).data ?? person?.lang ?? 'vi';
    }

    function navFor(person: ConsolePerson, lang: Language): NavEntry[] {
      const t = app.i18n.for(lang);
      return [
        { href: '/admin', label: t('console.home.title') },
        ...app.console.pages.filter((p) => (p.nav ?? !p.path.includes(':')) && person.has(p.needs)).map((p) => ({ href: p.path, label: t(p.title) })),
      ];
    }

    function send(req: FastifyRequest, reply: FastifyReply, status: number, title: string, main: SafeHtml, who?: SignedIn): FastifyReply {
      const lang = languageOf(req, who?.person);
      const t = app.i18n.for(lang);
      const current = req.url.split('?')[0] ?? '/admin';
      const page = layout(app, { lang, t, title, main, csrf: csrfToken(reply), ...(who ? { signedIn: { person: who.person, nav: navFor(who.person, lang), current } } : {}) });
      return reply.code(status).type('text/html; charset=utf-8').send(page);
    }

    /** What someone without a session sees on any console page: how to get in, nothing else. */
    function signInHelp(req: FastifyRequest, reply: FastifyReply): FastifyReply {
      const t = app.i18n.for(languageOf(req));
      return send(req, reply, 401, t('console.signed_out.title'), html`<h1>${t('console.signed_out.title')}</h1>
<div class="card"><p>${t('console.signed_out.who')}</p><p>${t('console.signed_out.how', { minutes: SIGN_IN_TTL_S / 60 })}</p></div>`);
    }

    function message(req: FastifyRequest, reply: FastifyReply, status: number, kind: string, who?: SignedIn): FastifyReply {
      const t = app.i18n.for(languageOf(req, who?.person));
      return send(req, reply, status, t(`console.errors.${kind}_title`), html`<h1>${t(`console.errors.${kind}_title`)}</h1><div class="card"><p>${t(`console.errors.${kind}`)}</p><p><a href="/admin">${t('console.home.back')}</a></p></div>`, who);
    }

    function context(req: FastifyRequest, reply: FastifyReply, who: SignedIn, needs: ConsoleRole): ConsoleContext {
      const lang = languageOf(req, who.person);
      const check = <S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> => {
        const parsed = schema.safeParse(value);
        if (!parsed.success) throw new HttpError(400, `${what}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
        return parsed.data;
      };
      return {
        req,
        reply,
        person: who.person,
        lang,
        t: app.i18n.for(lang),
        get csrfField() {
          return html`<input type="hidden" name="_csrf" value="${csrfToken(reply)}">`;
        },
        params: (schema) => check(schema, req.params, 'address'),
        query: (schema) => check(schema, req.query, 'query'),
        form: (schema) => check(schema, req.body, 'form'),
        requireArea(id) {
          const area = who.person.covers(id, needs) ? app.areas.get(id) : undefined;
          if (!area) throw new HttpError(404, 'not found');
          return area;
        },
        audit: (action, target, area) => audit.record({ at: now(), who: who.person.ref, role: who.person.role, action, target, ...(area ? { area } : {}) }),
        download(fileName, content) {
          const [type, body] = 'csv' in content ? ['text/csv; charset=utf-8', toCsv(content.csv)] : [content.type, content.bytes];
          return reply.type(type).header('content-disposition', `attachment; filename="${fileName}"`).send(body);
        },
      };
    }

    async function routes(scope: FastifyInstance): Promise<void> {
      await scope.register(formbody);
      await scope.register(csrfProtection, { cookieKey: 'xhht_console_csrf', cookieOpts: cookieOptions });
      await scope.register(fastifyStatic, {
        root: [join(dataPaths.public, 'console'), dataPaths.public],
        prefix: '/admin/assets/',
        // The chat's own page is a template, not an asset.
        allowedPath: (path) => !path.endsWith('.html'),
        maxAge: '1h',
      });
      scope.addHook('onSend', async (_req, reply, payload) => {
        reply.header('content-security-policy', CSP);
        // Pages show what only this person may see; assets set their own caching.
        if (!reply.getHeader('cache-control')) reply.header('cache-control', 'no-store');
        return payload;
      });
      scope.setErrorHandler(async (err: unknown, req, reply) => {
        const status = err instanceof HttpError ? err.status : typeof err === 'object' && err && 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500;
        if (status >= 500) app.log.error({ err, path: req.routeOptions.url }, 'console: request failed');
        const code = typeof err === 'object' && err && 'code' in err ? String(err.code) : '';
        const kind = code.startsWith('FST_CSRF_') ? 'csrf' : ({ 400: 'bad_request', 403: 'forbidden', 404: 'not_found' } as Record<number, string>)[status] ?? 'failed';
        return message(req, reply, status, kind, await signedIn(req).catch(() => undefined));
      });

      scope.get('/admin', async (req, reply) => {
        const who = await signedIn(req);
        if (!who) return signInHelp(req, reply);
        const t = app.i18n.for(languageOf(req, who.person));
        const pages = navFor(who.person, languageOf(req, who.person)).slice(1);
        return send(req, reply, 200, t('console.home.title'), html`<h1>${t('console.home.title')}</h1>
<div class="card"><p>${t('console.home.signed_in')}</p><ul data-roles>${rolesLine(app, who.person, t).map((l) => html`<li>${l}</li>`)}</ul></div>
<div class="card"><p>${pages.length ? t('console.home.pages') : t('console.home.no_pages')}</p><ul>${pages.map((p) => html`<li><a href="${p.href}">${p.label}</a></li>`)}</ul></div>`, who);
      });

      scope.get<{ Params: { token: string } }>('/admin/login/:token', async (req, reply) => {
        const t = app.i18n.for(languageOf(req));
        // Opening the link spends nothing (a chat app's link preview may open it first): the button does.
        if (!(await links.usable(req.params.token))) return message(req, reply, 404, 'link');
        return send(req, reply, 200, t('console.login.title'), html`<h1>${t('console.login.title')}</h1>
<div class="card"><p>${t('console.login.confirm')}</p>
<form method="post" action="/admin/login/${req.params.token}"><input type="hidden" name="_csrf" value="${csrfToken(reply)}"><button type="submit" id="sign-in">${t('console.login.button')}</button></form></div>`);
      });

      scope.post<{ Params: { token: string } }>('/admin/login/:token', { preHandler: scope.csrfProtection }, async (req, reply) => {
        const user = await links.redeem(req.params.token);
        if (!user) return message(req, reply, 404, 'link');
        const person = await consolePerson(app, user);
        if (!person) return message(req, reply, 403, 'forbidden');
        const id = await sessions.start(user, now());
        await audit.record({ at: now(), who: person.ref, role: person.role, action: 'sign-in', target: 'console' });
        app.log.info({ user }, 'console: signed in');
        return reply.setCookie(SESSION_COOKIE, id, { ...cookieOptions, maxAge: SESSION_TTL_S }).redirect('/admin', 303);
      });

      scope.post('/admin/logout', { preHandler: scope.csrfProtection }, async (req, reply) => {
        const who = await signedIn(req);
        if (who) {
          await sessions.end(who.session);
          await audit.record({ at: now(), who: who.person.ref, role: who.person.role, action: 'sign-out', target: 'console' });
        }
        return reply.clearCookie(SESSION_COOKIE, cookieOptions).redirect('/admin', 303);
      });

      scope.post('/admin/logout-all', { preHandler: scope.csrfProtection }, async (req, reply) => {
        const who = await signedIn(req);
        if (!who) return signInHelp(req, reply);
        // Only the person's own sessions: nothing in the request names anyone else.
        const ended = await sessions.endAll(who.person.user);
        await audit.record({ at: now(), who: who.person.ref, role: who.person.role, action: 'sign-out-all', target: `${ended} sessions` });
        return reply.clearCookie(SESSION_COOKIE, cookieOptions).redirect('/admin', 303);
      });

      scope.post('/admin/lang', { preHandler: scope.csrfProtection }, async (req, reply) => {
        const form = z.object({ lang: languageSchema, back: z.string().regex(CONSOLE_PATH).catch('/admin') }).safeParse(req.body);
        if (!form.success) throw new HttpError(400, 'lang: vi or en');
        return reply.setCookie(LANG_COOKIE, form.data.lang, { ...cookieOptions, maxAge: 365 * 86_400 }).redirect(form.data.back, 303);
      });

      for (const spec of app.console.pages) {
        scope.get(spec.path, async (req, reply) => {
          const who = await signedIn(req);
          if (!who) return signInHelp(req, reply);
          if (!who.person.has(spec.needs)) return message(req, reply, 403, 'forbidden', who);
          const ctx = context(req, reply, who, spec.needs);
          const out = await spec.handler(ctx);
          return out instanceof SafeHtml ? send(req, reply, 200, ctx.t(spec.title), out, who) : out;
        });
      }
      for (const spec of app.console.actions) {
        scope.post(spec.path, { preHandler: scope.csrfProtection }, async (req, reply) => {
          const who = await signedIn(req);
          if (!who) return signInHelp(req, reply);
          if (!who.person.has(spec.needs)) return message(req, reply, 403, 'forbidden', who);
          const ctx = context(req, reply, who, spec.needs);
          const out = await spec.handler(ctx);
          return typeof out === 'string' ? reply.redirect(out, 303) : send(req, reply, 200, ctx.t(spec.title ?? 'console.home.title'), out, who);
        });
      }
    }
    // Mounted when the server starts, so pages added by capabilities registered later are there too.
    void app.http.register(routes);
  },
};
