import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LearningContext } from '../../src/learning/context.js';
import { Criteria } from '../../src/learning/criteria.js';
import { decide } from '../../src/learning/review.js';
import { LearningStore, RecordError } from '../../src/learning/store.js';
import { createTestApp, textOf, type TestApp } from '../support/app.js';
import { FakeClock } from '../support/clock.js';
import { startRedisServer, untilAnswers, type RedisServer } from '../support/redis-server.js';
import { as, logActivity, register } from './helpers.js';

describe('learning records in Redis', () => {
  let t: TestApp;
  let ctx: LearningContext;
  const clock = new FakeClock('2026-06-10T03:00:00Z');

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { ADMIN_IDS: 'telegram:7011,telegram:7012' } });
    ctx = { app: t.app, store: new LearningStore(t.app.redis, t.prefix, clock, t.app.log, t.app.areas), criteria: Criteria.load(join(t.app.dirs.data, 'criteria.yaml'), t.app.areas) };
  });
  afterAll(() => t.close());

  it('refuses to write a record that fails its schema, and writes nothing', async () => {
    const { store } = ctx;
    await expect(store.saveProfile('web:w', { name: 'An', birthYear: 1990, area: 'son-la.to-hieu', group: 'resident', phone: '12345' })).rejects.toThrow(RecordError);
    expect(await t.app.redis.exists(store.keys.profile('web:w'), store.keys.person('web:w'))).toBe(0);
    await store.createFile('web:w', 2026, 'son-la.to-hieu', 'resident');
    const bad = { id: 'abcdef12', date: '2026-02-30x', kind: 'course', title: 'x', hours: -1, indicators: [], createdAt: 1, updatedAt: 1 };
    await expect(store.putActivity('web:w', 2026, bad)).rejects.toThrow(/date|hours|indicators/);
    expect(await store.activities('web:w', 2026)).toEqual([]);
    const before = await store.file('web:w', 2026);
    await expect(store.updateFile('web:w', 2026, (f) => ({ ...f, scores: { '1': -1 } }))).rejects.toThrow(RecordError);
    expect(await store.file('web:w', 2026)).toEqual(before);
  });

  it('gives a new file an id no other file has, even when the random draw repeats one', async () => {
    const draws = ['0badf11e', '0badf11e', '0badf11e', 'c0ffee01'];
    const store = new LearningStore(t.app.redis, t.prefix, clock, t.app.log, t.app.areas, () => draws.shift() ?? 'ffffffff');
    const first = await store.createFile('web:id-1', 2026, 'son-la.to-hieu', 'resident');
    const second = await store.createFile('web:id-2', 2026, 'son-la.to-hieu', 'resident');
    expect([first.id, second.id]).toEqual(['0badf11e', 'c0ffee01']);
    expect(await store.fileById('0badf11e')).toMatchObject({ user: 'web:id-1' });
    expect(await store.fileById('c0ffee01')).toMatchObject({ user: 'web:id-2' });
    // Asking again for a file the person already has draws nothing and changes nothing.
    expect((await store.createFile('web:id-1', 2026, 'son-la.to-hieu', 'resident')).id).toBe('0badf11e');
    expect(draws).toEqual([]);
  });

  it('ignores a record that fails its schema when read back, and the conversation goes on', async () => {
    const send = as(t, 'web:corrupt');
    await register(send);
    await logActivity(send, { title: 'Hoạt động thật', evidence: 'Ghi chú thật' });
    const { store } = ctx;
    const rows = JSON.parse((await t.app.redis.get(store.keys.acts('web:corrupt', 2026))) as string) as unknown[];
    await t.app.redis.set(store.keys.acts('web:corrupt', 2026), JSON.stringify([...rows, ['broken', '2026-01-01', 'course', 'x', 'many', [1], 1, 0], 'not a row at all']));
    expect((await store.activities('web:corrupt', 2026)).map((a) => a.title)).toEqual(['Hoạt động thật']);
    // As a file in a key of its own (a registered one is a line of the person's hash) that no longer reads.
    await t.app.redis.set(store.keys.file('web:corrupt', 2026), '{"status":"approved"}');
    await t.app.redis.hdel(store.keys.person('web:corrupt'), 'f:2026');
    await t.app.redis.hset(store.keys.person('web:corrupt'), 'y:2026', '');
    await t.app.redis.zadd(store.keys.idx(2026, 'approved', 'son-la.to-hieu'), 1, 'web:corrupt');
    await t.app.redis.hset(store.keys.person('web:corrupt'), 'idx:2026:approved:son-la.to-hieu', '');
    await send('/menu');
    // An unreadable file counts as none: the person is offered to register the year again, and can.
    const offer = await send({ choice: 'learning' });
    expect(textOf(offer)).not.toContain('lỗi');
    expect(textOf(offer)).toContain('Đăng ký năm 2026');
    expect(textOf(await send({ choice: 'yes' }))).toContain('Đã đăng ký');
    expect(await store.file('web:corrupt', 2026)).toMatchObject({ status: 'registered' });
    expect(await store.usersIn(2026, 'approved', ['son-la.to-hieu'])).toEqual([]);
  });

  it('keeps records short (no long field names) and still reads and changes records written with the long names', async () => {
    const { store } = ctx;
    const send = as(t, 'web:compact');
    await register(send);
    // The profile is short fields of the person's small hash, which stays compact.
    expect(await t.app.redis.hmget(store.keys.person('web:compact'), 'pn', 'pb')).toEqual([expect.any(String), expect.stringMatching(/^\d{4}$/)]);
    expect(await t.app.redis.object('ENCODING', store.keys.person('web:compact'))).toBe('listpack');
    expect(await t.app.redis.exists(store.keys.profile('web:compact'))).toBe(0);
    // A new file is one line of that hash (no key of its own): its id, area, group and time, nothing it has not yet.
    const year = (await store.latestFile('web:compact'))?.year as number;
    const line = (await t.app.redis.hget(store.keys.person('web:compact'), `f:${year}`)) as string;
    const registered = await store.file('web:compact', year);
    expect(line).toBe(`${registered?.id} son-la.to-hieu resident ${registered?.registeredAt.toString(36)}`);
    expect(registered).toMatchObject({ year, status: 'registered', scores: {}, submissions: 0, updatedAt: registered?.registeredAt });
    expect(await t.app.redis.exists(store.keys.file('web:compact', year))).toBe(0);
    // Once scored it is JSON in a key of its own, without its year, no submissions, the first status or an unchanged time.
    await store.updateFile('web:compact', year, (f) => ({ ...f, scores: { '1': 8 } }));
    const fileRaw = JSON.parse((await t.app.redis.get(store.keys.file('web:compact', year))) as string) as Record<string, unknown>;
    expect(Object.keys(fileRaw).sort()).toEqual(['a', 'g', 'i', 'r', 'sc']);
    expect(await t.app.redis.hget(store.keys.person('web:compact'), `f:${year}`)).toBeNull();
    expect(await store.file('web:compact', year)).toMatchObject({ id: registered?.id, scores: { '1': 8 } });
    expect(await store.years('web:compact')).toEqual([year]);
    // As the versions before compact records wrote them.
    const user = 'web:longnames';
    await t.app.redis.set(store.keys.consent(user), JSON.stringify({ version: '2026-1', at: 1 }));
    await t.app.redis.set(store.keys.profile(user), JSON.stringify({ name: 'Lê Thị Cũ', birthYear: 1970, area: 'son-la.to-hieu', group: 'resident', updatedAt: 1 }));
    const file = { id: 'abcd1234', year: 2026, area: 'son-la.to-hieu', group: 'resident', status: 'registered', scores: { '1': 7 }, registeredAt: 1, updatedAt: 1, submissions: 0 };
    await t.app.redis.set(store.keys.file(user, 2026), JSON.stringify(file));
    await t.app.redis.hset(store.keys.person(user), 'y:2026', '');
    expect(await store.consent(user)).toEqual({ version: '2026-1', at: 1 });
    expect(await store.profile(user)).toMatchObject({ name: 'Lê Thị Cũ', birthYear: 1970 });
    expect(await store.file(user, 2026)).toEqual(file);
    const changed = await store.updateFile(user, 2026, (f) => ({ ...f, scores: { ...f.scores, '2': 5 } }));
    expect(changed.ok).toBe(true);
    expect(await store.file(user, 2026)).toMatchObject({ id: 'abcd1234', scores: { '1': 7, '2': 5 } });
    // A new consent goes into the person's small hash, and the key of its own goes.
    await store.setConsent(user, '2026-2');
    expect(await store.consent(user)).toMatchObject({ version: '2026-2' });
    expect(await t.app.redis.exists(store.keys.consent(user))).toBe(0);
    // So does a profile, its phone removed when it is changed without one.
    await store.saveProfile(user, { name: 'Lê Thị Mới', birthYear: 1970, area: 'son-la.to-hieu', group: 'resident' });
    expect(await store.profile(user)).toMatchObject({ name: 'Lê Thị Mới', birthYear: 1970 });
    expect(await t.app.redis.exists(store.keys.profile(user))).toBe(0);
    await store.saveProfile(user, { name: 'Lê Thị Mới', birthYear: 1970, area: 'son-la.to-hieu', group: 'resident', phone: '0912345678' });
    await store.saveProfile(user, { name: 'Lê Thị Mới', birthYear: 1971, area: 'son-la.to-hieu', group: 'resident' });
    expect(await store.profile(user)).not.toHaveProperty('phone');
    expect(await t.app.redis.object('ENCODING', store.keys.person(user))).toBe('listpack');
  });

  it('lets exactly one of two officers deciding at once win', async () => {
    const { store } = ctx;
    await store.createFile('web:race', 2026, 'son-la.to-hieu', 'resident');
    await store.updateFile('web:race', 2026, (f) => ({ ...f, status: 'submitted', submittedAt: 1, submissions: 1 }));
    const id = (await store.file('web:race', 2026))?.id as string;
    const results = await Promise.all([decide(ctx, 'telegram:7011', id, 'approved'), decide(ctx, 'telegram:7012', id, 'returned', 'Thiếu minh chứng')]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'not_submitted' }]);
    const file = await store.file('web:race', 2026);
    // The figures count the one decision that was written, not the refused one.
    const figures = (await store.figures.read(2026, 'son-la')).get('son-la.to-hieu')?.total;
    expect(figures?.recognised).toBe((await store.usersIn(2026, 'approved', ['son-la.to-hieu'])).length);
    expect(figures?.returned).toBe((await store.usersIn(2026, 'returned', ['son-la.to-hieu'])).length);
    expect((figures?.recognised ?? 0) + (figures?.returned ?? 0)).toBeGreaterThanOrEqual(1);
    expect(await t.app.redis.zscore(store.keys.idx(2026, file?.status ?? 'submitted', 'son-la.to-hieu'), 'web:race')).not.toBeNull();
    expect(await t.app.redis.zscore(store.keys.idx(2026, 'submitted', 'son-la.to-hieu'), 'web:race')).toBeNull();
  });
});

