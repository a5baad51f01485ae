import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, textOf, type TestApp } from '../support/app.js';
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
  beforeAll(async () => {
    t = await createTestApp({ throttle: 'config' });
  });
  afterAll(() => t.close());

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
