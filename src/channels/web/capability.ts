import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Capability } from '../../app/app.js';
import { InboundError } from '../../app/bot.js';
import type { ChannelSender } from '../../core/delivery.js';
import { escapeHtml } from '../../core/html.js';
import { tryParseJson } from '../../core/json.js';
import { dataPaths } from '../../core/paths.js';
import { mediaReachable, replySchema, type Reply } from '../../core/message.js';
import { HttpError, parseJsonBody, readBody, sendJson, sendText } from '../../http/router.js';
import { languageSchema } from '../../i18n/index.js';
import { personTag } from '../../store/keys.js';

// Any id a page or a script picks, as long as it stays one token inside "web:<id>" keys and logs.
const webUserSchema = z.string().min(1, 'user must not be empty').max(128, 'user must be at most 128 characters').regex(/^[^\s\p{Cc}]+$/u, 'user must not contain spaces or control characters');

/** Unknown keys are ignored rather than refused: a client may send more than this contract names. */
export const chatRequestSchema = z
  .object({
    user: webUserSchema,
    text: z.string({ error: 'text must be a string' }).optional(),
    choice: z.string({ error: 'choice must be a string' }).max(256).optional(),
    /** The page's language, for a person the bot has not met yet. */
    lang: languageSchema.optional(),
  })
  .refine((b) => (b.text === undefined) !== (b.choice === undefined), 'give either text or choice');

/** Proactive messages wait here until the page asks for them. */
const OUTBOX_MAX = 50;
const OUTBOX_TTL_S = 7 * 86_400;

function render(replies: Reply[]) {
  return {
    replies: replies.map((r) => {
      const media = (r.media ?? []).filter((m) => mediaReachable(m, 'web'));
      return { text: r.text, choices: r.choices ?? [], ...(r.link ? { link: r.link } : {}), ...(r.file ? { file: r.file } : {}), ...(media.length ? { media } : {}) };
    }),
  };
}

/** The local chat: a page at / and POST /api/chat, the contract that the page and tests use. */
export const web: Capability = {
  name: 'web',
  register(app) {
    const outboxKey = (id: string) => `${app.prefix}web:outbox:${personTag(`web:${id}`)}`;
    const template = readFileSync(join(dataPaths.public, 'index.html'), 'utf8');

    const sender: ChannelSender = {
      channel: 'web',
      async send(nativeId, replies) {
        const key = outboxKey(nativeId);
        const tx = app.redis.multi();
        for (const r of replies) tx.rpush(key, JSON.stringify(r));
        await tx.ltrim(key, -OUTBOX_MAX, -1).expire(key, OUTBOX_TTL_S).exec();
        return { status: 'sent' };
      },
    };
    app.senders.set('web', sender);

    // Unread proactive messages are personal data too: /mydata counts them, /deletedata drops them.
    app.privacy.add({
      name: 'web-inbox',
      async describe(user, t) {
        if (!user.startsWith('web:')) return [];
        const waiting = await app.redis.llen(outboxKey(user.slice(4)));
        return waiting ? [t('privacy.line_web_inbox', { count: waiting })] : [];
      },
      async erase(user) {
        if (user.startsWith('web:')) await app.redis.del(outboxKey(user.slice(4)));
      },
    });

    app.router
      .on('POST', '/api/chat', async (req, res) => {
        const body = parseJsonBody(await readBody(req), chatRequestSchema);
        let replies: Reply[];
        try {
          replies = await app.bot.handle({ user: `web:${body.user}`, text: body.text, choice: body.choice, langHint: body.lang });
        } catch (err) {
          if (err instanceof InboundError) throw new HttpError(400, err.message);
          throw err;
        }
        sendJson(res, 200, render(replies));
      })
      .on('GET', '/api/chat/inbox', async (req, res) => {
        const user = webUserSchema.safeParse(new URL(req.url ?? '/', 'http://x').searchParams.get('user') ?? '');
        if (!user.success) throw new HttpError(400, user.error.issues[0]?.message ?? 'bad user');
        const key = outboxKey(user.data);
        const [[, items]] = (await app.redis.multi().lrange(key, 0, -1).del(key).exec()) as [[unknown, string[]]];
        const replies = items.flatMap((raw) => {
          const parsed = replySchema.safeParse(tryParseJson(raw));
          return parsed.success ? [parsed.data] : [];
        });
        sendJson(res, 200, render(replies));
      })
      .on('GET', '/', async (req, res) => {
        const lang = languageSchema.catch('vi').parse(new URL(req.url ?? '/', 'http://x').searchParams.get('lang') ?? 'vi');
        const html = template.replace(/\{\{(\w+)\}\}/g, (_m, key: string) =>
          key === 'lang' ? lang : escapeHtml(app.i18n.t(lang, `web.${key}`)),
        );
        sendText(res, 200, html, 'text/html; charset=utf-8');
      });
  },
};
