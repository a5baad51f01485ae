import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App, Capability } from '../../app/app.js';
import { InboundError } from '../../app/bot.js';
import type { ChannelSender } from '../../core/delivery.js';
import { escapeHtml } from '../../core/html.js';
import type { Reply } from '../../core/message.js';
import { dataPaths, projectRoot } from '../../core/paths.js';
import { bodyBytes, header, jsonBody } from '../../http/body.js';
import { HttpError } from '../../http/errors.js';
import { LANGUAGES, languageSchema, loadCatalogues, type Language } from '../../i18n/index.js';
import { clientAddress } from './client-address.js';
import { botEntries, userEntry, WebHistory, type HistoryEntry } from './history.js';
import { WebIdentities } from './identity.js';
import { webKeys } from './keys.js';
import { LivePages } from './live.js';
import { WebRenderer } from './render.js';
import { UploadError, WebUploads } from './uploads.js';

/** Only the shape here; whether the server issued it is checked next (401). */
const webIdSchema = z.string({ error: 'user must be a string' }).min(1, 'user must not be empty').max(128, 'user must be at most 128 characters');

/** Unknown keys are ignored rather than refused: a client may send more than this contract names. */
export const chatRequestSchema = z
  .object({
    user: webIdSchema,
    text: z.string({ error: 'text must be a string' }).optional(),
    choice: z.string({ error: 'choice must be a string' }).max(256).optional(),
    /** The page's language, for a person the bot has not met yet. */
    lang: languageSchema.optional(),
  })
  .refine((b) => (b.text === undefined) !== (b.choice === undefined), 'give either text or choice');

const userOnlySchema = z.object({ user: webIdSchema });

/** Ticking one of several boxes answers with the same question again: the page redraws it in place. */
const TAIL_FOR_UPDATE = 30;
const HEARTBEAT_MS = 25_000;

/** The same question asked again, only its buttons' labels changed (a box ticked). */
function sameQuestion(a: Reply, b: Reply): boolean {
  const va = (a.choices ?? []).map((c) => c.value);
  const vb = (b.choices ?? []).map((c) => c.value);
  return a.text === b.text && va.length > 0 && va.length === vb.length && va.every((v, i) => v === vb[i]);
}

