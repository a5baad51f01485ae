import { z } from 'zod';
import type { App } from '../app/app.js';
import { vnDate, vnInstant } from '../core/clock.js';
import { CHANNELS } from '../core/message.js';
import { render as telegramRender } from '../channels/telegram/render.js';
import { renderReplies as zaloRender } from '../channels/zalo/render.js';
import { pickableAreas, pickedArea } from '../console/area-picker.js';
import { html, SafeHtml } from '../console/html.js';
import type { ConsoleContext } from '../console/pages.js';
import type { Language } from '../i18n/index.js';
import { resolveAudience, type AudienceCount } from './audience.js';
import { audienceSchema, broadcastLinkSchema, contentSchema, MAX_TEXT, TEMPLATES, type Audience, type Content } from './campaigns.js';
import { renderBroadcast } from './message.js';
import type { Broadcasts } from './service.js';

/** One value or several (a multiple select sends the field once per choice). */
const many = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().max(100)).max(200));
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** The compose form's fields as they arrive; each may be missing or wrong, which the form then says. */
const formSchema = z.object({
  areas: many,
  role: z.string().optional(),
  lang: z.string().optional(),
  channel: z.string().optional(),
  kind: z.enum(['text', 'template']).catch('text'),
  text: z.string().max(MAX_TEXT * 2).optional(),
  template: z.string().optional(),
  link: z.preprocess(blankToUndefined, z.string().max(600).optional()),
  when: z.enum(['now', 'later']).catch('now'),
  date: z.preprocess(blankToUndefined, z.string().max(10).optional()),
  time: z.preprocess(blankToUndefined, z.string().max(5).optional()),
});
type Form = z.infer<typeof formSchema>;

export interface Draft {
  audience: Audience;
  content: Content;
  at: number;
}

const DEFAULTS: Form = { areas: [], role: 'everyone', lang: 'any', channel: 'any', kind: 'text', when: 'now' };

/** The form as a broadcast, with the same rules as the chat's; otherwise the fields that are wrong. */
export function draftOf(app: App, form: Form): { ok: true; draft: Draft } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const audience = audienceSchema.safeParse({ areas: form.areas, role: form.role, lang: form.lang, channel: form.channel });
  if (!audience.success) errors.push(form.areas.length ? 'audience' : 'areas');
  const body = form.kind === 'template' ? { template: form.template } : { text: form.text };
  if (!contentSchema.safeParse(body).success) errors.push(form.kind);
  const link = form.link?.trim();
  if (link && !broadcastLinkSchema.safeParse(link).success) errors.push('link');
  const content = contentSchema.safeParse({ ...body, ...(link ? { link } : {}) });
  let at = app.clock.now().getTime();
  if (form.when === 'later') {
    const date = /^\d{4}-\d{2}-\d{2}$/.test(form.date ?? '') ? form.date : undefined;
    const time = /^([01]\d|2[0-3]):[0-5]\d$/.exec(form.time ?? '');
    if (!date || !time) errors.push('when');
    else {
      const [hh, mm] = (time[0] as string).split(':').map(Number) as [number, number];
      at = vnInstant(date, hh, mm).getTime();
      // As in the chat: a scheduled time at least a minute ahead.
      if (at < app.clock.now().getTime() + 60_000) errors.push('past');
    }
  }
  if (errors.length || !audience.success || !content.success) return { ok: false, errors };
  return { ok: true, draft: { audience: audience.data, content: content.data, at } };
}

/** "Sẽ gửi tới 12 người (Telegram: 8, Zalo: 4), bỏ qua 1 người đã dừng nhận tin." in the reader's words. */
export function countText(ctx: Pick<ConsoleContext, 't'>, count: AudienceCount): string {
  const channels = Object.entries(count.channels).map(([c, n]) => `${ctx.t(`broadcast.channel.${c}`)}: ${n}`).join(', ');
  const parts = [ctx.t('boards.broadcasts.count', { count: count.reachable, channels: channels || '—' })];
  if (count.stopped) parts.push(ctx.t('boards.broadcasts.count_stopped', { n: count.stopped }));
  if (count.blocked) parts.push(ctx.t('boards.broadcasts.count_blocked', { n: count.blocked }));
  return parts.join(' ');
}

