import type { App } from '../app/app.js';
import type { DeliveryOutcome } from '../core/delivery.js';
import { splitUserId } from '../core/message.js';
import { PayloadStore } from './payloads.js';
import type { DeliveryStatus, OutboundMessage } from './types.js';

/** Per-recipient statuses are kept this long for delivery reports. */
export const STATUS_TTL_S = 90 * 86_400;

export type DeliveryResult =
  | { status: Exclude<DeliveryStatus, 'queued' | 'duplicate'>; reason?: string }
  | { status: 'retry'; afterMs: number; reason: string };

/** Counts per status of one campaign. */
export function statsKey(app: App, campaign: string): string {
  return `${app.prefix}out:stats:${campaign}`;
}

/** Each recipient's last status in one campaign: "sent", "blocked:<reason>"... */
export function statusKey(app: App, campaign: string): string {
  return `${app.prefix}out:status:${campaign}`;
}

/**
 * The exactly-once mark of one (key, person). A space, which no person's id holds, comes before the id,
 * so that a person's marks are found by their id alone, whatever the keys hold.
 */
export function onceKey(app: App, key: string, user: string): string {
  return `${app.prefix}out:once:${key} ${user}`;
}

/** Claims (key, user) once; false when it was claimed before (a duplicate). */
export async function claim(app: App, m: OutboundMessage): Promise<boolean> {
  const ok = await app.redis.set(onceKey(app, m.key, m.user), '1', 'EX', STATUS_TTL_S, 'NX');
  return ok === 'OK';
}

/** A literal for a Redis MATCH pattern. */
function globLiteral(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * The keys of every message the outbound path holds a send-once mark of for this person (90 days of
 * reminders, news, broadcasts and notices). It scans the keyspace: fine for what a person asks now
 * and then (/mydata, /deletedata), and it costs nothing per message sent.
 */
async function keysSentTo(app: App, user: string): Promise<string[]> {
  const head = `${app.prefix}out:once:`;
  const tail = ` ${user}`;
  const keys: string[] = [];
  for await (const page of app.redis.scanStream({ match: `${globLiteral(head)}*${globLiteral(tail)}`, count: 1_000 }))
    for (const k of page as string[]) keys.push(k.slice(head.length, -tail.length));
  return keys;
}

/** How many messages the outbound path keeps a record of for this person, for /mydata. */
export async function messagesSentTo(app: App, user: string): Promise<number> {
  return (await keysSentTo(app, user)).length;
}

/**
 * Forgets a person everywhere the outbound path names them: each message still waiting for them, its
 * send-once mark, what a notice to them said, and their line in every delivery report (the counts,
 * which name no one, stay).
 */
export async function forgetPerson(app: App, user: string): Promise<void> {
  const keys = await keysSentTo(app, user);
  // The jobs first: one still waiting would otherwise be tried and write the person's status back.
  await app.outbound.forget?.(user, keys);
  if (keys.length) {
    await app.redis.del(...keys.map((key) => onceKey(app, key, user)));
    await new PayloadStore(app, app.redis).forgetPersonal(keys.map((key) => ({ key, user })));
  }
  for await (const page of app.redis.scanStream({ match: `${globLiteral(app.prefix)}out:status:*`, count: 1_000 })) {
    const reports = page as string[];
    if (reports.length) await reports.reduce((p, report) => p.hdel(report, user), app.redis.pipeline()).exec();
  }
}

/**
 * Forgets the messages to anyone whose send-once key starts with `keyPrefix` (the officers' notices
 * about a file, whose keys carry its id): their marks, what they said, and their jobs and queue events.
 * For erasing the person the messages were about.
 */
export async function forgetMessagesAbout(app: App, keyPrefix: string): Promise<void> {
  const head = `${app.prefix}out:once:`;
  const byUser = new Map<string, string[]>();
  for await (const page of app.redis.scanStream({ match: `${globLiteral(head + keyPrefix)}*`, count: 1_000 }))
    for (const mark of page as string[]) {
      const rest = mark.slice(head.length);
      const space = rest.lastIndexOf(' ');
      if (space > 0) byUser.set(rest.slice(space + 1), [...(byUser.get(rest.slice(space + 1)) ?? []), rest.slice(0, space)]);
    }
  const payloads = new PayloadStore(app, app.redis);
  for (const [user, keys] of byUser) {
    await app.outbound.forget?.(user, keys);
    await app.redis.del(...keys.map((key) => onceKey(app, key, user)));
    await payloads.forgetPersonal(keys.map((key) => ({ key, user })));
  }
}

/** Records a final (or queued) status for the delivery report. */
export async function record(app: App, m: Pick<OutboundMessage, 'campaign' | 'user'>, status: DeliveryStatus, reason?: string): Promise<void> {
  await app.redis
    .multi()
    .hincrby(statsKey(app, m.campaign), status, 1)
    .expire(statsKey(app, m.campaign), STATUS_TTL_S)
    .hset(statusKey(app, m.campaign), m.user, reason ? `${status}:${reason}` : status)
    .expire(statusKey(app, m.campaign), STATUS_TTL_S)
    .exec();
}

/** Counts per status for a campaign (queued counts everything accepted). */
export async function campaignStats(app: App, campaign: string): Promise<Record<string, number>> {
  const raw = await app.redis.hgetall(statsKey(app, campaign));
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
}

/** The statuses a delivery report shows, in the order it shows them. */
export const REPORT_STATUSES = ['queued', 'sent', 'failed', 'blocked', 'opted_out', 'undeliverable'] as const;

/** Every status of a report with its count, zero where nothing had it. */
export function reportCounts(stats: Record<string, number>): Record<(typeof REPORT_STATUSES)[number], number> {
  return Object.fromEntries(REPORT_STATUSES.map((s) => [s, stats[s] ?? 0])) as Record<(typeof REPORT_STATUSES)[number], number>;
}

/** Every recipient of a campaign with their status and its reason, in pages (kept 90 days). */
export async function* campaignStatuses(app: App, campaign: string): AsyncGenerator<{ user: string; status: string; reason?: string }[]> {
  let cursor = '0';
  do {
    const [next, flat] = await app.redis.hscan(statusKey(app, campaign), cursor, 'COUNT', 500);
    cursor = next;
    const page: { user: string; status: string; reason?: string }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const value = flat[i + 1] as string;
      const at = value.indexOf(':');
      page.push(at < 0 ? { user: flat[i] as string, status: value } : { user: flat[i] as string, status: value.slice(0, at), reason: value.slice(at + 1) });
    }
    if (page.length) yield page;
  } while (cursor !== '0');
}

