import { afterAll, describe, expect, it } from 'vitest';
import type { AdminIO } from '../../src/admin/commands.js';
import { activityOfRow, fileOfCompact, storedFile, type LearningFile } from '../../src/learning/records.js';
import { MEASURES } from '../../src/learning/figures.js';
import { LearningStore } from '../../src/learning/store.js';
import { campaignStats, statusOf } from '../../src/outbound/deliver.js';
import { DirectOutbound } from '../../src/outbound/direct.js';
import { Subscriptions } from '../../src/reminders/subscriptions.js';
import type { Redis } from '../../src/store/redis.js';
import { RECORD_NAMES } from '../../src/users/directory.js';
import { as, logActivity, register, traces } from '../learning/helpers.js';
import { createTestApp, keysMatching, textOf, type TestApp } from '../support/app.js';

let t: TestApp;
afterAll(() => t?.close());

/** Every key under the prefix with its type and content, in a form that compares. */
async function contents(redis: Redis, prefix: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of (await keysMatching(redis, `${prefix}*`)).sort()) {
    const type = await redis.type(key);
    const value =
      type === 'string' ? await redis.get(key)
      : type === 'hash' ? Object.entries(await redis.hgetall(key)).sort()
      : type === 'set' ? (await redis.smembers(key)).sort()
      : type === 'zset' ? await redis.zrange(key, 0, -1, 'WITHSCORES')
      : type === 'list' ? await redis.lrange(key, 0, -1)
      : type;
    out[key.slice(prefix.length)] = `${type} ${JSON.stringify(value)}`;
  }
  return out;
}

/**
 * Turns the store back into what the code before the learning records moved into the person's hash wrote:
 * their fields in a hash of their own (`lc:r:`), every file JSON in a key of its own, a key per file id,
 * the consent as JSON, the directory's fields under long names and the language always there, the figures' states with decimal times and measure names.
 */
async function toSeparateRecords(redis: Redis, p: string): Promise<void> {
  for (const key of await keysMatching(redis, `${p}*`)) {
    const name = key.slice(p.length);
    let m: RegExpExecArray | null;
    if ((m = /^u:(\{u:[^}]+\})$/.exec(name))) {
      const learning = Object.entries(await redis.hgetall(key)).filter(([f]) => f === 'c' || /^p[a-z]$/.test(f) || /^(y|f|idx|fid):/.test(f));
      for (const [field, value] of learning) {
        const year = Number(field.slice(2));
        if (field.startsWith('f:')) {
          await redis.set(`${p}lc:file:${m[1]}:${year}`, JSON.stringify(storedFile(fileOfCompact(value, year) as LearningFile)));
          // Its status index was named by a ref too.
          await redis.hset(`${p}lc:r:${m[1]}`, `y:${year}`, '', `idx:${year}:registered:${value.split(' ')[1]}`, '');
        } else if (field === 'c') {
          // The consent was short JSON.
          const [at, version] = [value.slice(0, value.indexOf(' ')), value.slice(value.indexOf(' ') + 1)];
          await redis.hset(`${p}lc:r:${m[1]}`, field, JSON.stringify({ v: version, t: parseInt(at, 36) }));
        } else await redis.hset(`${p}lc:r:${m[1]}`, field, value);
      }
      if (learning.length) await redis.hdel(key, ...learning.map(([f]) => f));
      // The directory's record had long field names, and always a language.
      for (const [long, short] of Object.entries(RECORD_NAMES)) {
        const value = (await redis.hget(key, short)) ?? (long === 'lang' ? 'vi' : null);
        if (value != null) await redis.multi().hset(key, long, value).hdel(key, short).exec();
      }
    } else if (/^lc:fig:.*:files$/.test(name)) {
      // What each file adds to the figures: the time in decimal, the measures by name.
      for (const [user, state] of Object.entries(await redis.hgetall(key))) {
        const [time, area, ...marks] = state.split('\n');
        const old = marks.map((l) => `${MEASURES[Number(l[0])]}|20${l.slice(1, 3)}-${l.slice(3, 5)}`);
        await redis.hset(key, user, [parseInt(time as string, 36), area, ...old].join('\n'));
      }
    } else if (/^lc:fids:\d+$/.test(name)) {
      for (const [id, ref] of Object.entries(await redis.hgetall(key))) {
        const [year, user] = [Number(ref.slice(0, 4)), ref.slice(5)];
        await redis.set(`${p}lc:fid:${id}`, JSON.stringify({ u: user, y: year }));
      }
      await redis.del(key);
    }
  }
}

