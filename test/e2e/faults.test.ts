import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, textOf, type TestApp } from '../support/app.js';
import { listen, type LocalServer } from '../support/http.js';
import { webPeople } from '../support/web.js';
import { startRedisServer, untilAnswers, type RedisServer } from '../support/redis-server.js';

describe('Redis crashing in the middle of a conversation (AOF on)', () => {
  let redis: RedisServer;
  let t: TestApp;
  beforeAll(async () => {
    redis = await startRedisServer({ appendonly: true });
    t = await createTestApp({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await t.close().catch(() => undefined);
    await redis.dispose();
  });

  it('asks people to try again during the outage, then resumes every conversation where it was', async () => {
    await t.send('web:a', '/start');
    expect(textOf(await t.send('web:a', { choice: 'settings' }))).toContain('Cài đặt');
    expect(textOf(await t.send('web:a', { choice: 'language' }))).toContain('chọn ngôn ngữ');
    await t.send('web:b', '/lang en');

    await redis.crash();
    const during = await t.send('web:a', 'English');
    expect(textOf(during)).toContain('vui lòng thử lại');
    expect(textOf(await t.send('web:new', 'hello'))).toContain('thử lại');
    expect(await t.app.metrics.registry.metrics()).toContain('xhht_errors_total{channel="web",kind="store"} 2');

    await redis.start();
    await untilAnswers(t.app.redis);
    // The answer sent during the outage was not half-applied: the same question is still open.
    const after = await t.send('web:a', 'English');
    expect(textOf(after)).toContain('Switched to English');
    expect(textOf(after)).toContain('Settings');
    expect(textOf(await t.send('web:b', '/help'))).toContain('Commands that work at any time');
  });
});

describe('one person flooding the bot', () => {
  let t: TestApp;
  let http: LocalServer;
  beforeAll(async () => {
    t = await createTestApp({ throttle: 'config' });
    http = await listen(t.app);
  });
  afterAll(async () => {
    await http.close();
    await t.close();
  });

  const person = webPeople(() => http.url);
  /** One message over POST /api/chat: what the person reads and how long they waited. */
  const post = async (name: string, text: string) => {
    const user = await person(name);
    const started = performance.now();
    const res = await fetch(`${http.url}/api/chat`, { method: 'POST', body: JSON.stringify({ user, text }) });
    const { replies } = (await res.json()) as { replies: { text: string }[] };
    return { status: res.status, text: replies.map((r) => r.text).join('\n'), ms: performance.now() - started };
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const throttledCount = async () => {
    const text = await (await fetch(`${http.url}/metrics`)).text();
    return Number(/xhht_errors_total\{channel="web",kind="throttled"\} (\d+)/.exec(text)?.[1] ?? 0);
  };

  it('tells someone sending 100 messages a second once, lets through what the refill allows, and keeps another person quick', async () => {
    const { FLOOD_BURST: burst, FLOOD_PER_SECOND: perSecond } = t.app.config;
    await post('steady', '/start');
    const throttledBefore = await throttledCount();
    const before: number[] = [];
    for (let i = 0; i < 10; i++) before.push((await post('steady', '/help')).ms);

    const [seconds, rate] = [2, 100];
    const flood: ReturnType<typeof post>[] = [];
    const during: Awaited<ReturnType<typeof post>>[] = [];
    const start = performance.now();
    let flooding = true;
    const steady = (async () => {
      while (flooding) {
        during.push(await post('steady', '/help'));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    // Paced by the clock, not by timers that a busy machine stretches: every message that is due goes out.
    while (flood.length < seconds * rate) {
      const due = Math.min(seconds * rate, Math.floor(((performance.now() - start) * rate) / 1000));
      while (flood.length < due) flood.push(post('flooder', `tin ${flood.length}`));
      await new Promise((r) => setTimeout(r, 5));
    }
    const flooded = await Promise.all(flood);
    flooding = false;
    // The last message reached the bot by now: the most the bucket can have refilled.
    const floodSeconds = (performance.now() - start) / 1000;
    await steady;

    expect(flooded.every((r) => r.status === 200)).toBe(true);
    // One notice for the whole flood, not one after every refill.
    expect(flooded.filter((r) => r.text.includes('nhắn nhanh quá'))).toHaveLength(1);
    const handled = flooded.filter((r) => r.text && !r.text.includes('nhắn nhanh quá')).length;
    expect(handled).toBeGreaterThanOrEqual(burst);
    expect(handled).toBeLessThanOrEqual(burst + Math.ceil(floodSeconds * perSecond));
    expect((await throttledCount()) - throttledBefore).toBe(flooded.length - handled);

    expect(during.length).toBeGreaterThanOrEqual(3);
    for (const r of during) expect(r.text).toContain('/cancel');
    // The steady person does not wait behind the flood: a typical answer stays as quick as a chat needs,
    // with room for a machine that is busy with other work (here it is a few milliseconds).
    expect(median(during.map((r) => r.ms))).toBeLessThan(Math.max(250, median(before) * 5));
  });

  it('is slowed down with one polite notice while another person is served first', async () => {
    const { FLOOD_BURST: burst } = t.app.config;
    await t.send('web:calm', '/start');
    const finished: string[] = [];
    const flood = Array.from({ length: 100 }, (_, i) => t.send('web:flood', `tin ${i}`).finally(() => finished.push('flood')));
    const calm = Array.from({ length: 5 }, () => t.send('web:calm', '/help').finally(() => finished.push('calm')));
    const floodReplies = await Promise.all(flood);
    const calmReplies = await Promise.all(calm);

    const notices = floodReplies.filter((r) => textOf(r).includes('nhắn nhanh quá'));
    const handled = floodReplies.filter((r) => r.length && !textOf(r).includes('nhắn nhanh quá'));
    const silent = floodReplies.filter((r) => r.length === 0);
    expect(notices).toHaveLength(1);
    // The hundred arrive together: the burst passes (a refill of a token or so at most), the rest do not.
    expect(handled.length).toBeGreaterThanOrEqual(burst);
    expect(handled.length).toBeLessThanOrEqual(burst + 2);
    expect(silent.length).toBe(100 - notices.length - handled.length);
    for (const r of calmReplies) expect(textOf(r)).toContain('/cancel');
    // The calm person does not wait behind the flood's queue.
    expect(finished.lastIndexOf('calm')).toBeLessThan(finished.lastIndexOf('flood'));
  });

  it('lets a person or a script that waits for each answer walk a long conversation unthrottled', async () => {
    const { FLOOD_BURST: burst } = t.app.config;
    for (let i = 0; i < burst - 5; i++) {
      const replies = await t.send('web:script', i % 2 ? '/help' : '/menu');
      expect(textOf(replies)).not.toContain('nhắn nhanh quá');
    }
  });
});
