import { z } from 'zod';
import type { App } from '../app/app.js';
import { tryParseJson } from '../core/json.js';
import { BUCKETS, bucketOf, personTag } from '../store/keys.js';
import type { ChannelSender, DeliveryOutcome } from '../core/delivery.js';
import { splitUserId } from '../core/message.js';
import { PayloadStore } from './payloads.js';
import type { DeliveryStatus, OutboundMessage } from './types.js';

/** Per-recipient statuses are kept this long for delivery reports. */
export const STATUS_TTL_S = 90 * 86_400;

/** A result that nothing more changes: the message's line in the report. */
export type FinalResult = { status: Exclude<DeliveryStatus, 'queued' | 'duplicate'>; reason?: string };

export type DeliveryResult = FinalResult | { status: 'retry'; afterMs: number; reason: string };

type Ledgered = Pick<OutboundMessage, 'campaign' | 'key' | 'user'>;

/**
 * A campaign's ledger is spread over buckets by recipient: a recipient's send-once mark, the bucket's
 * counts and the bucket's statuses share one slot (one atomic script on a cluster), and a report sums
 * the buckets. No key holds a whole campaign of millions.
 */
function ledgerTag(campaign: string, bucket: number): string {
  return `{c:${campaign}:${bucket}}`;
}

/** Counts per status of one bucket of a campaign. */
export function statsKey(app: App, campaign: string, bucket: number): string {
  return `${app.prefix}out:stats:${ledgerTag(campaign, bucket)}`;
}

/** Each recipient's last status in one bucket of a campaign: "sent", "blocked:<reason>"... */
export function statusKey(app: App, campaign: string, bucket: number): string {
  return `${app.prefix}out:status:${ledgerTag(campaign, bucket)}`;
}

/** The exactly-once mark of one (key, person), in the slot of the person's bucket of the campaign. */
export function onceKey(app: App, m: Ledgered): string {
  return `${app.prefix}out:once:${ledgerTag(m.campaign, bucketOf(m.user))}:${m.key} ${m.user}`;
}

/** The ledger keys of one message: its mark, then its bucket's counts and statuses. */
export function ledgerKeys(app: App, m: Ledgered): [string, string, string] {
  const bucket = bucketOf(m.user);
  return [onceKey(app, m), statsKey(app, m.campaign, bucket), statusKey(app, m.campaign, bucket)];
}

/**
 * The person's own index of their delivery marks (campaign and key of each), in their slot: /mydata and
 * /deletedata read it instead of searching the keyspace. Written before the mark, so none escapes it.
 */
function marksKey(app: App, user: string): string {
  return `${app.prefix}out:marks:${personTag(user)}`;
}

export async function noteMark(app: App, m: Ledgered, redis = app.redis): Promise<void> {
  const key = marksKey(app, m.user);
  await Promise.all([redis.sadd(key, JSON.stringify([m.campaign, m.key])), redis.expire(key, STATUS_TTL_S)]);
}

/** Claims (key, user) once; false when it was claimed before (a duplicate). */
export async function claim(app: App, m: OutboundMessage): Promise<boolean> {
  await noteMark(app, m);
  const ok = await app.redis.set(onceKey(app, m), '1', 'EX', STATUS_TTL_S, 'NX');
  return ok === 'OK';
}

/** [campaign, key]; [campaign] alone for a report line without a mark (moved by `npm run admin -- migrate`). */
const markSchema = z.union([z.tuple([z.string(), z.string()]), z.tuple([z.string()])]);

/** The person's entries in delivery reports and their send-once marks (90 days), from their index. */
async function marksOf(app: App, user: string): Promise<{ campaign: string; key?: string; user: string }[]> {
  const raw = await app.redis.smembers(marksKey(app, user));
  return raw.flatMap((entry) => {
    const parsed = markSchema.safeParse(tryParseJson(entry));
    return parsed.success ? [{ campaign: parsed.data[0], key: parsed.data[1], user }] : [];
  });
}