/**
 * Turns the store back into what the code before cluster support wrote: no person tags, one set of
 * everyone, one news hash, one status and one count hash per campaign, marks named by key and person.
 */
async function toOldLayout(redis: Redis, p: string): Promise<void> {
  await toSeparateRecords(redis, p);
  for (const key of await keysMatching(redis, `${p}*`)) {
    const name = key.slice(p.length);
    let old: string | undefined;
    let m: RegExpExecArray | null;
    // The learning figures came after cluster support (in slots of their own from the start): left as they are.
    if (name.startsWith('lc:fig:')) continue;
    if ((m = /^users:\d+$/.exec(name))) {
      await redis.sadd(`${p}users`, ...(await redis.smembers(key)));
    } else if ((m = /^rem:(news|news-declined):\{n\d+\}$/.exec(name))) {
      const h = await redis.hgetall(key);
      if (Object.keys(h).length) await redis.hset(`${p}rem:${m[1]}`, h);
    } else if ((m = /^out:(stats|status):\{c:(.+):\d+\}$/.exec(name))) {
      const h = await redis.hgetall(key);
      for (const [f, v] of Object.entries(h)) {
        if (m[1] === 'stats') await redis.hincrby(`${p}out:stats:${m[2]}`, f, Number(v));
        else await redis.hset(`${p}out:status:${m[2]}`, f, v);
      }
    } else if ((m = /^out:once:\{c:.+:\d+\}:(.+)$/.exec(name))) old = `out:once:${m[1]}`;
    else if (name.startsWith('out:marks:') || name.startsWith('out:about:')) old = undefined;
    else if ((m = /^lc:a:\{u:([^}]+)\}:(\d+)$/.exec(name))) {
      // A year's activities were a hash of whole JSON objects, by id.
      const rows = JSON.parse((await redis.get(key)) as string) as unknown[];
      for (const row of rows) {
        const read = activityOfRow(row, Number(m[2]));
        if (read.ok) await redis.hset(`${p}lc:acts:${m[1]}:${m[2]}`, read.activity.id, JSON.stringify(read.activity));
      }
    } else if ((m = /^lc:r:\{u:([^}]+)\}$/.exec(name))) {
      // References were a set of full key names, and the years a set of their own.
      // The consent and the profile were keys of their own.
      const h = await redis.hgetall(key);
      if (h.c != null) await redis.set(`${p}lc:consent:${m[1]}`, h.c);
      if (h.pn != null) await redis.set(`${p}lc:profile:${m[1]}`, JSON.stringify({ name: h.pn, birthYear: Number(h.pb), area: h.pa, group: h.pg, ...(h.pp ? { phone: h.pp } : {}), updatedAt: Number(h.pu) }));
      const fields = Object.keys(h).filter((f) => f !== 'c' && !/^p[a-z]$/.test(f));
      await redis.sadd(`${p}lc:refs:${m[1]}`, ...fields.filter((f) => !f.startsWith('y:')).map((ref) => `${p}lc:${ref}`));
      await redis.sadd(`${p}lc:years:${m[1]}`, ...fields.filter((f) => f.startsWith('y:')).map((f) => f.slice(2)));
    } else if ((m = /^rem:done:(.+):\{(.+)\}$/.exec(name))) old = `rem:done:${m[1]}:${m[2]}`;
    else if (name.startsWith('{bc}:')) old = `bc:${name.slice(5)}`;
    else if ((m = /^(.*)\{u:([^}]+)\}(.*)$/.exec(name))) old = `${m[1]}${m[2]}${m[3]}`;
    else continue;
    if (old) await redis.rename(key, `${p}${old}`).catch(async () => {
      // On a cluster RENAME cannot cross slots: copy and delete instead.
      const dump = await redis.dumpBuffer(key);
      if (dump) await redis.restore(`${p}${old}`, 0, dump);
      await redis.del(key);
    });
    else await redis.del(key);
  }
}

async function runMigrate(t: TestApp): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const io: AdminIO = { out: (l) => out.push(l), err: () => undefined };
  const found = t.app.admin.find(['migrate']);
  if (!found) throw new Error('no migrate command');
  return { code: await found.cmd.run(found.args, io), out };
}

