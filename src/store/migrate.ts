import type { App } from '../app/app.js';
import { onceKey } from '../outbound/deliver.js';
import { tryParseJson } from '../core/json.js';
import { activityOfRow, activityRow, activitySchema } from '../learning/records.js';
import { LearningStore } from '../learning/store.js';
import { DEFAULT_LANGUAGE } from '../i18n/index.js';
import { RECORD_NAMES } from '../users/directory.js';
import { bucketOf, personTag } from './keys.js';
import type { Redis } from './redis.js';
import { scanKeys } from './scan.js';

/**
 * `npm run admin -- migrate`: moves data written by the versions before cluster support (keys named
 * `<p>s:<user>`, one `<p>users` set, one status hash per campaign...) to the key design of the README.
 * Each key is copied with DUMP/RESTORE (which works across nodes of a cluster) and then deleted, so the
 * command is idempotent and resumable: a run that stops half-way leaves old keys that the next run moves,
 * and a key the new code wrote meanwhile wins over the old copy.
 */

const glob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

/** A person's id at the start of `rest` ("telegram:123" or "telegram:123:2026"), when it is one. */
const USER = /^((?:web|telegram|zalo):[^\s:{}][^\s{}]*)$/;
const USER_AND_YEAR = /^((?:web|telegram|zalo):[^\s{}]+):(\d{4})$/;

interface Rename {
  /** The old keys' name after the prefix, up to the person: "s:", "lc:file:"... */
  head: string;
  /** The new name of `rest` (what follows the head), or undefined to leave the key alone. */
  to(rest: string): string | undefined;
}

const person = (newHead: string): Rename['to'] => (rest) => (USER.test(rest) ? `${newHead}${personTag(rest)}` : undefined);
const personYear = (newHead: string): Rename['to'] => (rest) => {
  const m = USER_AND_YEAR.exec(rest);
  return m ? `${newHead}${personTag(m[1] as string)}:${m[2]}` : undefined;
};

const RENAMES: Rename[] = [
  { head: 's:', to: person('s:') },
  { head: 'u:', to: person('u:') },
  { head: 'roles:', to: person('roles:') },
  { head: 'join-attempts:', to: person('join-attempts:') },
  { head: 'lc:consent:', to: person('lc:consent:') },
  { head: 'lc:profile:', to: person('lc:profile:') },
  { head: 'lc:years:', to: person('lc:years:') },
  { head: 'lc:refs:', to: person('lc:refs:') },
  { head: 'lc:file:', to: personYear('lc:file:') },
  { head: 'lc:acts:', to: personYear('lc:acts:') },
  { head: 'rem:sub:', to: person('rem:sub:') },
  { head: 'rem:recent:', to: person('rem:recent:') },
  { head: 'rem:cal-of:', to: person('rem:cal-of:') },
  { head: 'web:hist:', to: person('web:hist:') },
  { head: 'web:files:', to: person('web:files:') },
  { head: 'bc:', to: (rest) => `{bc}:${rest}` },
  // "<occurrence>:<kind>|<area>": neither kind nor area holds a ":".
  {
    head: 'rem:done:',
    to: (rest) => {
      const at = rest.lastIndexOf(':');
      return at > 0 && rest.slice(at + 1).includes('|') ? `rem:done:${rest.slice(0, at)}:{${rest.slice(at + 1)}}` : undefined;
    },
  },
];

export interface MigrationReport {
  moved: number;
  /** Old keys dropped because the new code had already written the new one, or they are short-lived locks. */
  dropped: number;
}

/** Copies a key to its new name with its TTL and deletes the old one; a new key already there wins. */
async function move(redis: Redis, from: string, to: string): Promise<'moved' | 'dropped' | 'gone'> {
  const [dump, ttl] = await Promise.all([redis.dumpBuffer(from), redis.pttl(from)]);
  if (!dump) return 'gone';
  const restored = await redis.restore(to, ttl > 0 ? ttl : 0, dump).then(
    () => true,
    (err: Error) => {
      if (/BUSYKEY/.test(err.message)) return false;
      throw err;
    },
  );
  await redis.del(from);
  return restored ? 'moved' : 'dropped';
}

