import type { App } from '../app/app.js';
import type { ChannelName } from '../core/message.js';
import { LANGUAGES, type Language } from '../i18n/index.js';
import type { Audience } from './campaigns.js';

export interface Recipient {
  user: string;
  lang: Language;
}

export interface AudienceCount {
  recipients: Recipient[];
  /** Among them: people who said /stop, and people who blocked the bot; they are skipped when it is sent. */
  stopped: number;
  blocked: number;
  /** The others, who will get it, by channel. */
  reachable: number;
  channels: Partial<Record<ChannelName, number>>;
  langs: Language[];
}

const CHUNK = 500;

/**
 * Who a broadcast reaches: everyone who gave an area inside the chosen ones (citizens), the officers
 * of those areas, or both; then kept by language and channel. People who stopped proactive messages
 * or blocked the bot stay in the list: the send skips them and the report counts them.
 */
export async function resolveAudience(app: App, audience: Audience): Promise<AudienceCount> {
  const areas = new Set<string>();
  for (const id of audience.areas) for (const a of app.areas.subtree(id)) areas.add(a.id);
  const candidates = new Set<string>();
  for (const area of areas) {
    if (audience.role !== 'officers') for (const u of await app.users.inArea(area)) candidates.add(u);
    if (audience.role !== 'citizens') for (const u of await app.roles.holders('officer', area)) candidates.add(u);
  }
  const users = [...candidates].filter((u) => audience.channel === 'any' || u.startsWith(`${audience.channel}:`)).sort();
  const out: AudienceCount = { recipients: [], stopped: 0, blocked: 0, reachable: 0, channels: {}, langs: [] };
  const langs = new Set<Language>();
  for (let i = 0; i < users.length; i += CHUNK) {
    const chunk = users.slice(i, i + CHUNK);
    const records = await Promise.all(chunk.map((u) => app.users.get(u)));
    records.forEach((rec, j) => {
      if (!rec || (audience.lang !== 'any' && rec.lang !== audience.lang)) return;
      out.recipients.push({ user: chunk[j] as string, lang: rec.lang });
      langs.add(rec.lang);
      if (rec.optOut) out.stopped++;
      else if (rec.inactive) out.blocked++;
      else {
        out.reachable++;
        out.channels[rec.channel] = (out.channels[rec.channel] ?? 0) + 1;
      }
    });
  }
  out.langs = LANGUAGES.filter((l) => langs.has(l));
  return out;
}