/** Compose, preview and send: /admin/broadcasts/new, its preview and its creation. */
export function registerBroadcastCompose(app: App, broadcasts: Broadcasts): void {
  /** Every area named must be one the organiser answers for (404 otherwise, as for any area not theirs). */
  const requireAreas = (ctx: ConsoleContext, areas: string[]) => areas.forEach((a) => ctx.requireArea(a));

  async function previews(ctx: ConsoleContext, draft: Draft, count: AudienceCount): Promise<SafeHtml> {
    const langs: Language[] = draft.audience.lang === 'any' ? (count.langs.length ? count.langs : [ctx.lang]) : [draft.audience.lang];
    const sender = await broadcasts.senderFor(ctx.person.user, draft.audience);
    const out: SafeHtml[] = [];
    for (const lang of langs) {
      // The message exactly as recipients get it, through each platform's own rendering.
      const reply = await renderBroadcast(app, lang, { ...draft, sender });
      const tg = await telegramRender([reply], async (value) => value);
      const zalo = zaloRender([reply], app.i18n.for(lang), 'proactive');
      out.push(html`<div class="phone telegram" data-preview="telegram" lang="${lang}"><h3>${ctx.t('boards.broadcasts.preview_telegram', { lang: ctx.t(`broadcast.choice.${lang}`) })}</h3>
${tg.map((o) =>
  o.method === 'sendMessage'
    ? // The Telegram renderer escapes every character of the text it sends: the bubble shows that HTML as Telegram would.
      html`<div class="bubble">${new SafeHtml(o.html)}</div>${o.keyboard ? html`<div class="tg-buttons">${o.keyboard.flat().map((b) => html`<span>${b.text}</span>`)}</div>` : ''}`
    : '',
)}</div>
<div class="phone zalo" data-preview="zalo" lang="${lang}"><h3>${ctx.t('boards.broadcasts.preview_zalo', { lang: ctx.t(`broadcast.choice.${lang}`) })}</h3>${zalo.map((text) => html`<div class="bubble">${text}</div>`)}</div>`);
    }
    return html`<div class="previews">${out}</div>`;
  }

  function form(ctx: ConsoleContext, values: Form, extra: { errors?: string[]; count?: string; preview?: SafeHtml } = {}): SafeHtml {
    const area = pickedArea(app, ctx, 'organiser');
    const areas = pickableAreas(app, ctx, 'organiser', area);
    const option = (value: string, label: string, chosen: string | undefined) => html`<option value="${value}"${value === chosen ? html` selected` : ''}>${label}</option>`;
    const channels = ['any', ...CHANNELS.filter((c) => app.senders.has(c))];
    return html`<link rel="stylesheet" href="/admin/assets/boards.css"><script src="/admin/assets/broadcast-compose.js" defer></script>
<h1>${ctx.t('boards.broadcasts.new_title')}</h1>
${extra.errors?.length ? html`<div class="errors" data-errors><p>${ctx.t('boards.broadcasts.errors_intro')}</p><ul>${extra.errors.map((e) => html`<li data-error="${e}">${ctx.t(`boards.broadcasts.error.${e}`)}</li>`)}</ul></div>` : ''}
<form class="stack card" id="compose" method="post" action="/admin/broadcasts/preview">${ctx.csrfField}
<label><span>${ctx.t('boards.broadcasts.field.areas')}</span><select name="areas" multiple size="${Math.min(8, areas.length)}">${areas.map((a) =>
      html`<option value="${a.id}"${values.areas.includes(a.id) ? html` selected` : ''}>${a.fullName}</option>`,
    )}</select></label>
<div class="row">
<label><span>${ctx.t('boards.broadcasts.field.role')}</span><select name="role">${['everyone', 'citizens', 'officers'].map((v) => option(v, ctx.t(`broadcast.choice.${v}`), values.role))}</select></label>
<label><span>${ctx.t('boards.broadcasts.field.lang')}</span><select name="lang">${['any', 'vi', 'en'].map((v) => option(v, ctx.t(`broadcast.choice.${v}`), values.lang))}</select></label>
<label><span>${ctx.t('boards.broadcasts.field.channel')}</span><select name="channel">${channels.map((v) => option(v, v === 'any' ? ctx.t('broadcast.channel_any') : ctx.t(`broadcast.channel.${v}`), values.channel))}</select></label>
</div>
<p class="count" data-live-count aria-live="polite">${extra.count ?? ctx.t('boards.broadcasts.count_hint')}</p>
<div class="row">
<label><input type="radio" name="kind" value="text"${values.kind === 'text' ? html` checked` : ''}> ${ctx.t('boards.broadcasts.field.kind_text')}</label>
<label><input type="radio" name="kind" value="template"${values.kind === 'template' ? html` checked` : ''}> ${ctx.t('boards.broadcasts.field.kind_template')}</label>
</div>
<label><span>${ctx.t('boards.broadcasts.field.text', { max: MAX_TEXT })}</span><textarea name="text" maxlength="${MAX_TEXT}">${values.text ?? ''}</textarea></label>
<label><span>${ctx.t('boards.broadcasts.field.template')}</span><select name="template">${TEMPLATES.map((id) => option(id, ctx.t(`broadcast.template.${id}.label`), values.template))}</select></label>
<label><span>${ctx.t('boards.broadcasts.field.link')}</span><input type="url" name="link" value="${values.link ?? ''}" placeholder="https://"></label>
<div class="row">
<label><input type="radio" name="when" value="now"${values.when === 'now' ? html` checked` : ''}> ${ctx.t('broadcast.choice.now')}</label>
<label><input type="radio" name="when" value="later"${values.when === 'later' ? html` checked` : ''}> ${ctx.t('broadcast.choice.later')}</label>
<label><span>${ctx.t('boards.broadcasts.field.date')}</span><input type="date" name="date" value="${values.date ?? vnDate(app.clock.now())}"></label>
<label><span>${ctx.t('boards.broadcasts.field.time')}</span><input type="time" name="time" value="${values.time ?? ''}"></label>
</div>
<p><button type="submit" class="secondary" id="preview">${ctx.t('boards.broadcasts.preview_button')}</button>${
      extra.preview ? html` <button type="submit" id="send" formaction="/admin/broadcasts/create">${values.when === 'later' ? ctx.t('boards.broadcasts.schedule_button') : ctx.t('boards.broadcasts.send_button')}</button>` : ''
    }</p>
</form>
${extra.preview ? html`<h2>${ctx.t('boards.broadcasts.preview_title')}</h2><p class="muted">${ctx.t('boards.broadcasts.preview_intro')}</p>${extra.preview}` : ''}`;
  }

  /** The posted form as a broadcast (its areas the organiser's, 404 otherwise), or the form again saying what is wrong. */
  function posted(ctx: ConsoleContext): { ok: true; values: Form; draft: Draft } | { ok: false; page: SafeHtml } {
    const values = ctx.form(formSchema);
    requireAreas(ctx, values.areas);
    const parsed = draftOf(app, values);
    return parsed.ok ? { ok: true, values, draft: parsed.draft } : { ok: false, page: form(ctx, values, { errors: parsed.errors }) };
  }

  app.console
    .page({
      path: '/admin/broadcasts/new',
      title: 'boards.broadcasts.new_title',
      needs: 'organiser',
      nav: false,
      handler: async (ctx) => form(ctx, DEFAULTS),
    })
    .page({
      // The live count the compose page asks for while the audience is chosen (its script; the preview says it too).
      path: '/admin/broadcasts/audience-size',
      title: 'boards.broadcasts.new_title',
      needs: 'organiser',
      nav: false,
      async handler(ctx) {
        const values = ctx.query(formSchema);
        const audience = audienceSchema.safeParse({ areas: values.areas, role: values.role, lang: values.lang, channel: values.channel });
        if (!audience.success) return ctx.reply.send({ text: ctx.t('boards.broadcasts.count_hint') });
        requireAreas(ctx, audience.data.areas);
        const count = await resolveAudience(app, audience.data);
        return ctx.reply.send({ reachable: count.reachable, text: countText(ctx, count) });
      },
    })
    .action({
      path: '/admin/broadcasts/preview',
      title: 'boards.broadcasts.new_title',
      needs: 'organiser',
      async handler(ctx) {
        const got = posted(ctx);
        if (!got.ok) return got.page;
        const count = await resolveAudience(app, got.draft.audience);
        return form(ctx, got.values, { count: countText(ctx, count), preview: await previews(ctx, got.draft, count) });
      },
    })
    .action({
      path: '/admin/broadcasts/create',
      title: 'boards.broadcasts.new_title',
      needs: 'organiser',
      async handler(ctx) {
        const got = posted(ctx);
        if (!got.ok) return got.page;
        const result = await broadcasts.create(ctx.person.user, got.draft);
        if (!result.ok) return form(ctx, got.values, { errors: [result.reason] });
        const c = result.campaign;
        await ctx.audit(c.at > app.clock.now().getTime() ? 'broadcast.schedule' : 'broadcast.send', c.id, c.audience.areas.join(','));
        return `/admin/broadcasts/${c.id}`;
      },
    });
}