export async function migrate(app: App, progress: (line: string) => void): Promise<MigrationReport> {
  const { redis, prefix: p } = app;
  const report: MigrationReport = { moved: 0, dropped: 0 };
  const count = (r: 'moved' | 'dropped' | 'gone') => {
    if (r !== 'gone') report[r]++;
  };

  for (const rule of RENAMES) {
    for await (const page of scanKeys(redis, `${glob(p + rule.head)}*`)) {
      for (const key of page) {
        const to = rule.to(key.slice(p.length + rule.head.length));
        if (to && !key.includes('{')) count(await move(redis, key, `${p}${to}`));
      }
    }
    progress(`${rule.head}* done`);
  }
  // A year's activities were a hash of JSON objects (field names in every one): now one array of rows.
  for await (const page of scanKeys(redis, `${glob(p)}lc:acts:*`)) {
    for (const key of page) {
      const m = /^lc:acts:(\{u:[^}]+\}):(\d{4})$/.exec(key.slice(p.length));
      if (m) count(await compactActivities(redis, key, `${p}lc:a:${m[1]}:${m[2]}`));
    }
  }
  // Rows of the array written before (date "yyyy-mm-dd", times in milliseconds, a link as ["l", url]): now shorter.
  for await (const page of scanKeys(redis, `${glob(p)}lc:a:*`)) {
    for (const key of page) {
      const m = /^lc:a:\{u:[^}]+\}:(\d{4})$/.exec(key.slice(p.length));
      if (m && (await shortenRows(redis, key, Number(m[1])))) report.moved++;
    }
  }
  // A person's references to shared keys were a set of full key names: now fields of the person's hash, their names after `lc:`.
  for await (const page of scanKeys(redis, `${glob(p)}lc:refs:*`)) {
    for (const key of page) {
      const m = /^lc:refs:(\{u:[^}]+\})$/.exec(key.slice(p.length));
      if (!m) continue;
      const refs = (await redis.smembers(key)).filter((ref) => ref.startsWith(`${p}lc:`));
      if (refs.length) await redis.hset(`${p}u:${m[1]}`, Object.fromEntries(refs.map((ref) => [ref.slice(`${p}lc:`.length), ''])));
      await redis.del(key);
      report.moved++;
    }
  }
  // So were the years a person has files for: now `y:<year>` in the same hash.
  for await (const page of scanKeys(redis, `${glob(p)}lc:years:*`)) {
    for (const key of page) {
      const m = /^lc:years:(\{u:[^}]+\})$/.exec(key.slice(p.length));
      if (!m) continue;
      const years = await redis.smembers(key);
      if (years.length) await redis.hset(`${p}u:${m[1]}`, Object.fromEntries(years.map((y) => [`y:${y}`, ''])));
      await redis.del(key);
      report.moved++;
    }
  }
  // So was the profile: now short fields of the same hash.
  const learning = new LearningStore(redis, p, app.clock, app.log, app.areas);
  for await (const page of scanKeys(redis, `${glob(p)}lc:profile:{u:*`)) {
    for (const key of page) {
      const m = /^lc:profile:\{u:([^}]+)\}$/.exec(key.slice(p.length));
      if (m && (await learning.moveProfile(m[1] as string))) report.moved++;
    }
  }
  // The user directory's record had long field names and always a language: now short names, and the
  // default language left out (what the new code wrote wins).
  const lang = RECORD_NAMES.lang as string;
  for await (const page of scanKeys(redis, `${glob(p)}u:{u:*`)) {
    for (const key of page) {
      const record = await redis.hgetall(key);
      const long = Object.entries(RECORD_NAMES).filter(([name]) => record[name] !== undefined);
      const language = record[lang] ?? record.lang;
      if (!long.length && language !== DEFAULT_LANGUAGE) continue;
      await Promise.all(long.map(([name, short]) => (short === lang && language === DEFAULT_LANGUAGE ? undefined : redis.hsetnx(key, short, record[name] as string))));
      await redis.hdel(key, ...long.map(([name]) => name), ...(language === DEFAULT_LANGUAGE ? [lang] : []));
      report.moved++;
    }
  }
  // The learning fields had a hash of their own (`lc:r:`): now the person's hash (what the new code wrote wins).
  for await (const page of scanKeys(redis, `${glob(p)}lc:r:{u:*`)) {
    for (const key of page) {
      const m = /^lc:r:(\{u:[^}]+\})$/.exec(key.slice(p.length));
      if (!m) continue;
      const fields = await redis.hgetall(key);
      await Promise.all(Object.entries(fields).map(([f, v]) => redis.hsetnx(`${p}u:${m[1]}`, f, v)));
      await redis.del(key);
      report.moved++;
    }
  }
  // The consent was a key of its own, then short JSON in the hash: now a shorter line there (one in the hash wins).
  for (const pattern of ['lc:consent:{u:*', 'u:{u:*']) {
    for await (const page of scanKeys(redis, `${glob(p)}${pattern}`)) {
      for (const key of page) {
        const m = /^(?:lc:consent|u):\{u:([^}]+)\}$/.exec(key.slice(p.length));
        if (m && (await learning.consentAgain(m[1] as string))) report.moved++;
      }
    }
  }
  // A file as registered was JSON in a key of its own: now a line in the person's hash (see compactFile).
  for await (const page of scanKeys(redis, `${glob(p)}lc:file:{u:*`)) {
    for (const key of page) {
      const m = /^lc:file:\{u:([^}]+)\}:(\d{4})$/.exec(key.slice(p.length));
      if (m && (await learning.storeAgain(m[1] as string, Number(m[2])))) report.moved++;
    }
  }
  // The file id lookup was a key per file, JSON {u, y}: now buckets of "<year>:<user>".
  for await (const page of scanKeys(redis, `${glob(p)}lc:fid:*`)) {
    for (const key of page) {
      const id = key.slice(`${p}lc:fid:`.length);
      const ref = tryParseJson((await redis.get(key)) ?? '') as { u?: unknown; y?: unknown } | undefined;
      if (typeof ref?.u === 'string' && typeof ref.y === 'number') await redis.hsetnx(learning.keys.fids(id), id, `${ref.y}:${ref.u}`);
      await redis.del(key);
      report.moved++;
    }
  }
  // The learning figures' states (what each file adds) had a decimal time and measure names: now shorter.
  for await (const page of scanKeys(redis, learning.figures.filesPattern)) for (const key of page) report.moved += await learning.figures.shorten(key);
  progress('activities and references compacted');
  // Session locks live seconds; an old one is simply dropped.
  for await (const page of scanKeys(redis, `${glob(p)}lock:s:*`)) for (const key of page) if (!key.includes('{')) report.dropped += await redis.del(key);

  // One set of everyone, and one hash of news subscribers (and of refusals), become buckets.
  await splitSet(redis, `${p}users`, (u) => `${p}users:${bucketOf(u)}`, report);
  await splitHash(redis, `${p}rem:news`, (u) => `${p}rem:news:{n${bucketOf(u)}}`, report);
  await splitHash(redis, `${p}rem:news-declined`, (u) => `${p}rem:news-declined:{n${bucketOf(u)}}`, report);
  progress('users and news subscribers split into buckets');

  // A campaign's counts and statuses become buckets; its counts go to bucket 0 (a report sums them).
  for await (const page of scanKeys(redis, `${glob(p)}out:stats:*`)) {
    for (const key of page) {
      if (key.includes('{')) continue;
      const campaign = key.slice(`${p}out:stats:`.length);
      const stats = await redis.hgetall(key);
      const target = `${p}out:stats:{c:${campaign}:0}`;
      await Promise.all(Object.entries(stats).map(([status, n]) => redis.hincrby(target, status, Number(n))));
      await redis.expire(target, 90 * 86_400);
      await redis.del(key);
      report.moved++;
    }
  }
  for await (const page of scanKeys(redis, `${glob(p)}out:status:*`)) {
    for (const key of page) {
      if (key.includes('{')) continue;
      const campaign = key.slice(`${p}out:status:`.length);
      // Each person's index learns of their line, so that /deletedata still finds it.
      await splitHash(redis, key, (u) => `${p}out:status:{c:${campaign}:${bucketOf(u)}}`, report, 90 * 86_400, (u) => noteLine(redis, p, campaign, u));
    }
  }
  // A send-once mark did not name its campaign: it moves under "legacy", in the person's index, so that
  // /mydata and /deletedata still find it.
  for await (const page of scanKeys(redis, `${glob(p)}out:once:*`)) {
    for (const key of page) {
      if (key.includes('{')) continue;
      const rest = key.slice(`${p}out:once:`.length);
      const space = rest.lastIndexOf(' ');
      if (space < 0) continue;
      const m = { campaign: 'legacy', key: rest.slice(0, space), user: rest.slice(space + 1) };
      const marks = `${p}out:marks:${personTag(m.user)}`;
      await redis.sadd(marks, JSON.stringify([m.campaign, m.key]));
      await redis.expire(marks, 90 * 86_400);
      count(await move(redis, key, onceKey(app, m)));
    }
  }
  progress('delivery records moved');
  return report;
}