/** The chat page, its API (/api/chat…), and the web channel's proactive messages (history + live pages). */
export const web: Capability = {
  name: 'web',
  register(app) {
    if (app.config.WEB_CHAT === 'off') return;
    const keys = webKeys(app.prefix);
    const ids = new WebIdentities(app.redis, keys.secret, app.config.WEB_SECRET);
    const history = new WebHistory(app.redis, keys, app.config.SESSION_TTL_DAYS * 86_400);
    const uploadDir = app.config.WEB_UPLOAD_DIR ?? join(app.config.DATA_DIR ?? join(projectRoot, 'data'), 'uploads');
    const uploads = new WebUploads(app.redis, keys, ids, uploadDir, app.config.WEB_UPLOAD_MAX_MB * 1024 * 1024);
    // The words before the citation's first placeholder ("Nguồn:"), so the card follows the locale, not its parameters.
    const citePrefixes = LANGUAGES.map((l) => (app.i18n.t(l, 'qa.cite').split('{{')[0] ?? '').trim());
    const renderer = new WebRenderer(uploads, citePrefixes);
    const live = new LivePages(app.redis, keys.live, app.inMemory, app.log);
    app.onStop(() => live.close());
    const now = () => app.clock.now().getTime();

    const sender: ChannelSender = {
      channel: 'web',
      async send(nativeId, replies) {
        const user = `web:${nativeId}`;
        const entries = botEntries(replies, now());
        // A page that is closed finds the message in its history; an open one gets it at once.
        await history.append(user, entries);
        await live.publish(user, entries);
        return { status: 'sent' };
      },
      async fetchFile(fileId) {
        const found = await uploads.read(fileId);
        return found && { mime: found.record.mime, bytes: found.bytes };
      },
    };
    app.senders.set('web', sender);

    app.privacy.add({
      name: 'web-chat',
      async describe(user, t) {
        if (!user.startsWith('web:')) return [];
        const [messages, files] = await Promise.all([history.count(user), uploads.count(user)]);
        return [
          ...(messages ? [t('web.privacy_history', { count: messages })] : []),
          ...(files ? [t('web.privacy_uploads', { count: files })] : []),
        ];
      },
      async erase(user) {
        if (!user.startsWith('web:')) return;
        await Promise.all([history.erase(user), uploads.erase(user)]);
      },
    });

    /** The person behind an id the server issued; anything else is refused before it touches a record. */
    async function person(id: string): Promise<string> {
      if (!(await ids.verify(id))) throw new HttpError(401, 'unknown user: ask POST /api/chat/session for an id');
      return `web:${id}`;
    }

    async function handle(user: string, message: Omit<Parameters<App['bot']['handle']>[0], 'user'>): Promise<Reply[]> {
      try {
        return await app.bot.inOrder(user, () => app.bot.handle({ user, ...message }));
      } catch (err) {
        if (err instanceof InboundError) throw new HttpError(400, err.message);
        throw err;
      }
    }

    /** The language the person chose, so the page's own labels follow it. */
    async function languageOf(user: string): Promise<Language | undefined> {
      return (await app.users.get(user))?.lang;
    }

    /**
     * One exchange: what the person sent and what the bot said go into the history, unless the exchange
     * erased the person (the bot then keeps no record of them, and nothing of it is kept here either).
     * A tick on a multi-select question updates that question.
     */
    async function exchange(user: string, sent: HistoryEntry, message: Omit<Parameters<App['bot']['handle']>[0], 'user'>) {
      const tail = message.choice !== undefined ? await history.tail(user, TAIL_FOR_UPDATE) : [];
      const replies = await handle(user, message);
      const at = now();
      let replaceIndex: number | undefined;
      if (message.choice !== undefined && replies.length === 1) {
        const asked = tail.findLastIndex((e) => e.from === 'bot' && (e.choices?.length ?? 0) > 0);
        const question = tail[asked];
        if (question?.choices?.some((c) => c.value === message.choice) && sameQuestion(question, replies[0] as Reply)) replaceIndex = asked - tail.length;
      }
      // A pressed button is kept as the person saw it: its label.
      const label = message.choice !== undefined ? tail.findLast((e) => e.from === 'bot' && e.choices?.some((c) => c.value === message.choice))?.choices?.find((c) => c.value === message.choice)?.label : undefined;
      const entries = replaceIndex === undefined ? [...userEntry({ ...sent, ...(label ? { text: label } : {}) }, message.choice === undefined, replies), ...botEntries(replies, at)] : botEntries(replies, at);
      // Everyone who writes is recorded by the bot (with their language); only an erasure leaves no record.
      const lang = await languageOf(user);
      if (lang) await history.append(user, entries, { replaceIndex });
      return { replies: await renderer.replies(replies, at), ...(replaceIndex !== undefined ? { updated: true } : {}), ...(lang ? { lang } : {}) };
    }

    function decodedHeader(req: FastifyRequest, name: string, max: number): string | undefined {
      const raw = header(req, name);
      if (!raw) return undefined;
      try {
        // Control and direction characters do not belong in a file name shown to an officer.
        const text = decodeURIComponent(raw).replace(/[\p{Cc}\p{Cf}]/gu, '').trim();
        return text ? text.slice(0, max) : undefined;
      } catch {
        throw new HttpError(400, `${name} must be URI-encoded`);
      }
    }

    const template = readFileSync(join(dataPaths.public, 'index.html'), 'utf8');
    const favicon = readFileSync(join(dataPaths.public, 'favicon.ico'));
    const faviconSvg = readFileSync(join(dataPaths.public, 'favicon.svg'), 'utf8');
    // The page's own labels, in both languages: they follow the language the person picks in the chat.
    const catalogues = loadCatalogues(app.dirs.locales);
    const labels = Object.fromEntries(LANGUAGES.map((l) => [l, (catalogues[l].web as Record<string, unknown> | undefined)?.page ?? {}]));
    // The labels go into a <script>: "<" is escaped so that no text can close it.
    const labelsJson = JSON.stringify(labels).replace(/</g, '\\u003c');

    /** The page shows "Retry" on a 503: a store outage is worth retrying, unlike a generic 500. */
    const guarded =
      <R>(handler: (req: FastifyRequest, reply: FastifyReply) => Promise<R>) =>
      async (req: FastifyRequest, reply: FastifyReply): Promise<R> => {
        try {
          return await handler(req, reply);
        } catch (err) {
          if (err instanceof HttpError || (err instanceof Error && 'statusCode' in err)) throw err;
          app.log.error({ err: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }, 'web chat: request failed');
          throw new HttpError(503, 'temporarily unavailable; try again shortly');
        }
      };

    app.http.post('/api/chat/session', guarded(async (req, reply) => {
      jsonBody(req, z.object({}));
      const hour = Math.floor(Date.now() / 3_600_000);
      const key = keys.issued(await ids.mac(`addr:${clientAddress(req.raw, app.config.TRUST_PROXY)}`), hour);
      const [[, count]] = (await app.redis.multi().incr(key).expire(key, 3600).exec()) as [[unknown, number]];
      if (count > app.config.WEB_SESSIONS_PER_HOUR) {
        reply.header('retry-after', String((hour + 1) * 3600 - Math.floor(Date.now() / 1000)));
        throw new HttpError(429, 'too many new chats from this address; try again later');
      }
      return { user: await ids.issue() };
    }));
    app.http.post('/api/chat', guarded(async (req) => {
      const body = jsonBody(req, chatRequestSchema);
      const user = await person(body.user);
      const sent: HistoryEntry = { from: 'user', at: now(), text: body.text ?? body.choice ?? '' };
      return exchange(user, sent, { text: body.text, choice: body.choice, langHint: body.lang });
    }));
    app.http.post('/api/chat/history', guarded(async (req) => {
      const user = await person(jsonBody(req, userOnlySchema).user);
      const [entries, lang] = await Promise.all([history.list(user), languageOf(user)]);
      return { messages: await renderer.history(entries, now()), ...(lang ? { lang } : {}) };
    }));
    app.http.post('/api/chat/live', guarded(async (req, reply) => {
      const user = await person(jsonBody(req, userOnlySchema).user);
      // A stream the handler writes itself, for as long as the page listens.
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { ...(reply.getHeaders() as OutgoingHttpHeaders), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
      let queue = Promise.resolve();
      const stop = await live.listen(
        user,
        (entries) => {
          // In order, and each rendered with fresh file links.
          queue = queue
            .then(async () => void res.write(`data: ${JSON.stringify({ replies: await renderer.replies(entries, now()) })}\n\n`))
            .catch((err: unknown) => app.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'web chat: a live message was not written'));
        },
        () => res.end(),
      );
      const beat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
      res.once('close', () => {
        clearInterval(beat);
        stop();
      });
      res.write('event: ready\ndata: {}\n\n');
    }));
    app.http.post('/api/chat/upload', { bodyLimit: app.config.WEB_UPLOAD_MAX_MB * 1024 * 1024 }, guarded(async (req) => {
      const user = await person(header(req, 'x-chat-user') ?? '');
      const lang = languageSchema.optional().catch(undefined).parse(header(req, 'x-chat-lang'));
      const name = decodedHeader(req, 'x-file-name', 200);
      const caption = decodedHeader(req, 'x-caption', 300);
      const bytes = bodyBytes(req);
      let stored;
      try {
        stored = await uploads.store(user, bytes, name, now());
      } catch (err) {
        if (err instanceof UploadError) throw new HttpError(err.status, err.message);
        throw err;
      }
      const attachment = { kind: stored.record.kind, fileId: stored.fileId, mime: stored.record.mime, ...(name ? { name } : {}) };
      const sent: HistoryEntry = { from: 'user', at: now(), text: caption ?? name ?? '', media: [{ kind: attachment.kind, fileId: stored.fileId, channel: 'web' }] };
      try {
        const answer = await exchange(user, sent, { text: caption, attachment, langHint: lang });
        return { ...answer, sent: await renderer.reply(sent, now()) };
      } catch (err) {
        await uploads.discard(user, stored.fileId);
        throw err;
      }
    }));
    app.http.get('/api/chat/files/:link', guarded(async (req, reply) => {
      const found = await uploads.open((req.params as { link: string }).link, now());
      if (!found) throw new HttpError(404, 'no such file, or the link has expired');
      return reply
        .headers({
          'content-type': found.record.mime,
          'cache-control': 'private, max-age=3600',
          'x-content-type-options': 'nosniff',
          // Shown, never run: a crafted file gets no script and no access to the chat's storage.
          'content-security-policy': "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
          // Photos open in the page; a PDF is downloaded (a sandboxed document may not run the PDF viewer).
          'content-disposition': `${found.record.kind === 'photo' ? 'inline' : 'attachment'}; filename="minh-chung.${found.record.ext}"`,
        })
        .send(found.bytes);
    }));
    app.http.get('/favicon.ico', async (_req, reply) => reply.type('image/x-icon').header('cache-control', 'public, max-age=86400').send(favicon));
    app.http.get('/favicon.svg', async (_req, reply) => reply.type('image/svg+xml').send(faviconSvg));
    app.http.get<{ Querystring: { lang?: string } }>('/', async (req, reply) => {
      const lang = languageSchema.catch('vi').parse(req.query.lang ?? 'vi');
      const html = template.replace(/\{\{(\w+)\}\}/g, (_m, key: string) =>
        key === 'lang' ? lang : key === 'labels' ? labelsJson : key === 'max_mb' ? String(app.config.WEB_UPLOAD_MAX_MB) : escapeHtml(app.i18n.t(lang, `web.page.${key}`)),
      );
      return reply.type('text/html; charset=utf-8').send(html);
    });
  },
};
