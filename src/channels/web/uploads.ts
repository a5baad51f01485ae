import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { tryParseJson } from '../../core/json.js';
import type { Redis } from '../../store/redis.js';
import type { WebIdentities } from './identity.js';
import type { WebKeys } from './keys.js';

/** What the web chat takes, recognised by the first bytes: a name or a declared type proves nothing. */
const KINDS = [
  { mime: 'image/jpeg', ext: 'jpg', kind: 'photo', test: (b: Buffer) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mime: 'image/png', ext: 'png', kind: 'photo', test: (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { mime: 'image/webp', ext: 'webp', kind: 'photo', test: (b: Buffer) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
  { mime: 'application/pdf', ext: 'pdf', kind: 'document', test: (b: Buffer) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
] as const;

export type UploadKind = (typeof KINDS)[number];

export function sniff(bytes: Buffer): UploadKind | undefined {
  return KINDS.find((k) => k.test(bytes));
}

const FILE_ID = /^f[A-Za-z0-9_-]{22}$/;
/** Each person's uploads are bounded, so one page cannot fill the disk. */
export const UPLOADS_PER_PERSON = 100;
/** How long a link to a file works; history re-signs links each time it is read. */
const LINK_TTL_S = 12 * 3600;

const uploadRecordSchema = z.object({
  owner: z.string(),
  mime: z.string(),
  ext: z.string(),
  kind: z.enum(['photo', 'document']),
  name: z.string().max(256).optional(),
  size: z.number().int(),
  at: z.number().int(),
});
export type UploadRecord = z.infer<typeof uploadRecordSchema>;

export class UploadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Photos and files sent from the web chat, on disk under a random id, with a record in Redis. They are
 * reached only through links signed by the server, handed to whom the bot showed the file (its owner,
 * an officer reviewing it), so neither a guessable nor a permanent address exists.
 */
export class WebUploads {
  constructor(
    private readonly redis: Redis,
    private readonly keys: WebKeys,
    private readonly ids: WebIdentities,
    private readonly dir: string,
    private readonly maxBytes: number,
  ) {}

  async store(owner: string, bytes: Buffer, name: string | undefined, now: number): Promise<{ fileId: string; record: UploadRecord }> {
    if (bytes.length === 0) throw new UploadError(400, 'the file is empty');
    if (bytes.length > this.maxBytes) throw new UploadError(413, `the file is larger than ${this.maxBytes} bytes`);
    const type = sniff(bytes);
    if (!type) throw new UploadError(415, 'only JPEG, PNG, WebP photos and PDF files are taken');
    if ((await this.redis.scard(this.keys.uploads(owner))) >= UPLOADS_PER_PERSON) throw new UploadError(429, `at most ${UPLOADS_PER_PERSON} files per person`);
    const fileId = `f${randomBytes(16).toString('base64url')}`;
    const record: UploadRecord = { owner, mime: type.mime, ext: type.ext, kind: type.kind, ...(name ? { name } : {}), size: bytes.length, at: now };
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFile(this.path(fileId), bytes, { flag: 'wx', mode: 0o600 });
    try {
      // The person's index first, so that an erasure meeting a half-written upload still finds it.
      await this.redis.sadd(this.keys.uploads(owner), fileId);
      await this.redis.set(this.keys.upload(fileId), JSON.stringify(record));
    } catch (err) {
      await unlink(this.path(fileId)).catch(() => undefined);
      throw err;
    }
    return { fileId, record };
  }

  /** Drops one upload the bot did not take (the message carrying it was refused). */
  async discard(owner: string, fileId: string): Promise<void> {
    await this.redis.del(this.keys.upload(fileId));
    await this.redis.srem(this.keys.uploads(owner), fileId);
    await unlink(this.path(fileId)).catch(() => undefined);
  }

  async count(owner: string): Promise<number> {
    return this.redis.scard(this.keys.uploads(owner));
  }

  async erase(owner: string): Promise<void> {
    const ids = await this.redis.smembers(this.keys.uploads(owner));
    for (const id of ids) if (FILE_ID.test(id)) await unlink(this.path(id)).catch(() => undefined);
    // One key per command: the records live in other slots than the person's index on a cluster.
    await Promise.all(ids.filter((id) => FILE_ID.test(id)).map((id) => this.redis.del(this.keys.upload(id))));
    await this.redis.del(this.keys.uploads(owner));
  }

  isUploadId(fileId: string): boolean {
    return FILE_ID.test(fileId);
  }

  /** A link that opens the file for about LINK_TTL_S, for whoever the bot is showing it to. */
  async link(fileId: string, now: number): Promise<string> {
    const expires = Math.floor(now / 1000) + LINK_TTL_S;
    return `/api/chat/files/${fileId}.${expires}.${await this.ids.mac(`file:${fileId}:${expires}`)}`;
  }

  /** The file a link points at, if the link is genuine, unexpired and the file still exists. */
  async open(token: string, now: number): Promise<{ record: UploadRecord; bytes: Buffer } | undefined> {
    const m = /^(f[A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{22})$/.exec(token);
    if (!m) return undefined;
    const [, fileId, expires, mac] = m as unknown as [string, string, string, string];
    const expected = Buffer.from(await this.ids.mac(`file:${fileId}:${expires}`));
    if (!timingSafeEqual(Buffer.from(mac), expected) || Number(expires) * 1000 < now) return undefined;
    return this.read(fileId);
  }

  /** A file by its id, for a caller that has checked who may see it (the console's evidence link). */
  async read(fileId: string): Promise<{ record: UploadRecord; bytes: Buffer } | undefined> {
    if (!FILE_ID.test(fileId)) return undefined;
    const parsed = uploadRecordSchema.safeParse(tryParseJson((await this.redis.get(this.keys.upload(fileId))) ?? ''));
    if (!parsed.success) return undefined;
    try {
      return { record: parsed.data, bytes: await readFile(this.path(fileId)) };
    } catch {
      return undefined;
    }
  }

  private path(fileId: string): string {
    return join(this.dir, fileId);
  }
}
