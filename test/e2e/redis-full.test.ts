import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { TelegramEmulator } from '../support/telegram-emulator.js';
import { readable, startTelegramBot, type TelegramBot } from '../support/telegram-harness.js';

/**
 * Redis full: maxmemory with noeviction, on a real redis-server. It still answers reads and PING but
 * refuses every write. That is an outage: people are told so in their own language, Telegram is asked
 * to deliver webhook updates again, and /healthz says 503 until writes go through.
 */
describe('Redis refusing writes (maxmemory, noeviction)', () => {
  let redis: RedisServer;
  let admin: Redis;
  let emuPoll: TelegramEmulator;
  let emuHook: TelegramEmulator;
  let polling: TelegramBot;
  let webhook: TelegramBot;

  beforeAll(async () => {
    redis = await startRedisServer();
    admin = new Redis(redis.url);
    [emuPoll, emuHook] = await Promise.all([TelegramEmulator.start(), TelegramEmulator.start()]);
    polling = await startTelegramBot(emuPoll, 'polling', { redisUrl: redis.url });
    webhook = await startTelegramBot(emuHook, 'webhook', { redisUrl: redis.url });
  });
  afterAll(async () => {
    await admin?.config('SET', 'maxmemory', '0');
    await polling?.close();
    await webhook?.close();
    await emuPoll?.close();
    await emuHook?.close();
    admin?.disconnect();
    await redis?.dispose();
  });

  const full = async () => {
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', '1');
  };
  const roomy = () => admin.config('SET', 'maxmemory', '0');
  const health = async () => (await fetch(`${webhook.url}/healthz`)).status;

  it('says "busy, try again" in the person’s language, answers Telegram 503 so it redelivers, and /healthz 503 meanwhile', async () => {
    const anna = TelegramEmulator.person(6101, 'vi');
    await emuPoll.sendText(anna, '/lang en');
    expect(readable((await emuPoll.messagesTo(anna.id, 1))[0]!.text)).toContain('Switched to English');
    const binh = TelegramEmulator.person(6102, 'vi');
    expect(await emuHook.deliver(emuHook.textUpdate(binh, '/start'))).toEqual([200]);
    const greeted = emuHook.sentTo(binh.id).length;
    expect(await health()).toBe(200);

    await full();
    expect(await admin.ping()).toBe('PONG');
    expect(await health()).toBe(503);

    // Long polling has already taken the update from Telegram: the person is told, in English.
    const before = emuPoll.sentTo(anna.id).length;
    await emuPoll.sendText(anna, '/help');
    const busy = readable((await emuPoll.messagesTo(anna.id, 1, before))[0]!.text);
    expect(busy).toBe('Sorry, the system is busy right now. Please try again in a few minutes.');

    // The webhook refuses the update, so that Telegram delivers it again; nothing is sent meanwhile.
    const help = emuHook.textUpdate(binh, '/help');
    expect(await emuHook.deliver(help)).toEqual([503]);
    expect(emuHook.sentTo(binh.id)).toHaveLength(greeted);

    await roomy();
    expect(await health()).toBe(200);
    // Telegram's redelivery of the same update is handled, not dropped as a repeat.
    expect(await emuHook.deliver(help)).toEqual([200]);
    expect(readable((await emuHook.messagesTo(binh.id, 1, greeted))[0]!.text)).toContain('/menu');
    await emuPoll.sendText(anna, '/help');
    expect(readable((await emuPoll.messagesTo(anna.id, 1, before + 1))[0]!.text)).toContain('Commands that work at any time');
  });
});
