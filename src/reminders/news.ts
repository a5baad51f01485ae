import { z } from 'zod';
import { addDays, vnDate } from '../core/clock.js';
import { FlowData } from '../engine/flow-data.js';
import type { Turn } from '../engine/turn.js';
import { datesLabel, eventLines } from './compose.js';
import type { Reminders } from './context.js';
import { EVERYWHERE, type EventDates, type NewsEvent } from './events.js';
import { isoDateSchema } from './schedule.js';

/** Areas offered for a typed name. */
const AREA_MATCHES = 6;
/** The longest Learning Week an organiser may set. */
export const WEEK_MAX_DAYS = 31;
/** The choice that leaves the theme empty. */
const NO_THEME = 'no_theme';
const RETYPE = 'retype';

/** The commune typed for news, the areas it matched and the one picked (flows/reminders_optin.yaml). */
const optinData = new FlowData(
  'optin',
  z.object({ query: z.string().optional(), matches: z.array(z.string()).optional(), area: z.string().optional() }),
  ['reminders_optin'],
);

/** Whether the person receives the news, and an organiser's Learning Week with the names its confirmation shows (flows/news.yaml). */
const newsData = new FlowData(
  'news',
  z.object({
    subscribed: z.boolean().optional(),
    start: isoDateSchema.optional(),
    end: isoDateSchema.optional(),
    theme: z.string().optional(),
    event_name: z.string().optional(),
    dates: z.string().optional(),
    scope_name: z.string().optional(),
    theme_line: z.string().optional(),
  }),
  ['news'],
);

export const NEWS_ON = 'news_on';
export const NEWS_OFF = 'news_off';

/** The dates of an event's next (or current) occurrence for someone in `area`. */
export async function nextDates(r: Reminders, event: NewsEvent, area: string | undefined, today: string): Promise<EventDates> {
  const year = Number(today.slice(0, 4));
  const load = (y: number) => (event.settable ? r.weeks.forYear(event.id, y) : Promise.resolve(new Map()));
  const current = r.events.datesFor(event, year, area, await load(year));
  return current.end >= today ? current : r.events.datesFor(event, year + 1, area, await load(year + 1));
}

/** The events someone in `area` hears of from `today`: the file's that reach them, and those added for their area or above that have not ended. */
export async function eventsFor(r: Reminders, area: string | undefined, today: string): Promise<NewsEvent[]> {
  const local = (await r.local.within(r.events.reachingScopes(area))).filter((e) => e.end >= today);
  return r.events.with(local).filter((e) => r.events.reaches(e, area));
}

/** Receiving news: subscribed and not stopped with /stop. */
async function receivesNews(r: Reminders, user: string): Promise<boolean> {
  const [since, person] = await Promise.all([r.subs.newsSince(user), r.app.users.get(user)]);
  return since !== undefined && !person?.optOut;
}

