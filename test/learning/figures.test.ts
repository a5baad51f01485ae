import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminIO } from '../../src/admin/commands.js';
import type { LearningContext } from '../../src/learning/context.js';
import { Criteria } from '../../src/learning/criteria.js';
import { decide } from '../../src/learning/review.js';
import { LearningStore } from '../../src/learning/store.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { FakeClock } from '../support/clock.js';

/**
 * The figures follow every change of a file (registered in March, sent in April, returned and sent again,
 * recognised in May) without counting anything twice, and the repair counts them again from the files.
 */
describe('learning figures kept up to date per area and month', () => {
  let t: TestApp;
  let ctx: LearningContext;
  const clock = new FakeClock('2026-03-10T03:00:00Z');
  const quiet: AdminIO = { out: () => undefined, err: () => undefined };

  const totals = async (area: string, root = 'son-la') => (await ctx.store.figures.read(2026, root)).get(area)?.total;
  const months = async (area: string, root = 'son-la') => Object.fromEntries((await ctx.store.figures.read(2026, root)).get(area)?.months ?? []);

  async function submit(user: string) {
    await ctx.store.updateFile(user, 2026, (f) => ({ ...f, status: 'submitted', submittedAt: clock.now().getTime(), submissions: f.submissions + 1 }));
    return (await ctx.store.file(user, 2026))?.id as string;
  }

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { ADMIN_IDS: 'telegram:7000' } });
    ctx = { app: t.app, store: new LearningStore(t.app.redis, t.prefix, clock, t.app.log, t.app.areas), criteria: Criteria.load(join(t.app.dirs.data, 'criteria.yaml'), t.app.areas) };
  });
  afterAll(async () => t?.close());

  it('moves a file between counts as it changes, once per state, into the month it happened', async () => {
    for (const user of ['web:f1', 'web:f2']) {
      await t.app.users.seen(user, 'vi');
      await ctx.store.createFile(user, 2026, 'son-la.chieng-an', 'worker');
    }
    expect(await totals('son-la.chieng-an')).toEqual({ registered: 2, submitted: 0, returned: 0, recognised: 0 });

    clock.set('2026-04-02T03:00:00Z');
    const id = await submit('web:f1');
    expect(await decide(ctx, 'telegram:7000', id, 'returned', 'Thiếu ảnh')).toMatchObject({ ok: true });
    expect(await totals('son-la.chieng-an')).toEqual({ registered: 2, submitted: 1, returned: 1, recognised: 0 });

    clock.set('2026-05-20T03:00:00Z');
    await submit('web:f1');
    expect(await totals('son-la.chieng-an')).toEqual({ registered: 2, submitted: 1, returned: 0, recognised: 0 });
    expect(await decide(ctx, 'telegram:7000', id, 'approved')).toMatchObject({ ok: true });
    // A second decision is refused and counts nothing.
    expect(await decide(ctx, 'telegram:7000', id, 'returned', 'lại')).toMatchObject({ ok: false, reason: 'not_submitted' });
    expect(await totals('son-la.chieng-an')).toEqual({ registered: 2, submitted: 1, returned: 0, recognised: 1 });
    expect(await months('son-la.chieng-an')).toEqual({
      '2026-03': { registered: 2, submitted: 0, returned: 0, recognised: 0 },
      '2026-05': { registered: 0, submitted: 1, returned: 0, recognised: 1 },
    });

    // Following the same state again (a retry, a second worker) changes nothing.
    const file = await ctx.store.file('web:f1', 2026);
    await ctx.store.figures.follow('web:f1', undefined, file);
    await ctx.store.figures.follow('web:f1', file, file);
    expect(await totals('son-la.chieng-an')).toEqual({ registered: 2, submitted: 1, returned: 0, recognised: 1 });

    // A stale state arriving after a newer one (two changes finishing out of order) is ignored.
    await ctx.store.figures.follow('web:f1', undefined, { ...(file as NonNullable<typeof file>), status: 'submitted', updatedAt: 1 });
    expect((await totals('son-la.chieng-an'))?.recognised).toBe(1);
  });

  it('moves a file to its new commune, in another province too, and forgets an erased person', async () => {
    await ctx.store.createFile('web:mover', 2026, 'son-la.to-hieu', 'worker');
    expect((await totals('son-la.to-hieu'))?.registered).toBe(1);
    await ctx.store.updateFile('web:mover', 2026, (f) => ({ ...f, area: 'tay-ninh.long-hoa' }));
    expect(await totals('son-la.to-hieu')).toBeUndefined();
    expect((await totals('tay-ninh.long-hoa', 'tay-ninh'))?.registered).toBe(1);
    await ctx.store.erase('web:mover');
    expect(await totals('tay-ninh.long-hoa', 'tay-ninh')).toBeUndefined();
    // Erased with a file that no longer reads: nothing of the person stays in the figures either.
    await ctx.store.createFile('web:broken', 2026, 'son-la.to-hieu', 'worker');
    await t.app.redis.set(ctx.store.keys.file('web:broken', 2026), '{"status":"approved"}');
    await ctx.store.erase('web:broken');
    expect(await totals('son-la.to-hieu')).toBeUndefined();
    expect(await t.app.redis.hexists(ctx.store.figures.keys.files(2026, 'son-la'), 'web:broken')).toBe(0);
  });

  it('counts again from the files with `repair figures`, and `stats learning` reads the same figures', async () => {
    const { figures } = ctx.store;
    const before = await figures.read(2026, 'son-la');
    // Damage: a counter off, a file's entry lost, a file that no longer exists still counted.
    await t.app.redis.hset(figures.keys.counters(2026, 'son-la'), 'son-la.chieng-an|registered', '999');
    await t.app.redis.hdel(figures.keys.files(2026, 'son-la'), 'web:f2');
    await t.app.redis.hset(figures.keys.files(2026, 'son-la'), 'web:gone', '1\nson-la.chieng-an\nrecognised|2026-05');
    await t.app.redis.hincrby(figures.keys.counters(2026, 'son-la'), 'son-la.chieng-an|recognised', 1);
    expect((await totals('son-la.chieng-an'))?.registered).toBe(999);

    const io = { lines: [] as string[], out(l: string) { this.lines.push(l); }, err: () => undefined };
    expect(await t.app.admin.find(['repair', 'figures'])?.cmd.run([], io)).toBe(0);
    expect(JSON.parse(io.lines[0] as string)).toMatchObject({ removed: 1 });
    expect(await figures.read(2026, 'son-la')).toEqual(before);
    expect(await t.app.admin.find(['repair', 'figures'])?.cmd.run(['now'], quiet)).toBe(2);

    const stats = { lines: [] as string[], out(l: string) { this.lines.push(l); }, err: () => undefined };
    expect(await t.app.admin.find(['stats', 'learning'])?.cmd.run(['--year', '2026'], stats)).toBe(0);
    const row = stats.lines.find((l) => l.trimStart().startsWith('son-la.chieng-an ('))?.trim().split(/\s{2,}/);
    expect(row?.slice(1, 4)).toEqual(['2', '1', '1']);
  });
});
