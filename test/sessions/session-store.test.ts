import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MemorySessionStore } from '../../src/sessions/memory-store.js';
import { LockLostError, RedisSessionStore } from '../../src/sessions/redis-store.js';
import type { Session } from '../../src/sessions/session.js';
import type { SessionStore } from '../../src/sessions/store.js';
import { FakeClock } from '../support/clock.js';

const session = (data: Record<string, unknown> = {}): Session => ({ v: 1, lang: 'vi', flow: 'menu', step: 'main', data });

/** Appends `item` to data.items inside a transaction that yields to the event loop in between. */
function append(store: SessionStore, user: string, item: number) {
  return store.transact(user, async (current) => {
    const s = current.kind === 'ok' ? current.session : session({ items: [] });
    await new Promise((r) => setTimeout(r, Math.random() * 3));
    s.data.items = [...((s.data.items as number[]) ?? []), item];
    return { session: s, result: undefined };
  });
}

interface Harness {
  store: SessionStore;
  /** Writes raw text where the session would be, as an older or broken version might have. */
  putRaw(user: string, raw: string): Promise<void>;
  /** Lets time pass beyond the TTL. */
  expire(): Promise<void>;
}

const redis = new Redis(inject('redisUrl'));
const clock = new FakeClock();
afterAll(() => redis.disconnect());

const harnesses: Record<string, () => Harness> = {
  memory: () => {
    const store = new MemorySessionStore(60_000, clock);
    return { store, putRaw: async (u, raw) => store.putRaw(u, raw), expire: async () => clock.advance(61_000) };
  },
  redis: () => {
    const prefix = `t${randomBytes(4).toString('hex')}:`;
    const store = new RedisSessionStore(redis, { prefix, ttlMs: 300 });
    return {
      store,
      putRaw: async (u, raw) => void (await redis.set(`${prefix}s:{u:${u}}`, raw)),
      expire: () => new Promise((r) => setTimeout(r, 400)),
    };
  },
};

