import type { App } from '../app/app.js';
import { formatVnDateTime, vnDateTime } from '../core/clock.js';
import type { Reply } from '../core/message.js';
import type { Language } from '../i18n/index.js';
import { campaignStats, REPORT_STATUSES, reportCounts } from '../outbound/deliver.js';
import type { OutboundMessage } from '../outbound/types.js';
import { audiencePages } from './audience.js';
import { audienceSchema, CampaignStore, contentSchema, type Audience, type Campaign, type Content, type Sender } from './campaigns.js';
import { areaNames, commonArea, renderBroadcast } from './message.js';

/** Who may send where: administrators everywhere, an organiser inside the area of their role. */
export type Scope = { everywhere: true } | { everywhere: false; area: string };

export type Refusal = 'not_organiser' | 'invalid' | 'unknown_area' | 'outside_area' | 'past';

/** How long a starting broadcast is held by the instance queueing it before another may take it over. */
const LEASE_MS = 2 * 60_000;
const TICK_MS = 5_000;
/** The organisers' "your broadcast is done" notices have their own delivery report. */
export const REPORT_CAMPAIGN = 'broadcast-reports';
const FINAL = ['sent', 'failed', 'blocked', 'opted_out', 'undeliverable'] as const;

/** The report's lines, in the order the organiser reads them (queued and sent always, the rest when not 0). */
const REPORT_ORDER = ['queued', 'sent', 'opted_out', 'blocked', 'undeliverable', 'failed'] as const satisfies readonly (typeof REPORT_STATUSES)[number][];

export const outboundKey = (id: string) => `bc:${id}`;

/** "2026-10-01T08:00+07:00": the time as people in Viet Nam read it, unambiguous for machines. */
export function vnIso(ms: number): string {
  return `${vnDateTime(new Date(ms)).replace(' ', 'T')}+07:00`;
}

/**
 * Broadcasts: created by organisers for their own area, kept as a durable log, started when their time
 * comes by whichever instance claims them first, fanned out through the outbound queue (which checks
 * opt-out and blocks at send time and counts each outcome), and reported to their organiser when done.
 */
export class Broadcasts {
  readonly store: CampaignStore;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private failing = false;

  constructor(private readonly app: App) {
    this.store = new CampaignStore(app.redis, app.prefix);
  }

  async scopeOf(user: string): Promise<Scope | undefined> {
    if (this.app.roles.isAdmin(user)) return { everywhere: true };
    const grant = await this.app.roles.grantOf(user, 'organiser');
    return grant ? { everywhere: false, area: grant.area } : undefined;
  }

  /** The areas this scope may send to, as the whole choice: the organiser's own area, or every province. */
  wholeScope(scope: Scope): string[] {
    return scope.everywhere ? this.app.areas.roots().map((a) => a.id) : [scope.area];
  }

  /**
   * In whose name a broadcast to `audience` goes out: the organiser's area (and unit, if their invite
   * named one); for an administrator sending outside any role of theirs, the area the audience shares.
   */
  async senderFor(user: string, audience: Audience): Promise<Sender> {
    const grant = await this.app.roles.grantOf(user, 'organiser');
    if (grant && audience.areas.every((a) => this.app.areas.isWithin(a, grant.area))) return { area: grant.area, ...(grant.unit ? { unit: grant.unit } : {}) };
    const area = commonArea(this.app, audience.areas);
    return area ? { area } : {};
  }

  /** The first area that does not exist or lies outside the scope. */
  firstOutside(scope: Scope, areas: string[]): { area: string; reason: 'unknown_area' | 'outside_area' } | undefined {
    for (const area of areas) {
      if (!this.app.areas.get(area)) return { area, reason: 'unknown_area' };
      if (!scope.everywhere && !this.app.areas.isWithin(area, scope.area)) return { area, reason: 'outside_area' };
    }
    return undefined;
  }

  async create(
    by: string,
    draft: { audience: Audience; content: Content; at: number },
  ): Promise<{ ok: true; campaign: Campaign } | { ok: false; reason: Refusal; area?: string }> {
    const scope = await this.scopeOf(by);
    if (!scope) return { ok: false, reason: 'not_organiser' };
    const audience = audienceSchema.safeParse(draft.audience);
    const content = contentSchema.safeParse(draft.content);
    if (!audience.success || !content.success) return { ok: false, reason: 'invalid' };
    const outside = this.firstOutside(scope, audience.data.areas);
    if (outside) return { ok: false, ...outside };
    const now = this.app.clock.now().getTime();
    if (draft.at < now - 60_000) return { ok: false, reason: 'past' };
    const campaign = await this.store.create({
      id: CampaignStore.newId(new Date(now)),
      by,
      createdAt: now,
      at: Math.max(draft.at, now),
      audience: audience.data,
      content: content.data,
      sender: await this.senderFor(by, audience.data),
    });
    this.app.log.info({ broadcast: campaign.id, by, at: vnIso(campaign.at), audience: campaign.audience, content: campaign.content }, 'broadcast created');
    // "Send now" does not wait for the next tick.
    if (campaign.at <= now) void this.tick();
    return { ok: true, campaign };
  }

