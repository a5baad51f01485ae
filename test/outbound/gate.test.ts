import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { HEADROOM, RateGate, SendWindow } from '../../src/outbound/gate.js';
import { jobIdOf } from '../../src/outbound/queue.js';

describe('the local send window', () => {
  it('lets the cap through per window, counting each send from when its call was made', () => {
    const w = new SendWindow({ count: 3, perMs: 1000 });
    const places = [w.take(0), w.take(10), w.take(20)];
    expect(places.every((p) => 'entry' in p)).toBe(true);
    // Calls made late (a stalled process) keep their place in the window longer.
    for (const p of places) if ('entry' in p) w.called(p.entry, 400);
    const full = w.take(500);
    expect(full).toEqual({ waitMs: Math.ceil(400 + 1000 * (2 - HEADROOM) - 500) });
    expect('entry' in w.take(1000)).toBe(false);
    expect('entry' in w.take(400 + 1000 * (2 - HEADROOM) + 1)).toBe(true);
  });

  it('does not keep a place forever for a call that never came', () => {
    const w = new SendWindow({ count: 1, perMs: 1000 });
    expect('entry' in w.take(0)).toBe(true);
    expect(w.take(100)).toEqual({ waitMs: 5 });
    expect('entry' in w.take(12_000)).toBe(true);
  });
});

describe('the shared rate gate (Redis)', () => {
  const redis = new Redis(inject('redisUrl'));
  const key = `tgate${randomBytes(3).toString('hex')}:gate`;
  afterAll(async () => {
    await redis.del(key, `${key}:log`);
    redis.disconnect();
  });

  it('spaces slots evenly a little under the cap, defers past the lookahead, and moves everything after a pause', async () => {
    const gate = new RateGate(redis, key, { count: 100, perMs: 1000 }, 4);
    expect(gate.lookaheadMs).toBe(1000);
    const waits: number[] = [];
    const slots: number[] = [];
    for (let i = 0; i < 50; i++) {
      const slot = await gate.reserve();
      if (!('waitMs' in slot)) throw new Error('unexpected defer');
      waits.push(slot.waitMs);
      slots.push(performance.now() + slot.waitMs);
    }
    // One slot every 1/(100 × 0.99) s from the first: slots 20 to 49 span 29 intervals of about 10.1 ms.
    expect(waits[0]).toBe(0);
    expect(waits[10]).toBeGreaterThan(50);
    const span = (slots[49] as number) - (slots[20] as number);
    expect(span).toBeGreaterThan((29 * 1000) / (100 * HEADROOM) - 8);
    expect(span).toBeLessThan((29 * 1000) / (100 * HEADROOM) + 8);
    await gate.pause(3000);
    const deferred = await gate.reserve();
    expect('deferMs' in deferred && deferred.deferMs).toBeGreaterThan(2900);
  });

  it('admits at most the cap in any window, and says how long until the next', async () => {
    const gate = new RateGate(redis, `${key}2`, { count: 5, perMs: 1000 }, 1);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await gate.admit());
    expect(answers.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(answers[5]).toBeGreaterThan(900);
    await redis.del(`${key}2`, `${key}2:log`);
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
