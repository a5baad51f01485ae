import type { App } from '../app/app.js';
import { vnDate } from '../core/clock.js';
import type { Reply } from '../core/message.js';
import type { Language } from '../i18n/index.js';
import { REMINDERS } from '../reminders/capability.js';
import { datesLabel } from '../reminders/compose.js';
import type { EventDates } from '../reminders/events.js';
import type { Audience, Sender, Spec } from './campaigns.js';

/** The choice every broadcast carries: its value is the global command, so it works at any step. */
export const STOP_VALUE = '/stop';

/** What a message is rendered from: the confirmed spec, or the draft being previewed. */
export type Renderable = Pick<Spec, 'content' | 'audience' | 'at'> & { sender?: Sender };

/** "Phường Tô Hiệu, Phường Chiềng An"; "cả nước" when the areas are every province. */
export function areaNames(app: App, lang: Language, areas: Audience['areas']): string {
  const roots = app.areas.roots().map((a) => a.id);
  if (roots.length > 1 && roots.every((r) => areas.includes(r))) return app.i18n.t(lang, 'broadcast.everywhere');
  return areas.map((id) => app.areas.get(id)?.name ?? id).join(', ');
}

/** The smallest area holding all of these (a commune, a province), if there is one. */
export function commonArea(app: App, areas: readonly string[]): string | undefined {
  const first = areas[0];
  return first === undefined ? undefined : app.areas.lineage(first).find((candidate) => areas.every((a) => app.areas.isWithin(a, candidate)));
}

/** "📣 Thông báo từ Sở Giáo dục và Đào tạo (Tỉnh Sơn La):", or from the Learning Week organisers of the area. */
function header(app: App, lang: Language, spec: Renderable): string {
  const t = app.i18n.for(lang);
  const sender = spec.sender ?? { area: commonArea(app, spec.audience.areas) };
  const units = sender.unit ? app.need(REMINDERS).reminders.units : undefined;
  const unit = sender.unit && units?.has(sender.unit) ? units.name(sender.unit, lang) : undefined;
  const area = sender.area ? (app.areas.get(sender.area)?.fullName ?? sender.area) : areaNames(app, lang, spec.audience.areas);
  return t('broadcast.header', { sender: unit ?? t('broadcast.sender_default'), area });
}

/** The Learning Week's dates and theme, when the message names the week and every audience area has the same. */
export type WeekFacts = Pick<EventDates, 'start' | 'end' | 'theme'>;

/**
 * For the Learning Week template: the week of the year the message goes out, as the organisers set it
 * for the audience's areas in the chat (or for everywhere), else as plans/events.yaml has it. Nothing
 * when the areas were given different weeks: the message then names none rather than a wrong one.
 */
export async function weekFacts(app: App, spec: Renderable): Promise<WeekFacts | undefined> {
  if (spec.content.template !== 'llw_opening') return undefined;
  const r = app.need(REMINDERS).reminders;
  const event = r.events.settable();
  if (!event) return undefined;
  const year = Number(vnDate(new Date(spec.at)).slice(0, 4));
  const settings = await r.weeks.forYear(event.id, year);
  const found = spec.audience.areas.map((area) => r.events.datesFor(event, year, area, settings));
  const [first] = found;
  if (!first || found.some((d) => d.start !== first.start || d.end !== first.end || d.theme !== first.theme)) return undefined;
  return { start: first.start, end: first.end, theme: first.theme };
}

/** The organiser's words, or the template in `lang`; without the header (lists quote this). */
export function bodyText(app: App, lang: Language, spec: Renderable, week?: WeekFacts): string {
  const { content } = spec;
  if (!content.template) return content.text as string;
  const t = app.i18n.for(lang);
  const key = `broadcast.template.${content.template}`;
  const lines = [t(`${key}.text`, { area: areaNames(app, lang, spec.audience.areas), year: vnDate(new Date(spec.at)).slice(0, 4) })];
  if (week) lines.push(t('broadcast.week_dates', { dates: datesLabel(week) }));
  if (week?.theme) lines.push(t('broadcast.week_theme', { theme: week.theme }));
  return lines.join('\n');
}

/**
 * The message exactly as a recipient reading `lang` gets it: who sends it, the organiser's words (or a
 * template in the recipient's language, with the Learning Week's dates and theme), the optional link,
 * and the "Dừng nhận tin" button. The organiser's preview is the same message, with that button shown
 * as text: pressed there it would stop the organiser's own messages.
 */
export async function renderBroadcast(app: App, lang: Language, spec: Renderable, opts: { preview?: boolean } = {}): Promise<Reply> {
  const t = app.i18n.for(lang);
  const text = `${header(app, lang, spec)}\n${bodyText(app, lang, spec, await weekFacts(app, spec))}`;
  const link = spec.content.link ? { link: { label: t('broadcast.link_label'), url: spec.content.link } } : {};
  if (opts.preview) return { text: `${text}\n\n${t('broadcast.stop_shown')}`, ...link };
  return { text, ...link, choices: [{ label: t('broadcast.stop_button'), value: STOP_VALUE }] };
}