describe('npm run admin -- migrate', () => {
  it('moves a store written before cluster support to the current keys, once, and the bot carries on with it', async () => {
    t = await createTestApp();
    const user = 'web:migrant';
    const send = as(t, user);
    await register(send, { name: 'Hà Văn Chuyển' });
    await logActivity(send, { title: 'Đọc sách ở thư viện xã', evidence: 'https://example.vn/anh.jpg' });
    await new Subscriptions(t.app.redis, t.prefix, t.app.clock).subscribeNews(user);
    await new DirectOutbound(t.app).enqueue([{ user, campaign: 'c-old', key: 'k-old', kind: 'broadcast', replies: [{ text: 'Tin cũ' }] }]);
    await expect.poll(() => statusOf(t.app, 'c-old', user)).toBe('sent');
    const current = await contents(t.app.redis, t.prefix);

    await toOldLayout(t.app.redis, t.prefix);
    const old = await contents(t.app.redis, t.prefix);
    expect(Object.keys(old).filter((k) => k.includes('{') && !k.startsWith('lc:fig:'))).toEqual([]);
    expect(old).toHaveProperty('users');
    expect(old).toHaveProperty(`s:${user}`);
    expect(old[`lc:acts:${user}:2026`]).toMatch(/^hash .*"title/);
    expect(old[`lc:refs:${user}`]).toMatch(/^set .*lc:idx:2026/);
    expect(old[`lc:years:${user}`]).toBe('set ["2026"]');
    expect(old[`lc:consent:${user}`]).toMatch(/^string .*2026-1/);
    expect(old[`lc:profile:${user}`]).toMatch(/^string .*birthYear/);

    const first = await runMigrate(t);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out[0] as string).moved).toBeGreaterThan(10);
    const migrated = await contents(t.app.redis, t.prefix);
    // The same keys and values as the current code writes, except that an old send-once mark, which did
    // not name its campaign, is kept under "legacy", and a campaign's old counts go to its first bucket.
    const legacyFree = (c: Record<string, string>) => Object.fromEntries(Object.entries(c).filter(([k]) => !/^out:(once|marks|stats):/.test(k)));
    expect(legacyFree(migrated)).toEqual(legacyFree(current));
    expect(Object.keys(migrated).filter((k) => k.startsWith('out:once:'))).toEqual([`out:once:{c:legacy:${/c:c-old:(\d+)/.exec(Object.keys(current).join(' '))?.[1]}}:k-old ${user}`]);

    // Running it again changes nothing.
    const second = await runMigrate(t);
    expect(JSON.parse(second.out[0] as string)).toEqual({ moved: 0, dropped: 0 });
    expect(await contents(t.app.redis, t.prefix)).toEqual(migrated);

    // The bot reads it all: the file, the news subscription, the delivery report, /mydata; and /deletedata erases it.
    await send('/menu');
    expect(textOf(await send({ choice: 'learning' }))).toContain('Hồ sơ năm 2026');
    expect(await new Subscriptions(t.app.redis, t.prefix, t.app.clock).newsSince(user)).toBeGreaterThan(0);
    expect(await campaignStats(t.app, 'c-old')).toEqual({ queued: 1, sent: 1 });
    expect(await statusOf(t.app, 'c-old', user)).toBe('sent');
    expect(textOf(await send('/mydata'))).toContain('1 tin nhắn');
    await send('/deletedata');
    await send({ choice: 'yes' });
    expect(await traces(t, [user, 'Hà Văn Chuyển'])).toEqual([]);
  });
});

