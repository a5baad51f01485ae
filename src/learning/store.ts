import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { tryParseJson } from '../core/json.js';
import type { Logger } from '../core/logger.js';
import type { Areas } from '../areas/areas.js';
import type { Redis } from '../store/redis.js';
import { bucketOf, personTag } from '../store/keys.js';
import { Script } from '../store/script.js';
import { Figures } from './figures.js';
import {
  activityOfRow,
  activityRow,
  compactFile,
  CONSENT_NAMES,
  fileOfCompact,
  fileOfStored,
  storedFile,
  longNames,
  PROFILE_NAMES,
  shortNames,
  type StoredNames,
  activitySchema,
  consentSchema,
  fileSchema,
  profileSchema,
  type Activity,
  type Consent,
  type FileStatus,
  type LearningFile,
  type Profile,
} from './records.js';

/** Buckets of the file id lookup: a few entries each at a commune's scale, compact in Redis up to 131,072 files. */
const FID_BUCKETS = 256;

/** What the file id lookup holds for a file: "<year>:<user>". */
const FILE_REF = /^(\d{4}):(.+)$/;

/** A file together with whose it is. */
export interface OwnedFile {
  user: string;
  file: LearningFile;
}

const MAX_TRIES = 8;

/**
 * Where a file of the year is: a compact line in the field \`f:<year>\` of the person's hash (see
 * compactFile), or JSON (starting with "{") in a key of its own, the year then named by \`y:<year>\` and
 * its status index by a ref (a line names its index itself: see lineIndexRef). \`place\` writes it where
 * its form says and removes it from the other place. KEYS: file, person's hash.
 */
const FILE_LUA = `
local function stored(year)
  return redis.call('HGET', KEYS[2], 'f:' .. year) or redis.call('GET', KEYS[1])
end
local function place(year, file, idx)
  if string.sub(file, 1, 1) == '{' then
    redis.call('SET', KEYS[1], file)
    redis.call('HDEL', KEYS[2], 'f:' .. year)
    redis.call('HSET', KEYS[2], 'y:' .. year, '', idx, '')
  else
    redis.call('HSET', KEYS[2], 'f:' .. year, file)
    redis.call('HDEL', KEYS[2], 'y:' .. year, idx)
    redis.call('DEL', KEYS[1])
  end
end
`;

/** The status index a file stored as a line is in (a registered file: see compactFile), as a ref. */
function lineIndexRef(year: string, line: string): string | undefined {
  const area = line.split(' ')[1];
  return area ? `idx:${year}:registered:${area}` : undefined;
}

/** KEYS: file, person's hash. ARGV: year. The file as stored, or nil. */
const READ_FILE = new Script('learning_read_file', 2, `${FILE_LUA}
return stored(ARGV[1])`);

/**
 * The person's own keys only (one slot on a cluster). KEYS: file, person's hash. ARGV: file, year,
 * status index ref, fid ref: the refs (or the line) name the shared keys written next, so erasure finds them.
 */
const CREATE_FILE = new Script('learning_create_file', 2, `${FILE_LUA}
if stored(ARGV[2]) then return 0 end
place(ARGV[2], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[4], '')
return 1`);

/** KEYS: file, person's hash. ARGV: the file as read, the new file, old index ref, new index ref, year. */
const SWAP_FILE = new Script('learning_swap_file', 2, `${FILE_LUA}
if stored(ARGV[5]) ~= ARGV[1] then return 0 end
if ARGV[3] ~= ARGV[4] then redis.call('HDEL', KEYS[2], ARGV[3]) end
place(ARGV[5], ARGV[2], ARGV[4])
return 1`);

/** Replaces a string only if it is still as read ('' for absent); an empty new value deletes it. */
const SWAP_STRING = new Script('learning_swap_string', 1, `
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2]) end
return 1`);

/** The field of the person's hash that holds their consent (refs are `y:`, `idx:` and `fid:` names). */
export const CONSENT_FIELD = 'c';

/** KEYS: the person's hash, the consent key written before (dropped: the hash holds it now). ARGV: the consent. */
const SET_CONSENT = new Script('learning_set_consent', 2, `
redis.call('HSET', KEYS[1], '${CONSENT_FIELD}', ARGV[1])
redis.call('DEL', KEYS[2])
return 1`);