describe.each(Object.keys(harnesses))('%s session store', (kind) => {
  let h: Harness;
  beforeAll(() => {
    h = (harnesses[kind] as () => Harness)();
  });

  it('starts with no session, keeps what a transaction returns, and deletes on null', async () => {
    expect(await h.store.get('web:a')).toEqual({ kind: 'none' });
    const result = await h.store.transact('web:a', async () => ({ session: session({ x: 1 }), result: 42 }));
    expect(result).toBe(42);
    expect(await h.store.get('web:a')).toEqual({ kind: 'ok', session: session({ x: 1 }) });
    await h.store.transact('web:a', async () => ({ session: null, result: undefined }));
    expect(await h.store.get('web:a')).toEqual({ kind: 'none' });
  });

  it('drops a second delivery of an update, but handles a redelivery of one whose turn failed', async () => {
    const once = { key: `seen:{u:web:once}:${kind}`, id: 'tg:1:77', ttlS: 60 };
    const turn = (fail: boolean) =>
      h.store.turn('web:once', { once }, async () => {
        if (fail) throw new Error('the store refused the write');
        return { session: session({ handled: true }), result: 'handled' };
      });
    await expect(turn(true)).rejects.toThrow('refused');
    expect(await turn(false)).toEqual({ verdict: 'pass', result: 'handled' });
    expect(await turn(false)).toEqual({ verdict: 'repeat' });
  });

  it('forgets a session after its TTL', async () => {
    await h.store.transact('web:ttl', async () => ({ session: session(), result: undefined }));
    await h.expire();
    expect(await h.store.get('web:ttl')).toEqual({ kind: 'none' });
  });

  it('reports corrupt and old-format sessions instead of throwing', async () => {
    await h.putRaw('web:bad', '{"v":1,');
    expect((await h.store.get('web:bad')).kind).toBe('corrupt');
    await h.putRaw('web:old', JSON.stringify({ version: 0, state: 'MENU' }));
    const seen = await h.store.transact('web:old', async (current) => ({ session: null, result: current.kind }));
    expect(seen).toBe('corrupt');
  });

  // The bot hands a person's messages over one at a time (Bot.inOrder); what meets here at once are the
  // turns of several instances, which only the store keeps apart.
  it('keeps every change when eight turns of one person meet at once', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => append(h.store, 'web:burst', i)));
    const loaded = await h.store.get('web:burst');
    if (loaded.kind !== 'ok') throw new Error('no session');
    expect([...(loaded.session.data.items as number[])].sort((x, y) => x - y)).toEqual(Array.from({ length: 8 }, (_, i) => i));
  });

  it('runs different people in parallel: one slow change does not hold up another', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = h.store.transact('web:slow', async () => {
      await gate;
      return { session: session(), result: 'slow' };
    });
    const fast = await h.store.transact('web:fast', async () => ({ session: session(), result: 'fast' }));
    expect(fast).toBe('fast');
    release();
    expect(await slow).toBe('slow');
  });

  it('leaves the session untouched when a change fails', async () => {
    await h.store.transact('web:fail', async () => ({ session: session({ keep: true }), result: undefined }));
    await expect(
      h.store.transact('web:fail', async () => {
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    expect(await h.store.get('web:fail')).toEqual({ kind: 'ok', session: session({ keep: true }) });
    // The failed change released the person: the next one runs.
    await append(h.store, 'web:fail', 1);
  });
});

describe('memory session store over a long run', () => {
  it('does not keep the sessions of visitors who never came back', async () => {
    const clock = new FakeClock();
    const store = new MemorySessionStore(60_000, clock);
    const visit = (user: string) => store.transact(user, async () => ({ session: session(), result: undefined }));
    // Six hours of visitors, one every 15 seconds, none of them back: only the last TTL's worth stays in memory.
    for (let i = 0; i < 1440; i++) {
      await visit(`web:visitor-${i}`);
      clock.advance(60_000 / 4);
    }
    expect(store.size).toBeLessThanOrEqual(4);
    // Someone active all along keeps their session, however many expire around it.
    await visit('web:regular');
    for (let i = 0; i < 100; i++) {
      clock.advance(20_000);
      await visit(`web:passer-${i}`);
      if (i % 2 === 0) await store.transact('web:regular', async (current) => ({ session: current.kind === 'ok' ? current.session : null, result: undefined }));
    }
    expect((await store.get('web:regular')).kind).toBe('ok');
    expect(store.size).toBeLessThanOrEqual(4);
  });
});

describe('redis session store across bot instances', () => {
  it('keeps all changes when two instances handle the same person at once', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}:`;
    const other = new Redis(inject('redisUrl'));
    const a = new RedisSessionStore(redis, { prefix, ttlMs: 60_000 });
    const b = new RedisSessionStore(other, { prefix, ttlMs: 60_000 });
    // Each instance hands over the person's messages in turn, as its bot does; the two run side by side.
    const instance = async (store: SessionStore, items: number[]) => {
      for (const i of items) await append(store, 'web:shared', i);
    };
    const all = Array.from({ length: 50 }, (_, i) => i);
    await Promise.all([instance(a, all.filter((i) => i % 2)), instance(b, all.filter((i) => i % 2 === 0))]);
    const loaded = await a.get('web:shared');
    other.disconnect();
    if (loaded.kind !== 'ok') throw new Error('no session');
    expect([...(loaded.session.data.items as number[])].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('does not let a turn that outlived its lock overwrite the turn that took the lock after it', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}:`;
    const other = new Redis(inject('redisUrl'));
    const slow = new RedisSessionStore(redis, { prefix, ttlMs: 60_000, lockMs: 50 });
    const fast = new RedisSessionStore(other, { prefix, ttlMs: 60_000, lockMs: 50 });
    const stale = slow.transact('web:slow', async () => {
      await new Promise((r) => setTimeout(r, 150));
      return { session: session({ who: 'stale' }), result: undefined };
    });
    await new Promise((r) => setTimeout(r, 80));
    await fast.transact('web:slow', async () => ({ session: session({ who: 'fresh' }), result: undefined }));
    await expect(stale).rejects.toBeInstanceOf(LockLostError);
    const loaded = await fast.get('web:slow');
    other.disconnect();
    expect(loaded).toMatchObject({ kind: 'ok', session: { data: { who: 'fresh' } } });
  });
});