  async cancel(id: string, by: string): Promise<'cancelled' | 'not_found' | 'not_yours' | 'not_scheduled'> {
    const c = await this.store.get(id);
    if (!c) return 'not_found';
    if (c.by !== by && !this.app.roles.isAdmin(by)) return 'not_yours';
    const result = await this.store.cancel(id, by, this.app.clock.now().getTime());
    if (result !== 'OK') return 'not_scheduled';
    this.app.log.info({ broadcast: id, by }, 'broadcast cancelled');
    return 'cancelled';
  }

  /** Starts due broadcasts and reports finished ones; runs every few seconds while the bot runs. */
  tick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.work();
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async work(): Promise<void> {
    try {
      await this.due();
      if (this.failing) this.app.log.info('broadcast scheduler working again');
      this.failing = false;
    } catch (err) {
      // Once per outage, not at every tick.
      if (!this.failing) this.app.log.error({ err }, 'broadcast scheduler failed; trying again at every tick');
      this.failing = true;
    }
  }

  private async due(): Promise<void> {
    const now = this.app.clock.now().getTime();
    for (const id of await this.store.claimDue(now, now + LEASE_MS)) {
      await this.fire(id).catch((err: unknown) => this.app.log.error({ err, broadcast: id }, 'broadcast could not be queued; it will be tried again'));
    }
    for (const id of await this.store.sending()) {
      await this.finishIfDone(id).catch((err: unknown) => this.app.log.error({ err, broadcast: id }, 'broadcast report failed'));
    }
  }

  /** Queues one message per recipient; queueing again after a crash adds nothing already queued. */
  private async fire(id: string): Promise<void> {
    const c = await this.store.get(id);
    if (!c) return;
    const now = () => this.app.clock.now().getTime();
    // The organiser may have lost the role, or been moved to another area, since it was scheduled.
    const scope = await this.scopeOf(c.by);
    if (!scope || this.firstOutside(scope, c.audience.areas)) {
      await this.store.cancel(id, 'system', now(), { reason: 'organiser_not_allowed', from: 'sending' });
      this.app.log.warn({ broadcast: id, by: c.by }, 'broadcast stopped: its organiser may no longer send to this area');
      return;
    }
    const replies = new Map<Language, Reply>();
    let recipients = 0;
    // Page by page: memory stays the same for a commune or for the country.
    for await (const page of audiencePages(this.app, c.audience)) {
      for (const lang of new Set(page.map((r) => r.lang))) if (!replies.has(lang)) replies.set(lang, await renderBroadcast(this.app, lang, c));
      const messages: OutboundMessage[] = page.map((r) => ({ user: r.user, campaign: c.id, key: outboundKey(c.id), kind: 'broadcast', replies: [replies.get(r.lang) as Reply] }));
      await this.app.outbound.enqueue(messages);
      recipients += messages.length;
      await this.store.extendLease(id, now() + LEASE_MS);
    }
    await this.store.enqueued(id, recipients, now());
    this.app.log.info({ broadcast: id, recipients }, 'broadcast queued');
  }

  private async finishIfDone(id: string): Promise<void> {
    const stats = await campaignStats(this.app, id);
    const finished = FINAL.reduce((sum, s) => sum + (stats[s] ?? 0), 0);
    if (finished < (stats.queued ?? 0)) return;
    const c = await this.store.get(id);
    if (c?.status !== 'sending') return;
    // The report is queued before the broadcast is marked done: if queueing fails or the instance dies in
    // between, the next tick queues it again (its key lets it out once) instead of losing it.
    const lang = (await this.app.users.get(c.by))?.lang ?? 'vi';
    await this.app.outbound.enqueue([
      { user: c.by, campaign: REPORT_CAMPAIGN, key: `bc-report:${id}`, kind: 'notice', replies: [{ text: this.reportText(lang, c, stats) }] },
    ]);
    if (await this.store.complete(id, this.app.clock.now().getTime())) this.app.log.info({ broadcast: id, ...stats }, 'broadcast done');
  }

  /** The delivery report in words, for the organiser: how many it reached, and only the problems there were. */
  private reportText(lang: Language, c: Campaign, stats: Record<string, number>): string {
    const t = this.app.i18n.for(lang);
    const counts = reportCounts(stats);
    const lines = [t('broadcast.report.title', { id: c.id, when: formatVnDateTime(new Date(c.at)), area: areaNames(this.app, lang, c.audience.areas) })];
    for (const s of REPORT_ORDER) if (counts[s] || s === 'queued' || s === 'sent') lines.push(t(`broadcast.report.${s}`, { n: counts[s] }));
    return lines.join('\n');
  }

  async report(id: string): Promise<{ campaign: Campaign; stats: Record<string, number> } | undefined> {
    const campaign = await this.store.get(id);
    return campaign && { campaign, stats: await campaignStats(this.app, id) };
  }
}
