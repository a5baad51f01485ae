import { z } from 'zod';
import { attachmentSchema, channelSchema } from '../core/message.js';

/** Every record the learning capability keeps, checked on write and again when read back from Redis. */

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const epochMs = z.number().int().nonnegative();
const slug = z.string().regex(/^[a-z][a-z0-9_]*$/);

export const consentSchema = z
  .object({
    /** The version of the notice the person read and accepted. */
    version: z.string().min(1).max(20),
    at: epochMs,
  })
  .strict();
export type Consent = z.infer<typeof consentSchema>;

export const profileSchema = z
  .object({
    name: z.string().min(2).max(80),
    birthYear: z.number().int().min(1900).max(2100),
    /** A commune (or a province whose communes the data does not list yet). */
    area: z.string().min(1).max(100),
    group: slug,
    phone: z.string().regex(/^0[35789]\d{8}$/).optional(),
    updatedAt: epochMs,
  })
  .strict();
export type Profile = z.infer<typeof profileSchema>;

export const evidenceSchema = z.discriminatedUnion('type', [
  /** A photo or document sent in the chat, kept by the platform's own file id (only that platform can fetch it). */
  attachmentSchema.extend({ type: z.literal('file'), channel: channelSchema, caption: z.string().max(300).optional() }).strict(),
  /** A link, with what it shows when the person said so ("https://… Giấy chứng nhận lớp tin học"). */
  z.object({ type: z.literal('link'), url: z.string().url().max(500), text: z.string().min(1).max(300).optional() }).strict(),
  z.object({ type: z.literal('note'), text: z.string().min(1).max(300) }).strict(),
]);
export type Evidence = z.infer<typeof evidenceSchema>;

export const activitySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]{6,12}$/),
    date: isoDate,
    kind: slug,
    title: z.string().min(1).max(120),
    hours: z.number().positive().max(10_000),
    indicators: z.array(z.number().int().min(1).max(99)).min(1),
    evidence: evidenceSchema.optional(),
    createdAt: epochMs,
    updatedAt: epochMs,
  })
  .strict();
export type Activity = z.infer<typeof activitySchema>;

/**
 * How a year's activities are stored: one JSON array of rows, no field names repeated per activity, the
 * id not repeated as a hash field, the date as the number mmdd (the year is the key's), times in base 36,
 * a link without text as its address without "https://", the evidence 0 when there is none, the last
 * change only when there was one: [id, date, kind, title, hours, indicators,
 * createdAt, evidence or 0, updatedAt?]. Rows written before ([id, "yyyy-mm-dd", kind, title, hours,
 * indicators, createdAt, updatedAt or 0, evidence?], a link as ["l", url]) still read: their createdAt is a number.
 */
const activityRowSchema = z
  .tuple([z.string(), z.union([z.number().int().min(101).max(1231), z.string()]), z.string(), z.string(), z.number(), z.array(z.number()), z.union([z.number(), z.string()])])
  .rest(z.unknown())
  .refine((row) => row.length <= 9, 'a row of at most 9 fields');

export function activityRow(a: Activity): unknown[] {
  const row: unknown[] = [a.id, Number(a.date.slice(5).replace('-', '')), a.kind, a.title, a.hours, a.indicators, a.createdAt.toString(36)];
  if (a.evidence || a.updatedAt !== a.createdAt) row.push(a.evidence ? evidenceRow(a.evidence) : 0);
  if (a.updatedAt !== a.createdAt) row.push(a.updatedAt.toString(36));
  return row;
}

const HTTPS = 'https://';

/** A link alone as its url (https:// left out), a link with text or a note as a short array (["l", url, text], ["n", text]); a file keeps its object (platform fields). */
function evidenceRow(e: Evidence): unknown {
  if (e.type === 'link') return e.text === undefined ? (e.url.startsWith(HTTPS) ? e.url.slice(HTTPS.length) : e.url) : ['l', e.url, e.text];
  if (e.type === 'note') return ['n', e.text];
  return e;
}

