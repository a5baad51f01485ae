import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createTestApp } from '../support/app.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

let server: RedisServer | undefined;
afterAll(() => server?.dispose());

describe('a bot stopped while it starts', () => {
  it('stops cleanly and leaves no queue or worker connection behind', async () => {
    server = await startRedisServer();
    const t = await createTestApp({ redisUrl: server.url });
    const admin = new Redis(server.url);
    try {
      // The stop comes while the outbound queue still waits for its connection.
      const started = t.app.start();
      await t.close();
      await started;
      const others = async () => String(await admin.client('LIST')).trim().split('\n').filter((l: string) => !/ cmd=client\|list /.test(l));
      await expect.poll(others, { timeout: 5_000 }).toEqual([]);
    } finally {
      admin.disconnect();
    }
  });
});

describe('a bot stopped just after it started', () => {
  it('lets the queue workers finish connecting first, so no failure goes unheard', async () => {
    const heard: unknown[] = [];
    const listen = (err: unknown) => heard.push(err);
    process.on('unhandledRejection', listen);
    try {
      for (let i = 0; i < 3; i++) {
        const t = await createTestApp();
        // The workers' connections are still being set up when the stop comes.
        await t.app.start();
        await t.close();
      }
      // Rejections are reported on a later turn of the event loop.
      await new Promise((r) => setTimeout(r, 200));
      expect(heard.map(String)).toEqual([]);
    } finally {
      process.off('unhandledRejection', listen);
    }
  });
});
