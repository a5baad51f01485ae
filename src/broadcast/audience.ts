import type { App } from '../app/app.js';
import type { ChannelName } from '../core/message.js';
import { LANGUAGES, type Language } from '../i18n/index.js';
import type { UserRecord } from '../users/directory.js';
import type { Audience } from './campaigns.js';

export interface Recipient {
  user: string;
  lang: Language;
}

export interface AudienceCount {
  /** Everyone it reaches, whether or not a message can get to them. */
  found: number;
  /** Among them: people who said /stop, and people who blocked the bot; they are skipped when it is sent. */
  stopped: number;
  blocked: number;
  /** The others, who will get it, by channel. */
  reachable: number;
  channels: Partial<Record<ChannelName, number>>;
  langs: Language[];
}

const PAGE = 500;

/**
 * Who a broadcast reaches, page by page (constant memory whatever the audience): everyone who gave an
 * area inside the chosen ones (citizens), the officers of those areas, or both; kept by language and
 * channel. People who stopped proactive messages or blocked the bot are in the pages: the send skips
 * them and the report counts them. Someone both officer and citizen of the areas may come twice; the
 * send-once mark keeps it to one message.
 */
export async function* audiencePages(app: App, audience: Audience): AsyncGenerator<(Recipient & { record: UserRecord })[]> {
  const areas = new Set<string>();
  for (const id of audience.areas) for (const a of app.areas.subtree(id)) areas.add(a.id);
  for (const area of [...areas].sort()) {
    const sources: AsyncIterable<string[]>[] = [];
    if (audience.role !== 'officers') sources.push(app.users.inAreaPages(area, PAGE));
    if (audience.role !== 'citizens') sources.push(pagesOf(await app.roles.holders('officer', area)));
    for (const source of sources) {
      for await (const page of source) {
        const users = page.filter((u) => audience.channel === 'any' || u.startsWith(`${audience.channel}:`));
        const records = await Promise.all(users.map((u) => app.users.get(u)));
        const out: (Recipient & { record: UserRecord })[] = [];
        records.forEach((record, j) => {
          if (record && (audience.lang === 'any' || record.lang === audience.lang)) out.push({ user: users[j] as string, lang: record.lang, record });
        });
        if (out.length) yield out;
      }
    }
  }
}

async function* pagesOf(list: string[]): AsyncGenerator<string[]> {
  for (let i = 0; i < list.length; i += PAGE) yield list.slice(i, i + PAGE);
}

/** How many a broadcast reaches, and how, read page by page. */
export async function resolveAudience(app: App, audience: Audience): Promise<AudienceCount> {
  const out: AudienceCount = { found: 0, stopped: 0, blocked: 0, reachable: 0, channels: {}, langs: [] };
  const langs = new Set<Language>();
  for await (const page of audiencePages(app, audience)) {
    for (const { record } of page) {
      out.found++;
      langs.add(record.lang);
      if (record.optOut) out.stopped++;
      else if (record.inactive) out.blocked++;
      else {
        out.reachable++;
        out.channels[record.channel] = (out.channels[record.channel] ?? 0) + 1;
      }
    }
  }
  out.langs = LANGUAGES.filter((l) => langs.has(l));
  return out;
}
