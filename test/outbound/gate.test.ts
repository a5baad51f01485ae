import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { HEADROOM, SendSlots } from '../../src/outbound/gate.js';
import { jobIdOf } from '../../src/outbound/queue.js';

describe('the send slots of a channel (Redis)', () => {
  const redis = new Redis(inject('redisUrl'));
  const key = `tslots${randomBytes(3).toString('hex')}`;
  afterAll(async () => {
    for (const k of ['a', 'b', 'c', 'd']) await redis.del(`${key}${k}:next`, `${key}${k}:log`);
    redis.disconnect();
  });

  /**
   * Takes slots as workers do: waits when told to, until `n` sends were let through; each call is made
   * `callLateMs` after its slot (a busy process), while the next slot is already being taken.
   */
  async function sendTimes(slots: SendSlots, n: number, callLateMs = 0): Promise<number[]> {
    const times: number[] = [];
    const calls: Promise<void>[] = [];
    while (calls.length < n) {
      const slot = await slots.take();
      if (!slot.go) {
        await sleep(slot.waitMs);
        continue;
      }
      const call = () => {
        times.push(performance.now());
        slot.called();
      };
      calls.push(callLateMs ? sleep(callLateMs).then(call) : Promise.resolve(call()));
    }
    await Promise.all(calls);
    return times;
  }

  it('spaces sends evenly a little under the cap', async () => {
    const times = await sendTimes(new SendSlots(redis, `${key}a`, { count: 100, perMs: 1000 }), 50);
    // One slot every 1/(100 × 0.99) s, about 10.1 ms: 50 sends span 49 of them, less at most the 100 ms a
    // stalled process may catch up (a cap of 100 a second alone would let all 50 go at once).
    const interval = 1000 / (100 * HEADROOM);
    const span = (times[49] as number) - (times[0] as number);
    expect(span).toBeGreaterThan(49 * interval - 100 - 10);
    expect(span).toBeLessThan(49 * interval + 500);
  });

  it('counts each send from when its call was made: calls made late never put more than the cap in a window', async () => {
    const slots = new SendSlots(redis, `${key}b`, { count: 5, perMs: 1000 });
    // Slots come every 202 ms, but these five calls are made 300 ms after their slots (the last at
    // about 1,108 ms): a sixth slot is due at 1,010 ms, yet the first call was made only 808 ms before.
    const late = await sendTimes(slots, 5, 300);
    const [sixth] = await sendTimes(slots, 1);
    expect((sixth as number) - (late[0] as number)).toBeGreaterThanOrEqual(1000);
  });

  it('holds every slot while the platform said to wait, and a slot given back is free again', async () => {
    const slots = new SendSlots(redis, `${key}c`, { count: 1, perMs: 1000 });
    const slot = await slots.take();
    expect(slot.go).toBe(true);
    if (slot.go) await slot.giveBack();
    await slots.pause(3000);
    const held = await slots.take();
    expect(!held.go && held.waitMs).toBeGreaterThan(2900);

    // Without a cap every send goes, until the platform says to wait.
    const uncapped = new SendSlots(redis, `${key}d`, { count: 0, perMs: 1000 });
    expect((await Promise.all(Array.from({ length: 100 }, () => uncapped.take()))).every((t) => t.go)).toBe(true);
    await uncapped.pause(3000);
    const waiting = await uncapped.take();
    expect(!waiting.go && waiting.waitMs).toBeGreaterThan(2900);
  });
});

describe('job ids', () => {
  it('are the same for the same key and person, differ otherwise, and hold no ":" (BullMQ refuses it)', () => {
    expect(jobIdOf('bc:bc-20261001-abcdef', 'telegram:42')).toBe(jobIdOf('bc:bc-20261001-abcdef', 'telegram:42'));
    expect(jobIdOf('a:b', 'web:c')).not.toBe(jobIdOf('a', 'b:web:c'));
    expect(jobIdOf('k%3A', 'web:x')).not.toBe(jobIdOf('k:', 'web:x'));
    expect(jobIdOf('bc:x', 'zalo:1234567890123456789')).not.toContain(':');
  });
});
