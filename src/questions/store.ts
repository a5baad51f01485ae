import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { tryParseJson } from '../core/json.js';
import type { Reply } from '../core/message.js';
import { languageSchema } from '../i18n/index.js';
import { personTag } from '../store/keys.js';
import type { Redis } from '../store/redis.js';

/** Longest question and answer kept; a question longer than the Q&A reads is cut there too. */
export const TEXT_MAX = 1000;

export const questionSchema = z.object({
  id: z.string().min(1),
  user: z.string().min(1),
  /** The commune (or province) whose officers answer it. */
  area: z.string().min(1),
  text: z.string().min(1).max(TEXT_MAX),
  lang: languageSchema,
  askedAt: z.number().int(),
  answer: z.string().max(TEXT_MAX).optional(),
  answeredAt: z.number().int().optional(),
  /** The kind of unit of the officer who answered (data/units.yaml), when their invite named one. */
  unit: z.string().optional(),
  /** How the answer left: through the outbound path, or kept for the person's next message (Zalo's window). */
  delivery: z.enum(['sent', 'waiting', 'told']).optional(),
});
export type Question = z.infer<typeof questionSchema>;

export const noteSchema = z.object({
  id: z.string().min(1),
  question: z.string().min(1).max(TEXT_MAX),
  answer: z.string().min(1).max(TEXT_MAX),
  /** The kind of unit that answered (data/units.yaml), when known; the citation names it with the area. */
  unit: z.string().optional(),
  /** The area it speaks for: people of that area (or of none known) are answered from it. */
  area: z.string().min(1),
  at: z.number().int(),
});
export type Note = z.infer<typeof noteSchema>;

const replySchema = z.object({ text: z.string() });

function parseAll<T>(schema: z.ZodType<T>, raw: readonly (string | null)[]): T[] {
  return raw.flatMap((r) => {
    const parsed = schema.safeParse(tryParseJson(r));
    return parsed.success ? [parsed.data] : [];
  });
}

/**
 * Questions people sent to their commune's officers. Each person's questions live in one hash under their
 * tag (erased with them); an index per area (question id → person) is what officers list, written after
 * the person's own write and cleaned when a question is answered or erased. Notes (answers officers keep
 * for the bot to give) are one small hash; an inbox per person holds answers Zalo's window kept back.
 */
export class QuestionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private personKey(user: string): string {
    return `${this.prefix}questions:${personTag(user)}`;
  }

  /** The answers kept for the person's next message; the key exists only while some wait. */
  inboxKey(user: string): string {
    return `${this.prefix}questions:inbox:${personTag(user)}`;
  }

  private openKey(area: string): string {
    return `${this.prefix}questions:open:${area}`;
  }

  private get notesKey(): string {
    return `${this.prefix}questions:notes`;
  }

  async ask(input: Omit<Question, 'id'>): Promise<Question> {
    const question = questionSchema.parse({ ...input, id: randomBytes(6).toString('base64url') });
    await this.redis.hset(this.personKey(question.user), question.id, JSON.stringify(question));
    await this.redis.hset(this.openKey(question.area), question.id, question.user);
    return question;
  }

  async of(user: string): Promise<Question[]> {
    const all = parseAll(questionSchema, Object.values(await this.redis.hgetall(this.personKey(user))));
    return all.sort((a, b) => a.askedAt - b.askedAt);
  }

  /** The open question `id` of `area`, read from its owner's record (the index alone proves nothing). */
  async open(area: string, id: string): Promise<Question | undefined> {
    const user = await this.redis.hget(this.openKey(area), id);
    if (!user) return undefined;
    const [q] = parseAll(questionSchema, [await this.redis.hget(this.personKey(user), id)]);
    return q && q.area === area && q.answer === undefined ? q : undefined;
  }

  /** Every open question of these areas, oldest first. */
  async openIn(areas: readonly string[]): Promise<Question[]> {
    if (!areas.length) return [];
    // One command per area, not a pipeline: on a cluster the areas' indexes live in different slots.
    const indexes = await Promise.all(areas.map((area) => this.redis.hgetall(this.openKey(area))));
    const entries = indexes.flatMap((index, i) => Object.entries(index).map(([id, user]) => ({ area: areas[i] as string, id, user })));
    const found = await Promise.all(
      entries.map(async ({ area, id, user }) => {
        const [q] = parseAll(questionSchema, [await this.redis.hget(this.personKey(user), id)]);
        if (q && q.area === area && q.answer === undefined) return q;
        // An index entry whose record is gone or answered is stale: it goes.
        await this.redis.hdel(this.openKey(area), id);
        return undefined;
      }),
    );
    return found.filter((q) => q !== undefined).sort((a, b) => a.askedAt - b.askedAt);
  }

  /** Takes the question off its area's open list; false when someone else took it first (two officers answering at once). */
  async claim(q: Question): Promise<boolean> {
    return (await this.redis.hdel(this.openKey(q.area), q.id)) === 1;
  }

  /** Puts a claimed question back on the open list (its answer could not go out). */
  async reopen(q: Question): Promise<void> {
    await this.redis.hset(this.openKey(q.area), q.id, q.user);
  }

  /** Records the answer on the person's question (taken off the open list by `claim`). */
  async answer(q: Question, answer: Pick<Question, 'answer' | 'answeredAt' | 'unit' | 'delivery'>): Promise<Question> {
    const next = questionSchema.parse({ ...q, ...answer });
    await this.redis.hset(this.personKey(q.user), q.id, JSON.stringify(next));
    return next;
  }

  /** Keeps a reply for the person's next message. */
  async hold(user: string, reply: Reply): Promise<void> {
    await this.redis.rpush(this.inboxKey(user), JSON.stringify({ text: reply.text }));
  }

  /** What was kept for the person, emptied in the same step. */
  async takeHeld(user: string): Promise<Reply[]> {
    const key = this.inboxKey(user);
    const results = await this.redis.multi().lrange(key, 0, -1).del(key).exec();
    const items = (results?.[0]?.[1] ?? []) as string[];
    return parseAll(replySchema, items);
  }

  async heldCount(user: string): Promise<number> {
    return this.redis.llen(this.inboxKey(user));
  }

  /** The person's answers told them on their next message: marked so /mydata says so. */
  async markTold(user: string): Promise<void> {
    for (const q of await this.of(user))
      if (q.delivery === 'waiting') await this.redis.hset(this.personKey(user), q.id, JSON.stringify({ ...q, delivery: 'told' }));
  }

  async forget(user: string): Promise<void> {
    const questions = await this.of(user);
    await Promise.all(questions.map((q) => this.redis.hdel(this.openKey(q.area), q.id)));
    await this.redis.del(this.personKey(user), this.inboxKey(user));
  }

  async addNote(input: Omit<Note, 'id'>): Promise<Note> {
    const note = noteSchema.parse({ ...input, id: randomBytes(6).toString('base64url') });
    await this.redis.hset(this.notesKey, note.id, JSON.stringify(note));
    return note;
  }

  async note(id: string): Promise<Note | undefined> {
    return parseAll(noteSchema, [await this.redis.hget(this.notesKey, id)])[0];
  }

  async removeNote(id: string): Promise<boolean> {
    return (await this.redis.hdel(this.notesKey, id)) === 1;
  }

  async notes(): Promise<Note[]> {
    return parseAll(noteSchema, Object.values(await this.redis.hgetall(this.notesKey)));
  }
}
