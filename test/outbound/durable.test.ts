import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { OUTBOUND } from '../../src/outbound/capability.js';
import { campaignStats, campaignStatuses } from '../../src/outbound/deliver.js';
import { DirectOutbound } from '../../src/outbound/direct.js';
import { DurableOutbound } from '../../src/outbound/queue.js';
import type { OutboundMessage } from '../../src/outbound/types.js';
import { createTestApp, keysMatching, type TestApp, type TestAppOptions } from '../support/app.js';
import { startRedisServer } from '../support/redis-server.js';
import { FakeChannel } from './fake-channel.js';
import { queuePrefix } from '../../src/outbound/queue.js';
import { duplicateClient } from '../../src/store/redis.js';
import { KILL_TEST_OPTIONS, receivedKey } from './kill-options.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function testApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const t = await createTestApp(opts);
  cleanups.push(() => t.close());
  return t;
}

/** A started bot whose Telegram is a counting stand-in. */
async function started(env: Record<string, string>, fake: FakeChannel) {
  const t = await testApp({ env });
  t.app.senders.set('telegram', fake);
  await t.app.start();
  const out = t.app.need(OUTBOUND).durable();
  if (!out) throw new Error('the durable outbound did not replace the direct one');
  return { t, out };
}

const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `telegram:${from + i}`);
async function meet(t: TestApp, users: string[]): Promise<void> {
  for (let i = 0; i < users.length; i += 500) await Promise.all(users.slice(i, i + 500).map((u) => t.app.users.seen(u, 'vi')));
}
const message = (user: string, campaign = 'c1'): OutboundMessage => ({ user, campaign, key: `${campaign}-opening`, kind: 'broadcast', replies: [{ text: 'Khai mạc Tuần lễ hưởng ứng học tập suốt đời' }] });

