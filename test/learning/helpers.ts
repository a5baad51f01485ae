import { LearningStore } from '../../src/learning/store.js';
import { expect } from 'vitest';
import type { Inbound, Reply } from '../../src/core/message.js';
import { textOf, choiceValues, type TestApp, keysMatching } from '../support/app.js';

/** Conversations the learning tests share: each step asserts what a person would see before going on. */

export type Send = (message: string | Omit<Inbound, 'user'>) => Promise<Reply[]>;

/** The learning records of the test's bot, read as the bot reads them. */
export function learningStore(t: TestApp): LearningStore {
  return new LearningStore(t.app.redis, t.prefix, t.app.clock, t.app.log, t.app.areas);
}

export function as(t: TestApp, user: string): Send {
  return (message) => t.send(user, message);
}

/** The last question's choice whose label contains `label` (buttons are what people tap). */
export function choiceLabelled(replies: Reply[], label: string): string {
  const found = replies.flatMap((r) => r.choices ?? []).find((c) => c.label.includes(label));
  if (!found) throw new Error(`no choice labelled "${label}" in ${JSON.stringify(replies.map((r) => r.choices))}`);
  return found.value;
}

export interface Registration {
  name?: string;
  birthYear?: string;
  province?: string;
  commune?: string;
  communeLabel?: string;
  group?: string;
  phone?: string;
}

/** From the main menu: consent, then registration with typed answers. Ends at the learning menu. */
export async function register(send: Send, r: Registration = {}): Promise<Reply[]> {
  // /menu, not /start: other capabilities may greet with offers of their own.
  await send('/menu');
  const notice = await send({ choice: 'learning' });
  expect(choiceValues(notice)).toEqual(['yes', 'no']);
  expect(textOf(await send({ choice: 'yes' }))).toContain('Họ và tên');
  expect(textOf(await send(r.name ?? 'Nguyễn Văn An'))).toContain('Năm sinh');
  expect(textOf(await send(r.birthYear ?? '1985'))).toContain('tỉnh/thành');
  expect(textOf(await send(r.province ?? 'son la'))).toContain('Gõ tên xã/phường');
  const communes = await send(r.commune ?? 'to hieu');
  await send({ choice: choiceLabelled(communes, r.communeLabel ?? 'Tô Hiệu') });
  const phone = await send({ choice: r.group ?? 'resident' });
  expect(textOf(phone)).toContain('Số điện thoại');
  const done = await send(r.phone ?? '0912 345 678');
  expect(textOf(done)).toContain('Đã đăng ký');
  return done;
}

export interface ActivityInput {
  date?: string;
  kind?: string;
  title: string;
  hours?: string;
  indicators?: string;
  evidence: string | Omit<Inbound, 'user'>;
}

/** From the learning menu: one activity, answered by typing. Ends at "what next?". */
export async function logActivity(send: Send, a: ActivityInput): Promise<Reply[]> {
  expect(textOf(await send({ choice: 'log' }))).toContain('học vào ngày nào');
  await send(a.date ?? '15/03/2026');
  await send({ choice: a.kind ?? 'course' });
  await send(a.title);
  await send(a.hours ?? '2');
  expect(textOf(await send(a.indicators ?? '1 3 5'))).toContain('minh chứng');
  const saved = await send(a.evidence);
  expect(textOf(saved)).toContain(`Đã lưu: ${a.title}`);
  return saved;
}

/** Every key under the prefix whose name or content mentions one of the needles. */
export async function traces(t: TestApp, needles: string[]): Promise<string[]> {
  const { redis } = t.app;
  const found: string[] = [];
  for (const key of await keysMatching(redis, `${t.prefix}*`)) {
    const type = await redis.type(key);
    const content =
      type === 'string' ? [await redis.get(key)]
      : type === 'hash' ? Object.entries(await redis.hgetall(key)).flat()
      : type === 'set' ? await redis.smembers(key)
      : type === 'zset' ? await redis.zrange(key, 0, -1)
      : type === 'list' ? await redis.lrange(key, 0, -1)
      : type === 'stream' ? (await redis.xrange(key, '-', '+')).flatMap(([, fields]) => fields)
      : [];
    const text = [key, ...content].join('\n');
    // Queue job ids carry the person's id with ":" escaped.
    for (const n of needles) if (text.includes(n) || text.includes(n.replace(/%/g, '%25').replace(/:/g, '%3A'))) found.push(`${key} mentions ${n}`);
  }
  return found;
}