function withKey<T extends { key?: string }>(m: T): m is T & { key: string } {
  return m.key !== undefined;
}

/** How many messages the outbound path keeps a record of for this person, for /mydata. */
export async function messagesSentTo(app: App, user: string): Promise<number> {
  const marks = (await marksOf(app, user)).filter(withKey);
  const live = await Promise.all(marks.map((m) => app.redis.exists(onceKey(app, m))));
  return live.filter((n) => n === 1).length;
}

/**
 * Forgets a person everywhere the outbound path names them: each message still waiting for them, its
 * send-once mark, what a notice to them said, and their line in the delivery reports (the counts,
 * which name no one, stay).
 */
export async function forgetPerson(app: App, user: string): Promise<void> {
  const marks = await marksOf(app, user);
  // The jobs first: one still waiting would otherwise be tried and write the person's status back.
  await app.outbound.forget?.(user, marks.filter(withKey).map((m) => m.key));
  const bucket = bucketOf(user);
  await Promise.all(marks.flatMap((m) => [withKey(m) ? app.redis.del(onceKey(app, m)) : undefined, app.redis.hdel(statusKey(app, m.campaign, bucket), user)]));
  await new PayloadStore(app, app.redis).forgetPersonal(marks.filter(withKey));
  await app.redis.del(marksKey(app, user));
}

/**
 * The index of the messages sent to others about one person (the officers' notices about their file,
 * whose keys carry its id), in that person's slot: their erasure reads it instead of searching the
 * keyspace. Written before the messages are queued, so none escapes it.
 */
function aboutKey(app: App, subject: string): string {
  return `${app.prefix}out:about:${personTag(subject)}`;
}

const aboutSchema = z.tuple([z.string(), z.string(), z.string()]);

/** Notes that these messages are about `subject`, so that erasing the subject finds them. */
export async function noteMessagesAbout(app: App, subject: string, messages: Ledgered[]): Promise<void> {
  if (!messages.length) return;
  const key = aboutKey(app, subject);
  await app.redis.sadd(key, ...messages.map((m) => JSON.stringify([m.campaign, m.key, m.user])));
  await app.redis.expire(key, STATUS_TTL_S);
}

/**
 * Forgets the messages about `subject` whose send-once key starts with `keyPrefix` (the officers'
 * notices about a file): their marks, what they said, and their jobs and queue events. For erasing
 * the person the messages were about. One key per command: the recipients live in other slots.
 */
export async function forgetMessagesAbout(app: App, subject: string, keyPrefix: string): Promise<void> {
  const about = aboutKey(app, subject);
  const entries = (await app.redis.smembers(about)).flatMap((raw) => {
    const parsed = aboutSchema.safeParse(tryParseJson(raw));
    return parsed.success && parsed.data[1].startsWith(keyPrefix) ? [{ raw, campaign: parsed.data[0], key: parsed.data[1], user: parsed.data[2] }] : [];
  });
  const byUser = new Map<string, typeof entries>();
  for (const e of entries) byUser.set(e.user, [...(byUser.get(e.user) ?? []), e]);
  const payloads = new PayloadStore(app, app.redis);
  for (const [user, messages] of byUser) {
    await app.outbound.forget?.(user, messages.map((m) => m.key));
    await Promise.all(messages.map((m) => app.redis.del(onceKey(app, m))));
    await app.redis.srem(marksKey(app, user), ...messages.map((m) => JSON.stringify([m.campaign, m.key])));
    await payloads.forgetPersonal(messages);
  }
  if (entries.length) await app.redis.srem(about, ...entries.map((e) => e.raw));
}

/** Records a final (or queued) status for the delivery report. */
export async function record(app: App, m: Pick<OutboundMessage, 'campaign' | 'user'>, status: DeliveryStatus, reason?: string): Promise<void> {
  const bucket = bucketOf(m.user);
  const [stats, statuses] = [statsKey(app, m.campaign, bucket), statusKey(app, m.campaign, bucket)];
  await app.redis
    .multi()
    .hincrby(stats, status, 1)
    .expire(stats, STATUS_TTL_S)
    .hset(statuses, m.user, reason ? `${status}:${reason}` : status)
    .expire(statuses, STATUS_TTL_S)
    .exec();
}