describe('learning records survive a Redis restart (append-only file on)', () => {
  let server: RedisServer;
  let t: TestApp;
  const clock = new FakeClock('2026-06-10T03:00:00Z');

  beforeAll(async () => {
    server = await startRedisServer({ appendonly: true });
    t = await createTestApp({ clock, redisUrl: server.url });
  });
  afterAll(async () => {
    await t.close();
    await server.dispose();
  });


  it('finds the profile, the file and the activities after redis-server restarts, and the conversation resumes', async () => {
    const send = as(t, 'web:durable');
    await register(send);
    await logActivity(send, { title: 'Lớp học bền vững', evidence: 'https://example.vn/ben-vung' });
    await send({ choice: 'back' });
    await send({ choice: 'log' });
    await send({ choice: 'today' });

    await server.stop();
    // While Redis is down the person is asked to try again, and nothing they had is lost.
    expect(textOf(await send({ choice: 'course' }))).toContain('hệ thống đang bận');
    await server.restart();
    await untilAnswers(t.app.redis);

    const store = new LearningStore(t.app.redis, t.prefix, clock, t.app.log, t.app.areas);
    expect(await store.profile('web:durable')).toMatchObject({ name: 'Nguyễn Văn An', area: 'son-la.to-hieu' });
    expect(await store.file('web:durable', 2026)).toMatchObject({ status: 'registered' });
    expect((await store.activities('web:durable', 2026)).map((a) => a.title)).toEqual(['Lớp học bền vững']);
    expect(await store.usersIn(2026, 'registered', ['son-la.to-hieu'])).toEqual([expect.objectContaining({ user: 'web:durable' })]);
    // The question that was waiting is still waiting.
    expect(textOf(await send({ choice: 'course' }))).toContain('Tên hoạt động');
  });
});