describe('the durable outbound queue (BullMQ)', () => {
  it('replaces the direct sender when the bot starts on a real Redis, and sends 2,000 people one copy each', async () => {
    const fake = new FakeChannel();
    const { t, out } = await started({ TELEGRAM_RATE_PER_SECOND: '0' }, fake);
    expect(t.app.outbound).toBe(out);
    const users = ids(2000);
    await meet(t, users);
    expect(await out.enqueue(users.map((u) => message(u)))).toEqual({ queued: 2000, duplicates: 0 });
    // The same campaign queued again (a retried request, a second instance): nothing more goes out.
    expect(await out.enqueue(users.slice(0, 700).map((u) => message(u)))).toEqual({ queued: 0, duplicates: 700 });
    await out.idle();
    expect(fake.got.size).toBe(2000);
    expect(fake.duplicates()).toEqual([]);
    expect(fake.last.get('1999')).toEqual([{ text: 'Khai mạc Tuần lễ hưởng ứng học tập suốt đời' }]);
    expect(await campaignStats(t.app, 'c1')).toEqual({ queued: 2000, sent: 2000 });
    const metrics = await t.app.metrics.registry.metrics();
    expect(metrics).toContain('xhht_outbound_messages_total{channel="telegram",status="sent"} 2000');
    expect(metrics).toContain('xhht_outbound_backlog{channel="telegram"} 0');
    // Completed jobs are removed: the queue does not keep 2,000 finished jobs in Redis.
    expect(await keysMatching(t.app.redis, `${queuePrefix(t.app, 'telegram')}:out-telegram:*`).then((k) => k.filter((x) => /:\d|%3A/.test(x)).length)).toBe(0);
  });

  it('resumes after a worker process is killed midway: no copy twice, every person accounted for', async () => {
    const t = await testApp();
    const producer = new DurableOutbound(t.app, KILL_TEST_OPTIONS);
    cleanups.push(() => producer.close());
    await producer.ready();
    const users = ids(2000, 50_001);
    await meet(t, users);
    await producer.enqueue(users.map((u) => message(u, 'kill')));

    const child = spawn(process.execPath, ['--import', 'tsx', 'test/outbound/worker-process.ts', t.prefix], {
      env: { ...process.env, ...inject('redisEnv') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    });
    const received = () => t.app.redis.llen(receivedKey(t.prefix));
    await expect.poll(received, { timeout: 20_000, interval: 20 }).toBeGreaterThanOrEqual(600);
    child.kill('SIGKILL');
    await exited;
    const atKill = await received();
    expect(atKill).toBeLessThan(2000);

    // Another worker (here, in this process) takes over the killed one's jobs once their locks lapse.
    const fake = new FakeChannel('telegram', { onSent: async (id) => void (await t.app.redis.rpush(receivedKey(t.prefix), id)) });
    t.app.senders.set('telegram', fake);
    producer.start();
    await expect.poll(async () => { const s = await campaignStats(t.app, 'kill'); return (s.sent ?? 0) + (s.failed ?? 0); }, { timeout: 30_000, interval: 100 }).toBe(2000);

    const got = await t.app.redis.lrange(receivedKey(t.prefix), 0, -1);
    expect(got.length).toBeGreaterThan(atKill);
    expect(new Set(got).size).toBe(got.length);
    const stats = await campaignStats(t.app, 'kill');
    expect(stats.queued).toBe(2000);
    // Only a send cut off between "sending" and "done" is in doubt: reported failed, never sent again.
    const interrupted: string[] = [];
    for await (const page of campaignStatuses(t.app, 'kill')) for (const r of page) if (r.status !== 'sent') interrupted.push(`${r.status}:${r.reason}:${r.user}`);
    expect(interrupted.every((s) => s.startsWith('failed:interrupted:'))).toBe(true);
    expect(interrupted.length).toBeLessThanOrEqual(KILL_TEST_OPTIONS.concurrency);
    const receivedSet = new Set(got.map((id) => `telegram:${id}`));
    const neither = users.filter((u) => !receivedSet.has(u) && !interrupted.some((s) => s.endsWith(`:${u}`)));
    expect(neither).toEqual([]);
  });

  it('pauses the channel for the retry_after of a 429 and still delivers everything once', async () => {
    let pausedAt = 0;
    const fake = new FakeChannel('telegram', {
      respond: (_id, call) => {
        if (call !== 60) return undefined;
        pausedAt = performance.now();
        return { status: 'retry', afterMs: 1500, reason: '429 Too Many Requests: retry after 1.5' };
      },
    });
    const { t, out } = await started({ TELEGRAM_RATE_PER_SECOND: '200' }, fake);
    const users = ids(300, 70_001);
    await meet(t, users);
    const t0 = performance.now();
    await out.enqueue(users.map((u) => message(u, 'slow')));
    await out.idle();
    const elapsed = performance.now() - t0;
    expect(fake.got.size).toBe(300);
    expect(fake.duplicates()).toEqual([]);
    expect(await campaignStats(t.app, 'slow')).toEqual({ queued: 300, sent: 300 });
    // 300 at 200/s alone take 1.5 s; the pause adds its 1.5 s on top, less the 100 ms the send slots
    // may catch up at the start and again after the pause (gate.ts).
    expect(elapsed).toBeGreaterThan(2_800);
    const duringPause = fake.times.filter((at) => at > pausedAt + 50 && at < pausedAt + 1_450);
    expect(duringPause).toEqual([]);
  });

  it('checks at send time: people who said /stop or blocked the bot are skipped and counted', async () => {
    const fake = new FakeChannel('telegram', {
      respond: (id) => (id === '90003' ? { status: 'blocked', reason: '403 Forbidden: bot was blocked by the user' } : undefined),
    });
    const t = await testApp({ env: { TELEGRAM_RATE_PER_SECOND: '0' } });
    t.app.senders.set('telegram', fake);
    const out = new DurableOutbound(t.app, { rates: KILL_TEST_OPTIONS.rates, concurrency: 4 });
    cleanups.push(() => out.close());
    await out.ready();
    const users = ids(5, 90_001);
    await meet(t, users);
    await t.app.users.markInactive('telegram:90002', 'unfollowed');
    // Queued first, stopped after: the stop still wins.
    await out.enqueue([...users, 'telegram:99999'].map((u) => message(u, 'skip')));
    await t.app.users.setOptOut('telegram:90001', true);
    out.start();
    await out.idle();
    expect([...fake.got.keys()].sort()).toEqual(['90004', '90005']);
    expect(await campaignStats(t.app, 'skip')).toEqual({ queued: 6, sent: 2, opted_out: 1, blocked: 2, undeliverable: 1 });
    expect((await t.app.users.get('telegram:90003'))?.inactive).toMatch(/blocked/);
    // Blocked is final: not tried again.
    expect(fake.calls).toBe(3);
  });

  it('tries a transient failure again with backoff, and reports one that keeps failing', async () => {
    const failures = new Map<string, number>([['91001', 2], ['91002', 99]]);
    const fake = new FakeChannel('telegram', {
      respond: (id) => {
        const left = failures.get(id) ?? 0;
        if (!left) return undefined;
        failures.set(id, left - 1);
        return { status: 'failed', transient: true, reason: '502 Bad Gateway' };
      },
    });
    const t = await testApp();
    t.app.senders.set('telegram', fake);
    const out = new DurableOutbound(t.app, { rates: KILL_TEST_OPTIONS.rates, concurrency: 4, attempts: 3, backoffMs: 50 });
    cleanups.push(() => out.close());
    await out.ready();
    await meet(t, ['telegram:91001', 'telegram:91002']);
    await out.enqueue(['telegram:91001', 'telegram:91002'].map((u) => message(u, 'flaky')));
    out.start();
    await out.idle();
    expect(fake.got.get('91001')).toBe(1);
    expect(fake.got.has('91002')).toBe(false);
    expect(await campaignStats(t.app, 'flaky')).toEqual({ queued: 2, sent: 1, failed: 1 });
    const lines: string[] = [];
    for await (const page of campaignStatuses(t.app, 'flaky')) lines.push(...page.map((r) => `${r.user} ${r.status} ${r.reason ?? ''}`.trim()));
    expect(lines.sort()).toEqual(['telegram:91001 sent', 'telegram:91002 failed 502 Bad Gateway']);
  });

  it('refuses a malformed job instead of guessing, and the others still go out', async () => {
    const fake = new FakeChannel();
    const { t, out } = await started({ TELEGRAM_RATE_PER_SECOND: '0' }, fake);
    await meet(t, ['telegram:92001']);
    const { Queue } = await import('bullmq');
    const raw = new Queue('out-telegram', { connection: duplicateClient(t.app.redis, { maxRetriesPerRequest: null }), prefix: queuePrefix(t.app, 'telegram') });
    cleanups.push(async () => {
      await raw.close();
    });
    await raw.add('broadcast', { u: 'not a user', k: 'x' }, { jobId: 'forged', removeOnFail: true });
    await out.enqueue([message('telegram:92001', 'after-forged')]);
    await out.idle();
    expect(fake.got.get('92001')).toBe(1);
    expect(fake.calls).toBe(1);
  });
});

describe('the durable outbound queue when Redis goes away', () => {
  it('refuses to queue with a clear error while Redis is down, loses nothing queued before, and sends once afterwards', async () => {
    const redis = await startRedisServer({ appendonly: true });
    cleanups.push(() => redis.dispose());
    const fake = new FakeChannel();
    const t = await testApp({ redisUrl: redis.url, env: { TELEGRAM_RATE_PER_SECOND: '0' } });
    t.app.senders.set('telegram', fake);
    await t.app.start();
    const out = t.app.need(OUTBOUND).durable() as DurableOutbound;
    await meet(t, ['telegram:93001', 'telegram:93002']);
    await out.enqueue([{ ...message('telegram:93001', 'outage'), notBefore: Date.now() + 1_500 }]);

    await redis.stop();
    await expect(out.enqueue([message('telegram:93002', 'outage')])).rejects.toThrow(/enableOfflineQueue|Connection is closed|ECONNREFUSED/);
    await redis.restart();
    await expect.poll(() => t.app.redis.ping().catch(() => 'down'), { timeout: 10_000 }).toBe('PONG');
    await expect.poll(() => out.enqueue([message('telegram:93002', 'outage')]).catch(() => 'down'), { timeout: 10_000 }).toEqual({ queued: 1, duplicates: 0 });
    await out.idle();
    expect([...fake.got.entries()].sort()).toEqual([['93001', 1], ['93002', 1]]);
    expect(await campaignStats(t.app, 'outage')).toEqual({ queued: 2, sent: 2 });
  });
});

describe('stopping while Redis is away', () => {
  it('does not hang, and what was queued goes out once after the next start', async () => {
    const redis = await startRedisServer({ appendonly: true });
    cleanups.push(() => redis.dispose());
    const t = await testApp({ redisUrl: redis.url });
    const fake = new FakeChannel();
    t.app.senders.set('telegram', fake);
    const options = { ...KILL_TEST_OPTIONS, closeWaitMs: 500 };
    const first = new DurableOutbound(t.app, options);
    await first.ready();
    first.start();
    const users = ids(20, 94_001);
    await meet(t, users);
    // Held long enough that none can go out before Redis stops, even on a loaded machine.
    await first.enqueue(users.map((u) => ({ ...message(u, 'held'), notBefore: Date.now() + 3_000 })));
    await redis.stop();
    await first.close();
    expect(fake.calls).toBe(0);

    await redis.restart();
    await expect.poll(() => t.app.redis.ping().catch(() => 'down'), { timeout: 10_000 }).toBe('PONG');
    const second = new DurableOutbound(t.app, options);
    cleanups.push(() => second.close());
    await second.ready();
    second.start();
    await expect.poll(() => campaignStats(t.app, 'held'), { timeout: 15_000 }).toEqual({ queued: 20, sent: 20 });
    expect(fake.got.size).toBe(20);
    expect(fake.duplicates()).toEqual([]);
  });
});

describe('without Redis (in-memory mode)', () => {
  it('keeps the in-process sender when there is no Redis (start-up says once what is not durable)', async () => {
    const t = await testApp({ store: 'memory' });
    const before = t.app.outbound;
    await t.app.start();
    expect(t.app.outbound).toBe(before);
    expect(t.app.outbound).toBeInstanceOf(DirectOutbound);
  });
});