function evidenceOfRow(stored: unknown): unknown {
  if (typeof stored === 'string') return { type: 'link', url: stored.includes('://') ? stored : HTTPS + stored };
  if (!Array.isArray(stored)) return stored;
  const [type, first, second] = stored as unknown[];
  if (type === 'l') return { type: 'link', url: first, ...(second !== undefined && { text: second }) };
  if (type === 'n') return { type: 'note', text: first };
  return stored;
}

/** "yyyy-mm-dd" from the stored mmdd of the year (a string as rows written before held it). */
function dateOfRow(stored: number | string, year: number): string {
  if (typeof stored === 'string') return stored;
  const mmdd = String(stored).padStart(4, '0');
  return `${year}-${mmdd.slice(0, 2)}-${mmdd.slice(2)}`;
}

/** The activity a stored row of the year's holds, or what is wrong with the row. */
export function activityOfRow(row: unknown, year: number): { ok: true; activity: Activity } | { ok: false; problem: string } {
  const r = activityRowSchema.safeParse(row);
  if (!r.success) return { ok: false, problem: r.error.issues[0]?.message ?? 'invalid' };
  const [id, date, kind, title, hours, indicators, created, ...rest] = r.data;
  // A row written before: createdAt a number, then updatedAt (0: none), then the evidence.
  const [evidence, updated] = typeof created === 'number' ? [rest[1], rest[0] || created] : [rest[0] || undefined, rest[1] ?? created];
  const time = (t: unknown) => (typeof t === 'string' ? parseInt(t, 36) : t);
  const parsed = activitySchema.safeParse({
    id,
    date: dateOfRow(date, year),
    kind,
    title,
    hours,
    indicators,
    createdAt: time(created),
    updatedAt: time(updated),
    ...(evidence !== undefined && { evidence: evidenceOfRow(evidence) }),
  });
  return parsed.success ? { ok: true, activity: parsed.data } : { ok: false, problem: parsed.error.issues[0]?.message ?? 'invalid' };
}

/**
 * Field names as records are stored: short, so that a record does not carry long names (Redis holds one
 * per citizen). A record written with the long names still reads: a name not in the table stays as it is.
 */
export type StoredNames = Readonly<Record<string, string>>;

export const CONSENT_NAMES: StoredNames = { version: 'v', at: 't' };
export const PROFILE_NAMES: StoredNames = { name: 'n', birthYear: 'b', area: 'a', group: 'g', phone: 'p', updatedAt: 'u' };
export const FILE_NAMES: StoredNames = {
  id: 'i',
  year: 'y',
  area: 'a',
  group: 'g',
  status: 's',
  scores: 'sc',
  registeredAt: 'r',
  updatedAt: 'u',
  submittedAt: 'st',
  submissions: 'n',
  decision: 'd',
  lastReturn: 'lr',
};
/**
 * A file as stored: short names, and without what its key or its other fields already say (the year, no
 * scores, no submissions, the status "registered", a last change at registration); storedFile and
 * fileOfStored are each other's reverse. A file written before with every field still reads.
 */
export function storedFile(file: LearningFile): Record<string, unknown> {
  const { year: _year, ...rest } = file;
  const stored = shortNames(rest, FILE_NAMES);
  if (!Object.keys(file.scores).length) delete stored.sc;
  if (file.submissions === 0) delete stored.n;
  if (file.status === 'registered') delete stored.s;
  if (file.updatedAt === file.registeredAt) delete stored.u;
  return stored;
}

export function fileOfStored(stored: unknown, year: number): unknown {
  if (!stored || typeof stored !== 'object' || Array.isArray(stored) || !('i' in stored)) return longNames(stored, FILE_NAMES);
  const s = stored as Record<string, unknown>;
  return longNames({ y: year, sc: {}, n: 0, s: 'registered', u: s.r, ...s }, FILE_NAMES);
}