/** The old hash of activities as one array of rows; rows the new code wrote meanwhile win (SET NX). */
async function compactActivities(redis: Redis, from: string, to: string): Promise<'moved' | 'dropped' | 'gone'> {
  const old = await redis.hgetall(from);
  if (!Object.keys(old).length) return 'gone';
  const rows = Object.values(old).flatMap((json) => {
    const parsed = activitySchema.safeParse(tryParseJson(json));
    // An activity that no longer reads was already ignored by the bot: it is not carried over.
    return parsed.success ? [activityRow(parsed.data)] : [];
  });
  const set = rows.length ? await redis.set(to, JSON.stringify(rows), 'NX') : 'OK';
  await redis.del(from);
  return set === 'OK' ? 'moved' : 'dropped';
}

/** Rewrites a year's rows in the current form when any is in the form written before; whether it did. */
async function shortenRows(redis: Redis, key: string, year: number): Promise<boolean> {
  const raw = await redis.get(key);
  const rows = raw == null ? undefined : tryParseJson(raw);
  if (!Array.isArray(rows)) return false;
  const next = JSON.stringify(rows.map((row) => {
    const read = activityOfRow(row, year);
    // A row that does not read stays as it was (the bot logs and skips it).
    return read.ok ? activityRow(read.activity) : row;
  }));
  if (next === raw) return false;
  await redis.set(key, next);
  return true;
}