/** One recipient's status in a campaign's report ("sent", "blocked:<reason>"...), or null. */
export async function statusOf(app: App, campaign: string, user: string): Promise<string | null> {
  return app.redis.hget(statusKey(app, campaign, bucketOf(user)), user);
}

/** Counts per status for a campaign (queued counts everything accepted). */
export async function campaignStats(app: App, campaign: string): Promise<Record<string, number>> {
  const buckets = await Promise.all(Array.from({ length: BUCKETS }, (_, b) => app.redis.hgetall(statsKey(app, campaign, b))));
  const out: Record<string, number> = {};
  for (const raw of buckets) for (const [k, v] of Object.entries(raw)) out[k] = (out[k] ?? 0) + Number(v);
  return out;
}

/** The statuses a delivery report shows, in the order it shows them. */
export const REPORT_STATUSES = ['queued', 'sent', 'failed', 'blocked', 'opted_out', 'undeliverable'] as const;

/** Every status of a report with its count, zero where nothing had it. */
export function reportCounts(stats: Record<string, number>): Record<(typeof REPORT_STATUSES)[number], number> {
  return Object.fromEntries(REPORT_STATUSES.map((s) => [s, stats[s] ?? 0])) as Record<(typeof REPORT_STATUSES)[number], number>;
}

/** Every recipient of a campaign with their status and its reason, in pages (kept 90 days). */
export async function* campaignStatuses(app: App, campaign: string): AsyncGenerator<{ user: string; status: string; reason?: string }[]> {
  for (let bucket = 0; bucket < BUCKETS; bucket++) yield* bucketStatuses(app, statusKey(app, campaign, bucket));
}

async function* bucketStatuses(app: App, key: string): AsyncGenerator<{ user: string; status: string; reason?: string }[]> {
  let cursor = '0';
  do {
    const [next, flat] = await app.redis.hscan(key, cursor, 'COUNT', 500);
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

/** Where a message goes once the checks let it: the channel's sender and the person's id on it. */
export interface Recipient {
  sender: ChannelSender;
  nativeId: string;
}

/**
 * The checks at send time of what may have changed since the message was queued: the person said
 * /stop (which spares notices), blocked the bot, or is on a channel this bot does not run. Returns
 * where to send it, or the message's final result without sending.
 */
export async function recipientOf(app: App, m: OutboundMessage): Promise<Recipient | FinalResult> {
  const person = await app.users.get(m.user);
  if (!person) return { status: 'undeliverable', reason: 'unknown_user' };
  // /stop is about what the bot sends unasked; a notice answers something the person did (their file's result).
  if (person.optOut && m.kind !== 'notice') return { status: 'opted_out' };
  if (person.inactive) return { status: 'blocked', reason: person.inactive };
  const { channel, nativeId } = splitUserId(m.user);
  const sender = app.senders.get(channel);
  if (!sender) return { status: 'undeliverable', reason: `no_${channel}_channel` };
  return { sender, nativeId };
}

/**
 * Makes the platform call; `called` is told synchronously as soon as it has been made (a rate log
 * stamps it). A 403 marks the person inactive.
 */
export async function sendTo(app: App, m: OutboundMessage, to: Recipient, called?: () => void): Promise<DeliveryResult> {
  let outcome: DeliveryOutcome;
  try {
    const call = to.sender.send(to.nativeId, m.replies, m.template ? { template: m.template } : undefined);
    called?.();
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

/** Checks and sends one message now (the in-process sender; the durable worker takes a send slot in between). */
export async function deliverOne(app: App, m: OutboundMessage): Promise<DeliveryResult> {
  const to = await recipientOf(app, m);
  return 'status' in to ? to : sendTo(app, m, to);
}
