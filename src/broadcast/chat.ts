import { z } from 'zod';
import type { App } from '../app/app.js';
import { formatVnDateTime, vnInstant } from '../core/clock.js';
import { CHANNELS, type Choice } from '../core/message.js';
import { FlowData } from '../engine/flow-data.js';
import type { Turn } from '../engine/turn.js';
import { languageSchema, type Language } from '../i18n/index.js';
import { resolveAudience } from './audience.js';
import { audienceSchema, broadcastLinkSchema, MAX_AREAS, MAX_TEXT, TEMPLATES, templateSchema, type Audience, type Campaign, type Content } from './campaigns.js';
import { areaNames, bodyText, renderBroadcast, type Renderable } from './message.js';
import type { Broadcasts, Scope } from './service.js';

const TEMPLATE_PREFIX = 'template:';
const MATCHES_SHOWN = 8;
/** What adding one area comes to: added, or refused (outside the organiser's area, or one too many). */
const ADDED = ['added', 'refused'] as const;

/** The broadcast being prepared: what flows/broadcast.yaml collects. */
export const broadcastData = new FlowData('bc', z.object({
  areas: z.array(z.string()).default([]),
  area_answer: z.string().optional(),
  matches: z.array(z.string()).optional(),
  area_pick: z.string().optional(),
  role: audienceSchema.shape.role.optional(),
  lang: audienceSchema.shape.lang.optional(),
  channel: audienceSchema.shape.channel.optional(),
  count: z.number().optional(),
  langs: z.array(languageSchema).optional(),
  content_answer: z.string().optional(),
  link: z.string().optional(),
  date: z.string().optional(),
  time: z.string().optional(),
  when: z.enum(['now', 'later', 'edit']).optional(),
  pick: z.string().optional(),
}), ['broadcast']);
type Draft = ReturnType<typeof broadcastData.read>;

function audienceOf(d: Draft): Audience | undefined {
  const parsed = audienceSchema.safeParse({ areas: d.areas, role: d.role, lang: d.lang, channel: d.channel });
  return parsed.success ? parsed.data : undefined;
}

function contentOf(d: Draft): Content | undefined {
  const answer = d.content_answer;
  if (!answer) return undefined;
  const template = answer.startsWith(TEMPLATE_PREFIX) ? templateSchema.safeParse(answer.slice(TEMPLATE_PREFIX.length)) : undefined;
  const link = d.link ? { link: d.link } : {};
  return template?.success ? { template: template.data, ...link } : { text: answer.slice(0, MAX_TEXT), ...link };
}

function sendAt(turn: Turn, d: Draft): number {
  if (d.when !== 'later' || !d.date || !d.time) return turn.now().getTime();
  const [hh, mm] = d.time.split(':').map(Number) as [number, number];
  return vnInstant(d.date, hh, mm).getTime();
}

