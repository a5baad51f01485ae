import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis, whenReady } from '../../src/store/redis.js';
import { createTestApp, textOf, type TestApp } from '../support/app.js';
import { startSentinelSetup, type SentinelSetup } from '../support/redis-sentinel.js';

let setup: SentinelSetup | undefined;
let t: TestApp | undefined;
afterAll(async () => {
  await t?.close().catch(() => undefined);
  await setup?.dispose();
});

describe('Redis Sentinel (REDIS_SENTINELS)', () => {
  it('follows the master through a failover in the middle of a conversation, which goes on where it was', async () => {
    setup = await startSentinelSetup();
    t = await createTestApp({ store: 'configured', env: { REDIS_SENTINELS: `127.0.0.1:${setup.sentinelPort}`, REDIS_SENTINEL_NAME: setup.name } });
    const send = (m: string | { choice: string }) => (t as TestApp).send('web:failover', m);
    await send('/menu');
    expect(textOf(await send({ choice: 'learning' }))).toContain('Công dân học tập');
    expect(textOf(await send({ choice: 'yes' }))).toContain('Họ và tên');
    expect(textOf(await send('Trần Thị Bền'))).toContain('Năm sinh');

    // What was written has reached the replica; then the master dies.
    const direct = connectRedis(setup.master.url, t.app.log);
    await whenReady(direct);
    expect(await direct.wait(1, 5_000)).toBe(1);
    direct.disconnect();
    await setup.master.crash();

    // The person may hear "try again" while the sentinel promotes the replica; then the same question goes on.
    let reply = '';
    for (let i = 0; i < 200; i++) {
      reply = textOf(await send('1990'));
      if (!reply.includes('thử lại')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(setup.masterPort()).toBe(setup.replicaPort);
    expect(reply).toContain('tỉnh/thành');
    expect(textOf(await send('son la'))).toContain('xã/phường');
  });
});