export interface DeliverHooks {
  /**
   * Runs after the checks and right before the platform call, so that only real sends wait for a
   * rate-limit slot; whatever it throws leaves deliverOne unchanged (nothing was sent).
   */
  beforeSend?(): Promise<void>;
  /** Told synchronously as soon as the platform call has been made (rate windows stamp it). */
  called?(): void;
}

/**
 * Sends one message now, checking at send time what may have changed since it was queued: the person
 * said /stop (which spares notices), blocked the bot, or is on a channel this bot does not run. A 403 marks them inactive.
 */
export async function deliverOne(app: App, m: OutboundMessage, hooks: DeliverHooks = {}): Promise<DeliveryResult> {
  const person = await app.users.get(m.user);
  if (!person) return { status: 'undeliverable', reason: 'unknown_user' };
  // /stop is about what the bot sends unasked; a notice answers something the person did (their file's result).
  if (person.optOut && m.kind !== 'notice') return { status: 'opted_out' };
  if (person.inactive) return { status: 'blocked', reason: person.inactive };
  const { channel, nativeId } = splitUserId(m.user);
  const sender = app.senders.get(channel);
  if (!sender) return { status: 'undeliverable', reason: `no_${channel}_channel` };
  await hooks.beforeSend?.();
  let outcome: DeliveryOutcome;
  try {
    const call = sender.send(nativeId, m.replies, m.template ? { template: m.template } : undefined);
    hooks.called?.();
    outcome = await call;
  } catch (err) {
    outcome = { status: 'failed', reason: err instanceof Error ? err.message : String(err), transient: true };
  }
  switch (outcome.status) {
    case 'sent':
      return { status: 'sent' };
    case 'blocked':
      await app.users.markInactive(m.user, outcome.reason);
      return { status: 'blocked', reason: outcome.reason };
    case 'retry':
      return { status: 'retry', afterMs: outcome.afterMs, reason: outcome.reason };
    case 'undeliverable':
      return { status: 'undeliverable', reason: outcome.reason };
    case 'failed':
      return outcome.transient ? { status: 'retry', afterMs: 0, reason: outcome.reason } : { status: 'failed', reason: outcome.reason };
  }
}
