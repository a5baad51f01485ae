import { afterAll, describe, expect, it } from 'vitest';
import { OncePerMinute, slotErrorKind } from '../../src/store/error-log.js';
import { connectRedis, whenReady } from '../../src/store/redis.js';
import { createTestApp, textOf, type TestApp } from '../support/app.js';
import { listen } from '../support/http.js';
import { startRedisServer } from '../support/redis-server.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function app(env: Record<string, string>, opts: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp> {
  const t = await createTestApp({ throttle: 'config', ...opts, env });
  cleanups.push(() => t.close());
  return t;
}

describe('limits shared by every instance', () => {
  it('gives a person one flood allowance across two instances of the bot, not one each', async () => {
    const shared = `fl${Date.now().toString(36)}:`;
    const env = { REDIS_PREFIX: shared, FLOOD_BURST: '5', FLOOD_PER_SECOND: '1' };
    const [a, b] = [await app(env), await app(env)];
    let passed = 0;
    while (!textOf(await a.send('web:flooder', '/help')).includes('nhắn nhanh quá')) passed++;
    expect(passed).toBeGreaterThanOrEqual(5);
    // The other instance knows the allowance is spent and the person was told: silence, not a fresh allowance.
    expect(await b.send('web:flooder', '/help')).toEqual([]);
    expect(textOf(await a.send('web:someone-else', '/help'))).not.toContain('nhắn nhanh quá');
  });
});

describe('/healthz', () => {
  it('says 503 when Redis answers PING but refuses writes, and ok again once it takes them', async () => {
    const server = await startRedisServer();
    cleanups.push(() => server.dispose());
    const t = await app({}, { redisUrl: server.url });
    const http = await listen(t.app);
    cleanups.push(() => http.close());
    const health = async () => (await fetch(`${http.url}/healthz`)).status;
    expect(await health()).toBe(200);

    const admin = connectRedis(server.url, t.app.log);
    cleanups.push(async () => void admin.disconnect());
    await whenReady(admin);
    // A master that lost its replicas (or ran out of memory) still answers PING.
    await admin.config('SET', 'min-replicas-to-write', '1');
    expect(await admin.ping()).toBe('PONG');
    expect(await health()).toBe(503);
    await admin.config('SET', 'min-replicas-to-write', '0');
    expect(await health()).toBe(200);
  });

  it('is ok on the suite store (a single server, or every master of the cluster)', async () => {
    const t = await app({});
    const http = await listen(t.app);
    cleanups.push(() => http.close());
    const res = await fetch(`${http.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', store: 'redis' });
  });
});

describe('Redis Cluster slot errors in logs', () => {
  it('lets one line per kind and minute through, counting the ones held back', () => {
    const limit = new OncePerMinute();
    const kinds = Array.from({ length: 10_000 }, (_, i) => slotErrorKind(new Error(i % 2 ? "CROSSSLOT Keys in request don't hash to the same slot" : 'MOVED 3999 127.0.0.1:7001')));
    const lines = kinds.map((k, i) => limit.admit(k as string, 1_000 + i)).filter((held) => held !== undefined);
    expect(lines).toEqual([0, 0]);
    expect(limit.admit('CROSSSLOT', 61_001)).toBe(4_999);
    expect(slotErrorKind(new Error('ECONNREFUSED'))).toBeUndefined();
  });
});