/** The registry names flows/broadcast.yaml uses. */
export function registerBroadcastChat(app: App, broadcasts: Broadcasts): void {
  const scopeName = (turn: Turn, scope: Scope) => (scope.everywhere ? turn.t('broadcast.everywhere') : (app.areas.get(scope.area)?.fullName ?? scope.area));
  const scopeOf = async (turn: Turn): Promise<Scope> => {
    const scope = await broadcasts.scopeOf(turn.user);
    // The flow requires the organiser role; this only happens if it was withdrawn mid-way.
    if (!scope) throw new Error(`${turn.user} reached the broadcast flow without the organiser role`);
    return scope;
  };
  const describe = (turn: Turn, a: Audience) => ({
    areas: areaNames(app, turn.lang, a.areas),
    role: turn.t(`broadcast.choice.${a.role}`),
    lang: turn.t(`broadcast.choice.${a.lang}`),
    channel: a.channel === 'any' ? turn.t('broadcast.channel_any') : turn.t(`broadcast.channel.${a.channel}`),
  });
  const snippet = (lang: Language, c: Campaign) => {
    const text = bodyText(app, lang, c).replace(/\s+/g, ' ');
    return text.length > 40 ? `${text.slice(0, 40).replace(/\s+\S*$/, '')}…` : text;
  };

  app.registry
    .data(broadcastData)
    .command({
      name: 'broadcast',
      outcomes: ['open'],
      async run() {
        return 'open';
      },
    })
    .action('broadcast.begin', async (turn) => {
      await scopeOf(turn);
      broadcastData.write(turn, { areas: [] });
    })
    .choices('broadcast.areaChoices', async (turn) => {
      const scope = await scopeOf(turn);
      const d = broadcastData.read(turn);
      const choices: Choice[] = [];
      if (d.areas.length) choices.push({ value: 'done', label: turn.t('broadcast.area_done', { count: d.areas.length }) });
      choices.push({ value: 'whole', label: turn.t('broadcast.area_whole', { area: scopeName(turn, scope) }) });
      return choices;
    })
    .action('broadcast.findArea', [...ADDED, 'whole', 'done', 'none_yet', 'not_found', 'found_many'], async (turn) => {
      const scope = await scopeOf(turn);
      const d = broadcastData.read(turn);
      const answer = d.area_answer ?? '';
      if (answer === 'whole') {
        broadcastData.update(turn, { areas: broadcasts.wholeScope(scope) });
        return 'whole';
      }
      if (answer === 'done') return d.areas.length ? 'done' : 'none_yet';
      const within = scope.everywhere ? undefined : scope.area;
      const found = app.areas.search(answer, { within, limit: MATCHES_SHOWN });
      if (!found.length) {
        const elsewhere = within ? app.areas.search(answer, { limit: 1 })[0] : undefined;
        if (elsewhere) turn.say('broadcast.area_outside', { name: elsewhere.fullName, scope: scopeName(turn, scope) });
        else turn.say('broadcast.area_not_found', { typed: answer.slice(0, 60), scope: scopeName(turn, scope) });
        return 'not_found';
      }
      if (found.length > 1) {
        broadcastData.update(turn, { matches: found.map((a) => a.id) });
        return 'found_many';
      }
      return addArea(turn, scope, d, (found[0] as { id: string }).id);
    })
    .choices('broadcast.areaMatches', async (turn) =>
      (broadcastData.read(turn).matches ?? []).flatMap((id) => {
        const area = app.areas.get(id);
        return area ? [{ value: id, label: area.fullName }] : [];
      }),
    )
    .action('broadcast.addArea', ADDED, async (turn) => {
      const d = broadcastData.read(turn);
      return addArea(turn, await scopeOf(turn), d, d.area_pick ?? '');
    })
    .choices('broadcast.channelChoices', async (turn) => [
      { value: 'any', label: turn.t('broadcast.channel_any') },
      ...CHANNELS.filter((c) => app.senders.has(c)).map((c) => ({ value: c, label: turn.t(`broadcast.channel.${c}`) })),
    ])
    .action('broadcast.count', ['incomplete', 'nobody', 'counted'], async (turn) => {
      const d = broadcastData.read(turn);
      const audience = audienceOf(d);
      if (!audience) return 'incomplete';
      const count = await resolveAudience(app, audience);
      const n = count.reachable;
      const channels = Object.entries(count.channels)
        .map(([c, k]) => `${turn.t(`broadcast.channel.${c}`)}: ${k}`)
        .join(', ');
      broadcastData.update(turn, { count: n, langs: count.langs });
      if (n <= 0) {
        const { found } = count;
        turn.say(found ? 'broadcast.nobody_reachable' : 'broadcast.nobody', { ...describe(turn, audience), found });
        broadcastData.write(turn, { areas: [] });
        return 'nobody';
      }
      // Only the people it reaches; those it skips are named only when there are some.
      const skipped = [
        ...(count.stopped ? [turn.t('broadcast.skip_stopped', { n: count.stopped })] : []),
        ...(count.blocked ? [turn.t('broadcast.skip_blocked', { n: count.blocked })] : []),
      ];
      const params = { ...describe(turn, audience), count: n, channels };
      if (skipped.length) turn.say('broadcast.count_skipping', { ...params, skipped: skipped.join(turn.t('broadcast.and')) });
      else turn.say('broadcast.count', params);
      return 'counted';
    })
    .choices('broadcast.templateChoices', async (turn) =>
      TEMPLATES.map((id) => ({ value: `${TEMPLATE_PREFIX}${id}`, label: turn.t(`broadcast.template.${id}.label`) })),
    )
    .validator('broadcast.link', async (value) => {
      if (value === 'skip') return { ok: true, value: '' };
      const url = broadcastLinkSchema.safeParse(String(value).trim());
      return url.success ? { ok: true, value: url.data } : { ok: false, error: 'broadcast.bad_link' };
    })
    .action('broadcast.preview', ['incomplete'], async (turn) => {
      const d = broadcastData.read(turn);
      const audience = audienceOf(d);
      const content = contentOf(d);
      if (!audience || !content) return 'incomplete';
      await showPreview(turn, d, { audience, content, at: turn.now().getTime() });
    })
    .validator('broadcast.futureTime', async (value, turn) => {
      const d = broadcastData.read(turn);
      const [hh, mm] = String(value).split(':').map(Number) as [number, number];
      if (!d.date) return { ok: false, error: 'broadcast.bad_time' };
      const at = vnInstant(d.date, hh, mm).getTime();
      if (at < turn.now().getTime() + 60_000) return { ok: false, error: 'broadcast.time_past', params: { now: formatVnDateTime(turn.now()) } };
      return { ok: true, value };
    })
    .action('broadcast.summary', ['incomplete'], async (turn) => {
      const d = broadcastData.read(turn);
      const audience = audienceOf(d);
      const content = contentOf(d);
      if (!audience || !content) return 'incomplete';
      const at = sendAt(turn, d);
      const when = d.when === 'later' ? turn.t('broadcast.when_at', { at: formatVnDateTime(new Date(at)) }) : turn.t('broadcast.when_now');
      turn.say('broadcast.summary', { ...describe(turn, audience), count: d.count ?? 0, when });
      // A template names the year it goes out in (and that year's Learning Week): shown again when the
      // chosen time changes what the first preview said.
      if (content.template) {
        const lang = audience.lang === 'any' ? turn.lang : audience.lang;
        const [before, then] = await Promise.all([turn.now().getTime(), at].map((when) => renderBroadcast(app, lang, { audience, content, at: when })));
        if (before?.text !== then?.text) {
          turn.say('broadcast.preview_again');
          await showPreview(turn, d, { audience, content, at });
        }
      }
    })
    .action('broadcast.create', ['incomplete'], async (turn) => {
      const d = broadcastData.read(turn);
      const audience = audienceOf(d);
      const content = contentOf(d);
      if (!audience || !content) return 'incomplete';
      const result = await broadcasts.create(turn.user, { audience, content, at: sendAt(turn, d) });
      broadcastData.clear(turn);
      if (!result.ok) {
        const area = result.area ? (app.areas.get(result.area)?.fullName ?? result.area) : '';
        turn.say(`broadcast.refused.${result.reason}`, { area });
        return;
      }
      const c = result.campaign;
      turn.say(d.when === 'later' ? 'broadcast.created_later' : 'broadcast.created_now', { id: c.id, at: formatVnDateTime(new Date(c.at)) });
    })
    .action('broadcast.listScheduled', ['some', 'none'], async (turn) => {
      const mine = await scheduledFor(turn);
      if (mine.length) return 'some';
      turn.say('broadcast.none_scheduled');
      return 'none';
    })
    .choices('broadcast.scheduledChoices', async (turn) =>
      (await scheduledFor(turn)).map((c) => ({ value: c.id, label: `${formatVnDateTime(new Date(c.at))} · ${snippet(turn.lang, c)}` })),
    )
    .action('broadcast.showScheduled', ['gone'], async (turn) => {
      const c = await broadcasts.store.get(broadcastData.read(turn).pick ?? '');
      if (!c || c.status !== 'scheduled') {
        turn.say('broadcast.cancel_not_scheduled');
        return 'gone';
      }
      turn.say('broadcast.scheduled_detail', { id: c.id, at: formatVnDateTime(new Date(c.at)), ...describe(turn, c.audience) });
      turn.reply(await renderBroadcast(app, turn.lang, c, { preview: true }));
    })
    .action('broadcast.cancel', async (turn) => {
      const result = await broadcasts.cancel(broadcastData.read(turn).pick ?? '', turn.user);
      turn.say(`broadcast.cancel_${result}`);
      broadcastData.clear(turn);
    })
    .action('broadcast.history', async (turn) => {
      const admin = app.roles.isAdmin(turn.user);
      const recent = await broadcasts.store.list({ by: admin ? undefined : turn.user, limit: 5 });
      if (!recent.length) {
        turn.say('broadcast.history_empty');
        return;
      }
      const lines: string[] = [];
      for (const c of recent) {
        const r = await broadcasts.report(c.id);
        const s = r?.stats ?? {};
        const queued = s.queued ?? 0;
        // How many it reached, once it went out to anyone (a scheduled one has no count yet).
        lines.push(
          turn.t(queued ? 'broadcast.history_line_sent' : 'broadcast.history_line', {
            id: c.id,
            at: formatVnDateTime(new Date(c.at)),
            status: turn.t(`broadcast.status.${c.status}`),
            text: snippet(turn.lang, c),
            sent: s.sent ?? 0,
            queued,
          }),
        );
      }
      turn.say('broadcast.history', { lines: lines.join('\n') });
    });

  /**
   * Each language's message on its own, exactly as recipients get it, with their "Dừng nhận tin"
   * button shown as text (pressed by the organiser it would stop the organiser's own messages).
   */
  async function showPreview(turn: Turn, d: Draft, spec: Renderable): Promise<void> {
    const { audience } = spec;
    const langs: Language[] = audience.lang === 'any' ? (d.langs?.length ? d.langs : ['vi']) : [audience.lang];
    const sender = await broadcasts.senderFor(turn.user, audience);
    for (const lang of langs) turn.reply(await renderBroadcast(app, lang, { ...spec, sender }, { preview: true }));
  }

  async function scheduledFor(turn: Turn): Promise<Campaign[]> {
    const admin = app.roles.isAdmin(turn.user);
    const list = await broadcasts.store.list({ by: admin ? undefined : turn.user, status: 'scheduled', limit: 10 });
    return list.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  }

  function addArea(turn: Turn, scope: Scope, d: Draft, id: string): (typeof ADDED)[number] {
    const outside = broadcasts.firstOutside(scope, [id]);
    if (outside) {
      turn.say('broadcast.area_outside', { name: app.areas.get(id)?.fullName ?? id, scope: scopeName(turn, scope) });
      return 'refused';
    }
    if (!d.areas.includes(id) && d.areas.length >= MAX_AREAS) {
      turn.say('broadcast.area_limit', { max: MAX_AREAS });
      return 'refused';
    }
    const areas = d.areas.includes(id) ? d.areas : [...d.areas, id];
    broadcastData.update(turn, { areas, matches: undefined, area_pick: undefined });
    turn.say('broadcast.area_added', { name: app.areas.get(id)?.fullName ?? id, areas: areaNames(app, turn.lang, areas) });
    return 'added';
  }
}