async function splitSet(redis: Redis, old: string, to: (member: string) => string, report: MigrationReport): Promise<void> {
  let cursor = '0';
  do {
    const [next, members] = await redis.sscan(old, cursor, 'COUNT', 1_000);
    cursor = next;
    await Promise.all(members.map((m) => redis.sadd(to(m), m)));
    report.moved += members.length;
  } while (cursor !== '0');
  await redis.del(old);
}

/** A line in a campaign's report with no send-once mark behind it: [campaign] alone in the person's index. */
async function noteLine(redis: Redis, p: string, campaign: string, user: string): Promise<void> {
  const marks = `${p}out:marks:${personTag(user)}`;
  await Promise.all([redis.sadd(marks, JSON.stringify([campaign])), redis.expire(marks, 90 * 86_400)]);
}

async function splitHash(
  redis: Redis,
  old: string,
  to: (field: string) => string,
  report: MigrationReport,
  ttlS?: number,
  each?: (field: string) => Promise<void>,
): Promise<void> {
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(old, cursor, 'COUNT', 1_000);
    cursor = next;
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const [field, value] = [flat[i] as string, flat[i + 1] as string];
      // HSETNX: what the new code wrote meanwhile wins.
      writes.push(redis.hsetnx(to(field), field, value));
      if (ttlS) writes.push(redis.expire(to(field), ttlS));
      if (each) writes.push(each(field));
      report.moved++;
    }
    await Promise.all(writes);
  } while (cursor !== '0');
  await redis.del(old);
}