/**
 * The longest value a field of the person's hash may have and stay compact in Redis (the server's
 * default hash-max-listpack-value): one longer value turns the whole hash into a table.
 */
export const COMPACT_VALUE = 64;

/**
 * A file as it was registered (no scores, never sent, status "registered": what most files are for most
 * of the year) in one short line for a field of the person's hash: "<id> <area> <group> <registeredAt>",
 * then the last change when there was one, times in base 36 (ids, area ids and groups hold no space).
 * Undefined for any other file, or one whose line would be longer than COMPACT_VALUE: such a file is
 * stored as storedFile's JSON in a key of its own.
 */
export function compactFile(file: LearningFile): string | undefined {
  if (file.status !== 'registered' || Object.keys(file.scores).length || file.submissions || file.submittedAt !== undefined || file.decision || file.lastReturn) return undefined;
  const words = [file.id, file.area, file.group, file.registeredAt.toString(36)];
  if (file.updatedAt !== file.registeredAt) words.push(file.updatedAt.toString(36));
  const line = words.join(' ');
  return !/\s/.test(file.area) && Buffer.byteLength(line) <= COMPACT_VALUE ? line : undefined;
}

/** The file a compact line (see compactFile) holds, for its schema to check. */
export function fileOfCompact(line: string, year: number): unknown {
  const [id, area, group, registered, updated] = line.split(' ');
  const time = (t: string | undefined) => (t === undefined ? undefined : parseInt(t, 36));
  return { id, year, area, group, status: 'registered', scores: {}, registeredAt: time(registered), updatedAt: time(updated ?? registered), submissions: 0 };
}

/** The record with its top-level fields under their stored names. */
export function shortNames(record: object, names: StoredNames): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [names[k] ?? k, v]));
}

/** A stored record (parsed JSON) with its fields under their names again. */
export function longNames(stored: unknown, names: StoredNames): unknown {
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return stored;
  const long = new Map(Object.entries(names).map(([l, s]) => [s, l]));
  return Object.fromEntries(Object.entries(stored).map(([k, v]) => [long.get(k) ?? k, v]));
}

export const FILE_STATUSES = ['registered', 'submitted', 'returned', 'approved'] as const;
export const fileStatusSchema = z.enum(FILE_STATUSES);
export type FileStatus = z.infer<typeof fileStatusSchema>;

export const decisionSchema = z
  .object({
    outcome: z.enum(['approved', 'returned']),
    at: epochMs,
    /** The officer, as "<channel>:<id>". */
    by: z.string().min(1),
    /** The unit that decided (configurable per area: see data/criteria.yaml). */
    unit: slug,
    reason: z.string().max(300).optional(),
    /** Shown in the learning menu until the citizen has seen it there once. */
    seen: z.boolean(),
  })
  .strict();

/** One citizen's file for one year: the registration, the self-score, and where it stands in review. */
export const fileSchema = z
  .object({
    /** Opaque: what officers' sessions and exports refer to instead of the person's account. */
    id: z.string().regex(/^[a-z0-9]{8}$/),
    year: z.number().int().min(2000).max(2100),
    area: z.string().min(1).max(100),
    group: slug,
    status: fileStatusSchema,
    scores: z.record(z.string().regex(/^\d+$/), z.number().int().min(0).max(100)),
    registeredAt: epochMs,
    updatedAt: epochMs,
    submittedAt: epochMs.optional(),
    /** How many times it was sent for review; names each decision notice so that each is sent once. */
    submissions: z.number().int().nonnegative(),
    decision: decisionSchema.optional(),
    /** The last return, kept when the file is sent again so that the officer can check what was fixed. */
    lastReturn: z.object({ at: epochMs, unit: slug, reason: z.string().max(300) }).strict().optional(),
  })
  .strict();
export type LearningFile = z.infer<typeof fileSchema>;

/** Locked while an officer has it, and once recognised. */
export function isEditable(file: Pick<LearningFile, 'status'>): boolean {
  return file.status === 'registered' || file.status === 'returned';
}
