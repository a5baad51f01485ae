import { afterAll, describe, expect, it } from 'vitest';
import type { AdminIO } from '../../src/admin/commands.js';
import { LearningStore } from '../../src/learning/store.js';
import { as, register } from '../learning/helpers.js';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
afterAll(() => t?.close());

async function repair(t: TestApp): Promise<{ people: number; removed: number }> {
  const out: string[] = [];
  const io: AdminIO = { out: (l) => out.push(l), err: () => undefined };
  const found = t.app.admin.find(['repair', 'indexes']);
  if (!found) throw new Error('no repair command');
  expect(await found.cmd.run(found.args, io)).toBe(0);
  return JSON.parse(out[0] as string);
}

describe('npm run admin -- repair indexes', () => {
  it("rebuilds the area and review indexes from each person's records and drops entries nobody's records back", async () => {
    t = await createTestApp();
    await register(as(t, 'web:indexed'), { name: 'Mai Văn Chỉ' });
    const store = new LearningStore(t.app.redis, t.prefix, t.app.clock, t.app.log, t.app.areas);
    const registered = () => store.usersIn(2026, 'registered', ['son-la.to-hieu']).then((rows) => rows.map((r) => r.user));
    expect(await t.app.users.inArea('son-la.to-hieu')).toEqual(['web:indexed']);
    expect(await registered()).toEqual(['web:indexed']);

    // An instance died between the person's write and the index writes; another index names a stranger.
    await t.app.redis.srem(`${t.prefix}area-users:son-la.to-hieu`, 'web:indexed');
    await t.app.redis.zrem(`${t.prefix}lc:idx:2026:registered:son-la.to-hieu`, 'web:indexed');
    await t.app.redis.sadd(`${t.prefix}area-users:son-la.to-hieu`, 'web:ghost');
    await t.app.redis.zadd(`${t.prefix}lc:idx:2026:submitted:son-la.to-hieu`, 1, 'web:indexed');
    expect(await registered()).toEqual([]);

    expect(await repair(t)).toEqual({ people: 1, removed: 2 });
    expect(await t.app.users.inArea('son-la.to-hieu')).toEqual(['web:indexed']);
    expect(await registered()).toEqual(['web:indexed']);
    expect(await store.usersIn(2026, 'submitted', ['son-la.to-hieu'])).toEqual([]);
    expect(await repair(t)).toEqual({ people: 1, removed: 0 });
  });
});