describe('learning records without Redis (in-memory mode)', () => {
  it('registers, scores, submits and takes a decision, as with Redis', async () => {
    const t = await createTestApp({ store: 'memory', clock: new FakeClock('2026-06-10T03:00:00Z'), env: { ADMIN_IDS: 'telegram:7001' } });
    try {
      const send = as(t, 'web:mem');
      await register(send);
      await logActivity(send, { title: 'Lớp học', evidence: 'Ghi chú' });
      await send({ choice: 'back' });
      await send({ choice: 'score' });
      await send('9 9 9 9 9 9 9 9 9 9');
      await send({ choice: 'submit' });
      expect(textOf(await send({ choice: 'send' }))).toContain('đã gửi, chờ duyệt');
      const ctx: LearningContext = { app: t.app, store: new LearningStore(t.app.redis, t.prefix, t.app.clock, t.app.log, t.app.areas), criteria: Criteria.load(join(t.app.dirs.data, 'criteria.yaml'), t.app.areas) };
      const id = (await ctx.store.file('web:mem', 2026))?.id as string;
      expect(await decide(ctx, 'telegram:7001', id, 'approved')).toMatchObject({ ok: true, file: { status: 'approved' } });
      expect(await ctx.store.usersIn(2026, 'approved', ['son-la.to-hieu'])).toEqual([expect.objectContaining({ user: 'web:mem' })]);
    } finally {
      await t.close();
    }
  });
});