export function registerNews(r: Reminders): void {
  const { app } = r;

  /** The person's commune (or province), when they gave one that is still in data/areas.yaml. */
  const knownArea = async (turn: Turn) => {
    const id = (await app.users.get(turn.user))?.area;
    return id ? app.areas.get(id) : undefined;
  };

  /**
   * Someone who does not receive the news yet is asked in a message of its own: its buttons are
   * commands, so the question the chat waits at (the menu, the learning menu) stays where it was.
   */
  async function offer(turn: Turn, opts: { evenIfDeclined?: boolean } = {}): Promise<void> {
    if (turn.inbound.chat !== 'private' || (await receivesNews(r, turn.user))) return;
    if (!opts.evenIfDeclined && (await declinedSinceStop(turn.user))) return;
    // Whoever gave their commune already (learning registration, settings) is not told it will be asked.
    const area = await knownArea(turn);
    turn.reply({
      text: area ? turn.t('reminders.optin.offer_known_area', { area: area.fullName }) : turn.t('reminders.optin.offer'),
      choices: [
        { label: turn.t('reminders.optin.yes'), value: `/${NEWS_ON}` },
        { label: turn.t('reminders.optin.no'), value: `/${NEWS_OFF}` },
      ],
    });
  }

  /** A "no" holds until the person says /stop: /start after that asks again. */
  const declinedSinceStop = async (user: string): Promise<boolean> => {
    const [declined, person] = await Promise.all([r.subs.declinedAt(user), app.users.get(user)]);
    return declined !== undefined && !(person?.optOut !== undefined && person.optOut >= declined);
  };
  const subscribe = async (turn: Turn): Promise<void> => {
    await r.subs.subscribeNews(turn.user);
    // Saying yes is asking for messages again, also after /stop.
    await app.users.setOptOut(turn.user, false);
  };

  app.registry
    .data(optinData)
    .data(newsData)
    // The greeting runs on /start and for someone new, whatever their first words (a Zalo user who
    // writes to the OA without following it never sends /start).
    .action('reminders.offerNews', (turn) => offer(turn))
    // Registering happens once, and now the commune is known: asked even after an earlier "no".
    .action('reminders.offerNewsAfterRegistration', async (turn) => {
      await offer(turn, { evenIfDeclined: true });
    })
    .action('reminders.optinHasArea', ['known'], async (turn) => ((await knownArea(turn)) ? 'known' : undefined))
    .action('reminders.findArea', ['none', 'found'], async (turn) => {
      const found = app.areas.search(optinData.read(turn).query ?? '', { limit: AREA_MATCHES });
      if (!found.length) return 'none';
      optinData.update(turn, { matches: found.map((a) => a.id) });
      return 'found';
    })
    .choices('reminders.areaMatches', async (turn) => [
      ...(optinData.read(turn).matches ?? []).flatMap((id) => {
        const a = app.areas.get(id);
        return a ? [{ value: a.id, label: a.fullName }] : [];
      }),
      { value: RETYPE, label: turn.t('reminders.optin.retype') },
    ])
    .action('reminders.setArea', ['retype'], async (turn) => {
      const { area, matches } = optinData.read(turn);
      if (!area || area === RETYPE || !matches?.includes(area)) return 'retype';
      await app.users.setArea(turn.user, area);
      return undefined;
    })
    .action('reminders.subscribeNews', subscribe)
    .action('reminders.unsubscribeNews', async (turn) => {
      await r.subs.unsubscribeNews(turn.user);
    })
    .action('reminders.showNews', async (turn) => {
      const today = vnDate(turn.now());
      const area = (await app.users.get(turn.user))?.area;
      const lines: string[] = [];
      for (const event of await eventsFor(r, area, today)) {
        lines.push(...eventLines(event, await nextDates(r, event, area, today), (k, p) => turn.t(k, p), turn.lang));
      }
      const receiving = await receivesNews(r, turn.user);
      newsData.write(turn, { subscribed: receiving });
      turn.say('reminders.news.overview', { lines: lines.join('\n') });
      turn.say(receiving ? 'reminders.news.receiving' : 'reminders.news.not_receiving');
    })
    // Organisers: the year's Learning Week dates and theme, for the area of their role.
    .validator('reminders.weekEnd', async (value, turn) => {
      const { start } = newsData.read(turn);
      const end = String(value);
      if (!start) return { ok: false, error: 'reminders.week.bad_end' };
      if (end < start) return { ok: false, error: 'reminders.week.end_before_start' };
      if (end > addDays(start, WEEK_MAX_DAYS - 1)) return { ok: false, error: 'reminders.week.too_long', params: { max: WEEK_MAX_DAYS } };
      return { ok: true, value: end };
    })
    .action('reminders.weekPrepare', ['incomplete'], async (turn) => {
      const { start, end, theme: typed } = newsData.read(turn);
      const event = r.events.settable();
      if (!start || !end || !event) return 'incomplete';
      const scope = await weekScope(r, turn);
      const theme = typed === NO_THEME ? undefined : typed;
      newsData.update(turn, {
        theme,
        event_name: event.name[turn.lang],
        dates: datesLabel({ start, end }),
        scope_name: scope === EVERYWHERE ? turn.t('reminders.week.everywhere') : (app.areas.get(scope)?.fullName ?? scope),
        theme_line: theme ? turn.t('reminders.news.theme', { theme }) : turn.t('reminders.week.no_theme_line'),
      });
      return undefined;
    })
    .action('reminders.saveWeek', ['incomplete'], async (turn) => {
      const { start, end, theme: typed } = newsData.read(turn);
      const event = r.events.settable();
      if (!start || !end || !event) return 'incomplete';
      const scope = await weekScope(r, turn);
      const theme = typed?.trim() || undefined;
      await r.weeks.set(event.id, scope, { start, end, theme, at: turn.now().getTime() });
      app.log.info({ user: turn.user, event: event.id, scope, start, end }, 'learning week dates set in chat');
      return undefined;
    });

  app.registry
    .command({
      name: NEWS_ON,
      aliases: ['có, nhận tin', 'có nhận tin', 'yes, send news'],
      outcomes: ['ask_area'],
      async run(turn) {
        // Someone whose commune is known (e.g. just registered) is signed up where they are.
        if (!(await knownArea(turn))) return 'ask_area';
        await subscribe(turn);
        turn.say('reminders.optin.subscribed');
        return { reprompt: true } as const;
      },
    })
    .command({
      name: NEWS_OFF,
      aliases: ['không, cảm ơn', 'không cảm ơn', 'no, thanks'],
      async run(turn) {
        await r.subs.unsubscribeNews(turn.user);
        turn.say('reminders.optin.declined');
        return { reprompt: true } as const;
      },
    });
}

/** An organiser sets the dates for the area of their role; an administrator without one, for everywhere. */
async function weekScope(r: Reminders, turn: Turn): Promise<string> {
  return (await r.app.roles.grantOf(turn.user, 'organiser'))?.area ?? EVERYWHERE;
}
