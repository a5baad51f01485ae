/**
 * Questions handed to officers: listing a commune's open questions grouped when alike (what /questions and
 * the console's Questions page do on every view), the same for a province's officer (every commune's
 * index), and looking up the officers' notes for a question the plans do not answer (every declined
 * question does it).
 */
import type { BenchLine } from './run.js';
import { createApp } from '../src/app/create.js';
import { configSchema } from '../src/config.js';
import { createLogger } from '../src/core/logger.js';
import { Questions } from '../src/questions/service.js';
import { benchRedis } from './support/redis.js';

const OPEN = 500;
const NOTES = 200;
const ROUNDS = 20;
const LOOKUPS = 200;
const COMMUNE = 'son-la.chieng-an';

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const ms = (value: number): number => Math.round(value * 100) / 100;

async function timed(rounds: number, work: (i: number) => Promise<unknown>): Promise<{ p50_ms: number; p99_ms: number }> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await work(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50_ms: ms(percentile(times, 50)), p99_ms: ms(percentile(times, 99)) };
}

/** 50 subjects, each asked ten times in four wordings: as written, with a question mark, with words around it, without marks. */
const subject = (i: number) => `lớp học số ${i % 50} ở nhà văn hóa tổ ${i % 50} có mở buổi tối không`;
const wordings = [(s: string) => s, (s: string) => `${s}?`, (s: string) => `cho em hỏi ${s} ạ`, (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd')];

export async function* run(): AsyncGenerator<BenchLine> {
  const server = await benchRedis();
  const config = configSchema.parse({ REDIS_URL: server.url, REDIS_PREFIX: 'bq:', LOG_LEVEL: 'silent' });
  const app = await createApp({ config, log: createLogger('silent'), throttle: null });
  try {
    await new Promise((r) => (app.redis.status === 'ready' ? r(null) : app.redis.once('ready', r)));
    const questions = new Questions(app);
    for (let i = 0; i < OPEN; i++) await questions.send(`telegram:${300_000_000 + i}`, (wordings[i % wordings.length] as (s: string) => string)(subject(i)), COMMUNE, 'vi');
    const groups = await questions.groups([COMMUNE]);
    yield { bench: 'questions-list', open: OPEN, groups: groups.length, ...(await timed(ROUNDS, () => questions.groups([COMMUNE]))) };
    yield { bench: 'questions-list-province', open: OPEN, communes: app.areas.subtree('son-la').length, ...(await timed(ROUNDS, () => questions.groups(['son-la']))) };

    const who = { areas: [COMMUNE] };
    for (let i = 0; i < NOTES; i++) await questions.keepNote(who, COMMUNE, `${subject(i)} và học phí bao nhiêu`, `Trả lời ${i}.`);
    let found = 0;
    const lookups = await timed(LOOKUPS, async (i) => {
      if (await questions.fromNotes(`${subject(i)} và học phí bao nhiêu`, 'vi', COMMUNE)) found++;
    });
    yield { bench: 'questions-notes', notes: NOTES, lookups: LOOKUPS, answered: found, ...lookups };
  } finally {
    await app.stop();
    app.redis.disconnect();
    await server.dispose();
  }
}