/** The profile's fields in the person's hash: `p` and the stored name (the name first: present means a profile). */
const PROFILE_FIELDS = ['pn', 'pb', 'pa', 'pg', 'pp', 'pu'];
const NUMERIC = new Set(['pb', 'pu']);

/** The fields of the person's hash that are the learning records' (the user directory has the others). */
function isLearningField(field: string): boolean {
  return field === CONSENT_FIELD || PROFILE_FIELDS.includes(field) || /^(y|f|idx|fid):/.test(field);
}

/** KEYS: the person's hash, the profile key written before (dropped). ARGV: field, value, ...; '' removes the field. */
const SET_PROFILE = new Script('learning_set_profile', 2, `
for i = 1, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
redis.call('DEL', KEYS[2])
return 1`);

/** A file's place in its index: the review queue is oldest submission first, the others by last change. */
function indexScore(file: LearningFile): number {
  return file.status === 'submitted' ? (file.submittedAt ?? file.updatedAt) : file.updatedAt;
}

/** Thrown when a record fails its schema on the way in: a bug, never stored. */
export class RecordError extends Error {}

/**
 * The learning records in plain Redis structures, most of them in the person's hash `<prefix>u:<user>`
 * (shared with the user directory, whose fields are the others: a key costs more than its fields):
 *
 * - the consent (`c`: "<time in base 36> <version>"; short JSON there, or `lc:consent:<user>`, when
 *   written before) and profile (`pn`, `pb`...: its fields; `lc:profile:<user>`, JSON, when written before);
 * - a file as registered, one line (`f:<year>`, see compactFile); any other file is JSON in a key of its
 *   own `lc:file:<user>:<year>` (see storedFile), its year then named by `y:<year>`;
 * - every index and key that names them (by their names after `lc:`), so that erasing finds them all,
 *   except the review index of a file stored as a line, which the line names (lineIndexRef); the hash
 *   stays compact in Redis while its values are at most 64 bytes;
 * - `lc:a:<user>:<year>`: the year's activities, one JSON array of rows (see activityRow);
 *
 * and shared: `lc:fids:<bucket>` (file id → "<year>:<user>", named `fid:<file id>` in the person's refs),
 * so that officers and exports name a file without the account; `lc:idx:<year>:<status>:<area>`: sorted
 * set of users, scored by the time of the last change (the review queue is `idx:<year>:submitted:<area>`,
 * oldest first); `lc:years`: the years that have any file; `lc:fig:{<year>:<province>}:*`: the figures
 * per area and month (see figures.ts), following every change.
 *
 * Every record is validated with zod when written and when read; a record that fails on read is logged
 * and treated as absent.
 */