describe('npm run admin -- migrate, on a store of the version before the person\'s hash', () => {
  it('moves the learning fields into the person\'s hash, a registered file into a line there, the file ids into buckets; once', async () => {
    const app = await createTestApp();
    try {
      const send = as(app, 'web:before');
      await register(send, { name: 'Đỗ Văn Trước' });
      await logActivity(send, { title: 'Lớp tin học', evidence: 'https://example.vn/a.jpg' });
      // A second person whose file was scored: it stays JSON in a key of its own.
      const scored = as(app, 'web:scored');
      await register(scored, { name: 'Đỗ Thị Chấm' });
      const store = new LearningStore(app.app.redis, app.prefix, app.app.clock, app.app.log, app.app.areas);
      await store.updateFile('web:scored', 2026, (f) => ({ ...f, scores: { '1': 9 } }));
      const current = await contents(app.app.redis, app.prefix);
      expect(current['u:{u:web:before}']).toMatch(/"f:2026"/);
      expect(Object.keys(current).filter((k) => /^lc:(file|fid:|r:)/.test(k))).toEqual(['lc:file:{u:web:scored}:2026']);

      await toSeparateRecords(app.app.redis, app.prefix);
      const before = await contents(app.app.redis, app.prefix);
      expect(before['lc:r:{u:web:before}']).toMatch(/"pn","Đỗ Văn Trước"/);
      expect(before['u:{u:web:before}']).toMatch(/"firstSeen"/);
      expect(before['lc:fig:{2026:son-la}:files']).toMatch(/registered\|2026-/);
      expect(before['lc:file:{u:web:before}:2026']).toMatch(/^string .*\\"i\\":/);
      expect(Object.keys(before).filter((k) => k.startsWith('lc:fid:'))).toHaveLength(2);

      const first = await runMigrate(app);
      // Two directory records, two learning hashes, two consents, one registered file, two file ids, two figures' states.
      expect(JSON.parse(first.out[0] as string).moved).toBe(2 + 2 + 2 + 1 + 2 + 2);
      expect(await contents(app.app.redis, app.prefix)).toEqual(current);
      expect(JSON.parse((await runMigrate(app)).out[0] as string)).toEqual({ moved: 0, dropped: 0 });
      await send('/menu');
      expect(textOf(await send({ choice: 'learning' }))).toContain('Hồ sơ năm 2026');
      expect(await store.fileById((await store.file('web:scored', 2026))?.id as string)).toMatchObject({ user: 'web:scored' });
    } finally {
      await app.close();
    }
  });
});

describe('npm run admin -- migrate, on activities in the first array form', () => {
  it('reads rows written before, and rewrites them shorter with the same activities', async () => {
    const app = await createTestApp();
    try {
      const store = new LearningStore(app.app.redis, app.prefix, app.app.clock, app.app.log, app.app.areas);
      const user = 'web:rows';
      // As the code before wrote them: the date "yyyy-mm-dd", times in ms, 0 for no change, a link as ["l", url].
      const before = [
        ['6e35143e', '2026-03-10', 'course', 'Lớp bồi dưỡng kỹ năng số', 2, [1, 3, 5], 1796657168933, 0, ['l', 'https://drive.example.vn/a.jpg']],
        ['6e9dd1bb', '2026-04-02', 'course', 'Đọc sách', 1.5, [2], 1796657169013, 1796657170000, ['n', 'Sổ tay']],
        ['fbbe5458', '2026-05-20', 'course', 'Không minh chứng', 3, [4], 1796657169100, 0],
      ];
      const key = store.keys.acts(user, 2026);
      await app.app.redis.set(key, JSON.stringify(before));
      const read = await store.activities(user, 2026);
      expect(read).toEqual([
        { id: '6e35143e', date: '2026-03-10', kind: 'course', title: 'Lớp bồi dưỡng kỹ năng số', hours: 2, indicators: [1, 3, 5], createdAt: 1796657168933, updatedAt: 1796657168933, evidence: { type: 'link', url: 'https://drive.example.vn/a.jpg' } },
        { id: '6e9dd1bb', date: '2026-04-02', kind: 'course', title: 'Đọc sách', hours: 1.5, indicators: [2], createdAt: 1796657169013, updatedAt: 1796657170000, evidence: { type: 'note', text: 'Sổ tay' } },
        { id: 'fbbe5458', date: '2026-05-20', kind: 'course', title: 'Không minh chứng', hours: 3, indicators: [4], createdAt: 1796657169100, updatedAt: 1796657169100 },
      ]);
      const first = await runMigrate(app);
      expect(JSON.parse(first.out[0] as string).moved).toBe(1);
      const stored = (await app.app.redis.get(key)) as string;
      expect(Buffer.byteLength(stored)).toBeLessThan(Buffer.byteLength(JSON.stringify(before)) - 40);
      expect(JSON.parse(stored)[0]).toEqual(['6e35143e', 310, 'course', 'Lớp bồi dưỡng kỹ năng số', 2, [1, 3, 5], (1796657168933).toString(36), 'drive.example.vn/a.jpg']);
      expect(await store.activities(user, 2026)).toEqual(read);
      // Once is enough.
      expect(JSON.parse((await runMigrate(app)).out[0] as string)).toEqual({ moved: 0, dropped: 0 });
      expect(await app.app.redis.get(key)).toBe(stored);
    } finally {
      await app.close();
    }
  });
});