export class LearningStore {
  private readonly p: string;
  readonly figures: Figures;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: Clock,
    private readonly log: Logger,
    areas: Areas,
    /** Draws a candidate file id; tests pass their own to make two files meet. */
    private readonly drawFileId: () => string = () => randomBytes(4).toString('hex'),
  ) {
    this.p = `${prefix}lc:`;
    this.figures = new Figures(redis, prefix, areas);
  }

  readonly keys = {
    consent: (user: string) => `${this.p}consent:${personTag(user)}`,
    profile: (user: string) => `${this.p}profile:${personTag(user)}`,
    file: (user: string, year: number) => `${this.p}file:${personTag(user)}:${year}`,
    acts: (user: string, year: number) => `${this.p}a:${personTag(user)}:${year}`,
    /** The file id lookup's bucket that holds this id. */
    fids: (id: string) => `${this.p}fids:${bucketOf(id, FID_BUCKETS)}`,
    idx: (year: number, status: FileStatus, area: string) => `${this.p}idx:${year}:${status}:${area}`,
    allYears: () => `${this.p}years`,
    /** The person's hash (the user directory's record, and the learning fields). */
    person: (user: string) => `${this.prefix}u:${personTag(user)}`,
  };

  /** A shared key as the person's refs name it (without the `<prefix>lc:` every one shares), and back. */
  private refOf(key: string): string {
    return key.slice(this.p.length);
  }

  private keyOf(ref: string): string {
    return this.p + ref;
  }

  private read<T>(schema: z.ZodType<T>, names: StoredNames, key: string, raw: string | null | undefined): T | undefined {
    if (raw == null) return undefined;
    const parsed = schema.safeParse(longNames(tryParseJson(raw), names));
    if (parsed.success) return parsed.data;
    this.log.warn({ key, problem: parsed.error.issues[0]?.message }, 'learning record failed validation; ignored');
    return undefined;
  }

  private checked<T>(schema: z.ZodType<T>, value: T): T {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new RecordError(`invalid learning record: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data;
  }

  private readFile(key: string, year: number, raw: string | null | undefined): LearningFile | undefined {
    if (raw == null) return undefined;
    const parsed = fileSchema.safeParse(raw.startsWith('{') ? fileOfStored(tryParseJson(raw), year) : fileOfCompact(raw, year));
    if (parsed.success) return parsed.data;
    this.log.warn({ key, problem: parsed.error.issues[0]?.message }, 'learning record failed validation; ignored');
    return undefined;
  }

  private writeFile(file: LearningFile): string {
    const checked = this.checked(fileSchema, file);
    return compactFile(checked) ?? JSON.stringify(storedFile(checked));
  }

  /** The file of the year as stored (a compact line or JSON; see FILE_LUA), or null. */
  private async storedFile(user: string, year: number): Promise<string | null> {
    const raw = await READ_FILE.run(this.redis, [this.keys.file(user, year), this.keys.person(user)], [year]);
    // Lua's false is nil on a server; the in-memory store hands it over as it is.
    return typeof raw === 'string' ? raw : null;
  }

  now(): number {
    return this.clock.now().getTime();
  }

  // Consent and profile

  /**
   * In the person's hash (field `c`: a key of its own costs more than the record) as "<time in base 36>
   * <version>"; short JSON there, or a key of its own, when written before.
   */
  async consent(user: string): Promise<Consent | undefined> {
    const inHash = await this.redis.hget(this.keys.person(user), CONSENT_FIELD);
    if (inHash != null && !inHash.startsWith('{')) {
      const space = inHash.indexOf(' ');
      return this.read(consentSchema, {}, this.keys.person(user), JSON.stringify({ version: inHash.slice(space + 1), at: parseInt(inHash.slice(0, space), 36) }));
    }
    if (inHash != null) return this.read(consentSchema, CONSENT_NAMES, this.keys.person(user), inHash);
    const own = this.keys.consent(user);
    return this.read(consentSchema, CONSENT_NAMES, own, await this.redis.get(own));
  }

  async setConsent(user: string, version: string): Promise<Consent> {
    return this.saveConsent(user, { version, at: this.now() });
  }

  private async saveConsent(user: string, consent: Consent): Promise<Consent> {
    const checked = this.checked(consentSchema, consent);
    await SET_CONSENT.run(this.redis, [this.keys.person(user), this.keys.consent(user)], [`${checked.at.toString(36)} ${checked.version}`]);
    return checked;
  }

  /** Migration: a consent written before (JSON in the hash or in a key of its own) in the current form; whether it moved one. */
  async consentAgain(user: string): Promise<boolean> {
    const [inHash, own] = await Promise.all([this.redis.hget(this.keys.person(user), CONSENT_FIELD), this.redis.exists(this.keys.consent(user))]);
    if ((inHash == null || !inHash.startsWith('{')) && !own) return false;
    const consent = await this.consent(user);
    if (consent) await this.saveConsent(user, consent);
    return true;
  }

  /** Migration: a profile in a key of its own (as written before) into the person's hash, unless one is there; whether it moved one. */
  async moveProfile(user: string): Promise<boolean> {
    const own = this.keys.profile(user);
    const raw = await this.redis.get(own);
    if (raw == null) return false;
    const profile = this.read(profileSchema, PROFILE_NAMES, own, raw);
    const current = await this.redis.hexists(this.keys.person(user), PROFILE_FIELDS[0] as string);
    if (profile && !current) await this.saveStoredProfile(user, profile);
    else await this.redis.del(own);
    return true;
  }

  /** Short fields of the person's hash (`p` + its stored name); a key of its own when written before. */
  async profile(user: string): Promise<Profile | undefined> {
    const hash = this.keys.person(user);
    const values = await this.redis.hmget(hash, ...PROFILE_FIELDS);
    if (values[0] != null) {
      const stored = Object.fromEntries(PROFILE_FIELDS.flatMap((f, i) => (values[i] == null ? [] : [[f.slice(1), NUMERIC.has(f) ? Number(values[i]) : values[i]]])));
      return this.read(profileSchema, PROFILE_NAMES, hash, JSON.stringify(stored));
    }
    const own = this.keys.profile(user);
    return this.read(profileSchema, PROFILE_NAMES, own, await this.redis.get(own));
  }

  async saveProfile(user: string, profile: Omit<Profile, 'updatedAt'>): Promise<Profile> {
    return this.saveStoredProfile(user, { ...profile, updatedAt: this.now() });
  }

  private async saveStoredProfile(user: string, profile: Profile): Promise<Profile> {
    const record = this.checked(profileSchema, profile);
    const stored = shortNames(record, PROFILE_NAMES);
    await SET_PROFILE.run(this.redis, [this.keys.person(user), this.keys.profile(user)], PROFILE_FIELDS.flatMap((f) => [f, String(stored[f.slice(1)] ?? '')]));
    return record;
  }

  // Files

  async years(user: string): Promise<number[]> {
    const refs = await this.redis.hkeys(this.keys.person(user));
    return refs.flatMap((ref) => (ref.startsWith('y:') || ref.startsWith('f:') ? [Number(ref.slice(2))] : [])).filter(Number.isInteger).sort((a, b) => a - b);
  }

  async file(user: string, year: number): Promise<LearningFile | undefined> {
    return this.readFile(this.keys.file(user, year), year, await this.storedFile(user, year));
  }

  /** The person's most recent file: the one the learning menu works on. */
  async latestFile(user: string): Promise<LearningFile | undefined> {
    const years = await this.years(user);
    for (const year of years.reverse()) {
      const file = await this.file(user, year);
      if (file) return file;
    }
    return undefined;
  }

  async fileById(id: string): Promise<OwnedFile | undefined> {
    const ref = FILE_REF.exec((await this.redis.hget(this.keys.fids(id), id)) ?? '');
    if (!ref) return undefined;
    const user = ref[2] as string;
    const file = await this.file(user, Number(ref[1]));
    return file?.id === id ? { user, file } : undefined;
  }

  /** Registers the person for a year; an existing file for that year is returned unchanged. */
  async createFile(user: string, year: number, area: string, group: string): Promise<LearningFile> {
    const key = this.keys.file(user, year);
    const raw = await this.storedFile(user, year);
    if (raw != null) {
      const existing = this.readFile(key, year, raw);
      if (existing) return existing;
      // Unreadable (already logged): the year starts again rather than staying blocked.
      await this.dropYear(user, year);
    }
    const now = this.now();
    const id = await this.claimFileId(user, year);
    const file: LearningFile = { id, year, area, group, status: 'registered', scores: {}, registeredAt: now, updatedAt: now, submissions: 0 };
    const idx = this.keys.idx(year, file.status, area);
    const keys = [key, this.keys.person(user)];
    const created = await CREATE_FILE.run(this.redis, keys, [this.writeFile(file), String(year), this.refOf(idx), `fid:${id}`]);
    if (created === 1) {
      // The shared indexes follow the person's write; `npm run admin -- repair indexes` redoes them.
      await Promise.all([
        this.redis.sadd(this.keys.allYears(), String(year)),
        this.redis.zadd(idx, now, user),
        this.figures.follow(user, undefined, file),
      ]);
      return file;
    }
    await this.redis.hdel(this.keys.fids(id), id);
    const theirs = await this.file(user, year);
    if (!theirs) throw new RecordError(`the file of ${user} for ${year} was written meanwhile but cannot be read`);
    return theirs;
  }

  /**
   * A new file id that no other file has: officers type these short ids, so they stay 8 characters, and
   * among hundreds of thousands of files two random ones meet now and then (a province's 200,000 do).
   */
  private async claimFileId(user: string, year: number): Promise<string> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const id = this.drawFileId();
      if (await this.redis.hsetnx(this.keys.fids(id), id, `${year}:${user}`)) return id;
    }
    throw new RecordError('no free file id after 8 draws');
  }

  /** Migration: writes the file of the year again as the current code would (compact when it can be); whether that changed it. */
  async storeAgain(user: string, year: number): Promise<boolean> {
    const raw = await this.storedFile(user, year);
    const file = this.readFile(this.keys.file(user, year), year, raw);
    if (!file || raw == null) return false;
    const [next, idx] = [this.writeFile(file), this.refOf(this.keys.idx(year, file.status, file.area))];
    return next !== raw && (await SWAP_FILE.run(this.redis, [this.keys.file(user, year), this.keys.person(user)], [raw, next, idx, idx, year])) === 1;
  }

  /** Every status index the person's files are in, as refs: those the hash names, and those its lines do. */
  private async indexRefs(user: string): Promise<string[]> {
    const fields = Object.entries(await this.redis.hgetall(this.keys.person(user)));
    return fields.flatMap(([f, v]) => (f.startsWith('idx:') ? [f] : f.startsWith('f:') ? (lineIndexRef(f.slice(2), v) ?? []) : []));
  }

  private async dropYear(user: string, year: number): Promise<void> {
    const refs = this.keys.person(user);
    const stale = (await this.indexRefs(user)).filter((ref) => ref.startsWith(`idx:${year}:`));
    await Promise.all([this.redis.del(this.keys.file(user, year)), this.redis.hdel(refs, `f:${year}`)]);
    await Promise.all(stale.flatMap((ref) => [this.redis.zrem(this.keyOf(ref), user), this.redis.hdel(refs, ref)]));
  }

  /**
   * Changes a file atomically, moving it between the area and status indexes when those change.
   * `change` returns the new file, or a string that is handed back as a refusal, in which case nothing
   * is written. The write is a compare-and-set in Lua: a change made meanwhile by someone else (another
   * officer, the owner) makes us read again, and WATCH would not do on a connection that all share.
   */
  async updateFile<R extends string>(
    user: string,
    year: number,
    change: (file: LearningFile) => LearningFile | R,
  ): Promise<{ ok: true; file: LearningFile } | { ok: false; reason: R | 'missing' }> {
    const key = this.keys.file(user, year);
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      const raw = await this.storedFile(user, year);
      const before = this.readFile(key, year, raw);
      if (!before || raw == null) return { ok: false, reason: 'missing' };
      const after = change(structuredClone(before));
      if (typeof after === 'string') return { ok: false, reason: after };
      after.updatedAt = this.now();
      const score = indexScore(after);
      const [was, now] = [this.keys.idx(before.year, before.status, before.area), this.keys.idx(after.year, after.status, after.area)];
      const swapped = await SWAP_FILE.run(this.redis, [key, this.keys.person(user)], [raw, this.writeFile(after), this.refOf(was), this.refOf(now), year]);
      if (swapped === 1) {
        await Promise.all([was !== now ? this.redis.zrem(was, user) : undefined, this.redis.zadd(now, score, user), this.figures.follow(user, before, after)]);
        return { ok: true, file: after };
      }
    }
    throw new RecordError(`file ${user}:${year} kept changing under us`);
  }

  // Activities

  async activities(user: string, year: number): Promise<Activity[]> {
    return (await this.readActivities(user, year)).list.sort((a, b) => a.date.localeCompare(b.date) || a.createdAt - b.createdAt);
  }

  /** The year's activities as stored (`raw`, '' when none); rows that fail their schema are logged and left out. */
  private async readActivities(user: string, year: number): Promise<{ raw: string; list: Activity[] }> {
    const key = this.keys.acts(user, year);
    const raw = (await this.redis.get(key)) ?? '';
    const rows = raw ? tryParseJson(raw) : [];
    if (!Array.isArray(rows)) {
      this.log.warn({ key, problem: 'not a JSON array' }, 'learning record failed validation; ignored');
      return { raw, list: [] };
    }
    const list = rows.flatMap((row) => {
      const read = activityOfRow(row, year);
      if (read.ok) return [read.activity];
      this.log.warn({ key, problem: read.problem }, 'learning record failed validation; ignored');
      return [];
    });
    return { raw, list };
  }

  async activity(user: string, year: number, id: string): Promise<Activity | undefined> {
    return (await this.readActivities(user, year)).list.find((a) => a.id === id);
  }

  /** Six base-36 characters (31 bits, as random as the eight hex digits used before, which still read). */
  newActivityId(): string {
    return (randomBytes(4).readUInt32BE() % 36 ** 6).toString(36).padStart(6, '0');
  }

  async putActivity(user: string, year: number, activity: Activity): Promise<void> {
    const checked = this.checked(activitySchema, activity);
    await this.changeActivities(user, year, (list) => [...list.filter((a) => a.id !== activity.id), checked]);
  }

  async deleteActivity(user: string, year: number, id: string): Promise<boolean> {
    let found = false;
    await this.changeActivities(user, year, (list) => {
      found = list.some((a) => a.id === id);
      return list.filter((a) => a.id !== id);
    });
    return found;
  }

  /** Rewrites the year's activities, compare-and-set: an activity saved meanwhile (another instance) makes us read again. */
  private async changeActivities(user: string, year: number, change: (list: Activity[]) => Activity[]): Promise<void> {
    const key = this.keys.acts(user, year);
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      const { raw, list } = await this.readActivities(user, year);
      const next = change(list);
      if ((await SWAP_STRING.run(this.redis, [key], [raw, next.length ? JSON.stringify(next.map(activityRow)) : ''])) === 1) return;
    }
    throw new RecordError(`activities ${user}:${year} kept changing under us`);
  }

  // Indexes: review queue, exports and statistics

  async fileYears(): Promise<number[]> {
    return (await this.redis.smembers(this.keys.allYears())).map(Number).filter(Number.isInteger).sort((a, b) => a - b);
  }

  /** Users with a file in this state, per area, oldest change first. */
  async usersIn(year: number, status: FileStatus, areas: readonly string[]): Promise<{ area: string; user: string; at: number }[]> {
    if (!areas.length) return [];
    const results = await Promise.all(areas.map((area) => this.redis.zrange(this.keys.idx(year, status, area), 0, -1, 'WITHSCORES')));
    return results.flatMap((list, i) => {
      const out: { area: string; user: string; at: number }[] = [];
      for (let j = 0; j + 1 < list.length; j += 2) out.push({ area: areas[i] as string, user: list[j] as string, at: Number(list[j + 1]) });
      return out;
    });
  }

  // Repair

  /** Puts the person's files back in the shared indexes (status and area, file ids, years). */
  async reindex(user: string): Promise<void> {
    for (const year of await this.years(user)) {
      const file = await this.file(user, year);
      if (!file) continue;
      const idx = this.keys.idx(year, file.status, file.area);
      await this.redis.hset(this.keys.person(user), ...(compactFile(file) ? [] : [this.refOf(idx), '']), `fid:${file.id}`, '');
      await Promise.all([
        this.redis.zadd(idx, indexScore(file), user),
        this.redis.hset(this.keys.fids(file.id), file.id, `${year}:${user}`),
        this.redis.sadd(this.keys.allYears(), String(year)),
        this.figures.follow(user, undefined, file, true),
      ]);
    }
  }

  /** Repair: whether `user` belongs in the status index `key` (their file of that year has that status and area). */
  async belongs(key: string, user: string): Promise<boolean> {
    const year = Number(key.slice(`${this.p}idx:`.length).split(':')[0]);
    const file = await this.file(user, year);
    return !!file && this.keys.idx(year, file.status, file.area) === key;
  }

  get indexPattern(): string {
    return `${this.p}idx:*`;
  }

  // Erasure

  /**
   * Everything about the person: consent, profile, files, activities, and their entries in every index.
   * Only the learning fields of the person's hash: the user directory erases its own (at the same time).
   */
  async erase(user: string): Promise<void> {
    const refs = (await this.redis.hkeys(this.keys.person(user))).filter(isLearningField);
    const indexes = await this.indexRefs(user);
    const years = await this.years(user);
    const files = await Promise.all(years.map((year) => this.file(user, year)));
    await Promise.all(files.map((file, i) => (file ? this.figures.follow(user, file, undefined) : this.figures.forget(user, years[i] as number))));
    // The shared entries first: the refs that find them go last, so an interrupted erasure can run again.
    await Promise.all([
      ...indexes.map((ref) => this.redis.zrem(this.keyOf(ref), user)),
      ...refs.filter((ref) => ref.startsWith('fid:')).map((ref) => this.redis.hdel(this.keys.fids(ref.slice(4)), ref.slice(4))),
    ]);
    await this.redis.del(...years.flatMap((year) => [this.keys.file(user, year), this.keys.acts(user, year)]), this.keys.consent(user), this.keys.profile(user));
    if (refs.length) await this.redis.hdel(this.keys.person(user), ...refs);
  }
}
