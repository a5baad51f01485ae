import { Redis as RedisServerClient } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPEAT } from '../../src/app/bot.js';
import { QuestionStore } from '../../src/questions/store.js';
import { seenKey } from '../../src/sessions/seen.js';
import { choiceValues, createTestApp, textOf, type TestApp } from '../support/app.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { startZaloBot } from '../support/zalo-app.js';
import { startFakeZalo } from '../support/zalo-fake.js';

let server: RedisServer;
let monitor: RedisServerClient;
let t: TestApp;
/** The commands clients sent (not those a script ran), as "command key". */
const sent: string[] = [];

beforeAll(async () => {
  // A server of its own: MONITOR sees this bot's commands only.
  server = await startRedisServer();
  t = await createTestApp({ redisUrl: server.url, throttle: 'config' });
  monitor = await new RedisServerClient(server.url).monitor();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source !== 'lua') sent.push(`${args[0]?.toLowerCase()} ${args[0]?.toLowerCase() === 'evalsha' ? args[3] : args[1]}`);
  });
});
afterAll(async () => {
  monitor?.disconnect();
  await t?.close();
  await server?.dispose();
});

/** The commands sent while `fn` runs. */
async function commandsOf(fn: () => Promise<unknown>): Promise<string[]> {
  // MONITOR lines arrive on their own connection: a PING through it marks where a message's commands end.
  const settle = async () => {
    const marker = `mark-${sent.length}-${Math.random()}`;
    await t.app.redis.echo(marker);
    while (!sent.some((c) => c.includes(marker))) await new Promise((r) => setTimeout(r, 5));
  };
  await settle();
  const from = sent.length;
  await fn();
  await settle();
  return sent.slice(from).filter((c) => !c.startsWith('echo '));
}

describe('an ordinary message', () => {
  it('costs the store two commands, each about the person only: open the turn, end it', async () => {
    const user = 'telegram:4242';
    await t.send(user, '/start');
    await t.send(user, '/settings');
    let replies: Awaited<ReturnType<TestApp['send']>> = [];
    const commands = await commandsOf(async () => (replies = await t.send(user, { choice: 'language' })));
    expect(textOf(replies)).not.toBe('');
    expect(commands).toEqual([`evalsha ${t.prefix}flood:{u:${user}}`, `evalsha ${t.prefix}s:{u:${user}}`]);
  });

  it('shows an officer the menu by their role in the same two commands (the grants are read with the session)', async () => {
    const user = 'telegram:4343';
    await t.send(user, '/start');
    await t.app.roles.grant(user, { role: 'officer', area: 'son-la.to-hieu', grantedAt: 0 });
    let replies: Awaited<ReturnType<TestApp['send']>> = [];
    const commands = await commandsOf(async () => (replies = await t.send(user, '/menu')));
    expect(choiceValues(replies)).toContain('deadlines');
    expect(commands).toEqual([`evalsha ${t.prefix}flood:{u:${user}}`, `evalsha ${t.prefix}s:{u:${user}}`]);
    // A citizen is offered no officer's entry.
    expect(choiceValues(await t.send('telegram:4444', '/menu'))).not.toContain('deadlines');
  });
});

describe('a Zalo message', () => {
  it('costs the same two commands: whether an answer waits for the person is read with the session', async () => {
    const user = 'zalo:5151';
    await t.send(user, '/start');
    let replies: Awaited<ReturnType<TestApp['send']>> = [];
    const commands = await commandsOf(async () => (replies = await t.send(user, '/menu')));
    expect(textOf(replies)).not.toBe('');
    expect(commands).toEqual([`evalsha ${t.prefix}flood:{u:${user}}`, `evalsha ${t.prefix}s:{u:${user}}`]);
  });

  it('still brings the person an answer kept for their next message, before the reply, once', async () => {
    const user = 'zalo:5252';
    await t.send(user, '/start');
    // What an officer's answer does outside Zalo's 7-day window.
    await new QuestionStore(t.app.redis, t.prefix).hold(user, { text: 'Held answer: the library opens at 8.' });
    const replies = await t.send(user, '/menu');
    expect(replies[0]?.text).toBe('Held answer: the library opens at 8.');
    // The menu still follows.
    expect(replies.length).toBeGreaterThan(1);
    expect(textOf(await t.send(user, '/menu'))).not.toContain('Held answer');
  });
});

describe('a Zalo message through the signed webhook', () => {
  it('is answered with no command before the answer, and costs the two commands with its seen mark', async () => {
    const fake = await startFakeZalo();
    const bot = await startZaloBot(fake, { redisUrl: server.url });
    try {
      const u = '7300000000000000001';
      const user = `zalo:${u}`;
      await bot.driver.text(u, '/start');
      await fake.textsFor(u, 1);
      let status = 0;
      const commands = await commandsOf(async () => {
        status = (await bot.driver.text(u, '/menu', { msgId: 'rt-1' })).status;
        await fake.textsFor(u, 2);
      });
      expect(status).toBe(200);
      expect(commands).toEqual([`evalsha ${bot.t.prefix}flood:{u:${user}}`, `evalsha ${bot.t.prefix}s:{u:${user}}`]);
      // Zalo's retry of the same message is answered 200 and not handled again.
      expect((await bot.driver.text(u, '/menu', { msgId: 'rt-1' })).status).toBe(200);
      await bot.driver.text(u, '/help');
      const texts = await fake.textsFor(u, 3);
      expect(texts[2]).toContain('/menu');
      expect(texts).toHaveLength(3);
    } finally {
      await bot.close();
      await fake.close();
    }
  });
});

describe('a Telegram update', () => {
  it('marks itself seen in the same two commands, and a second delivery is not handled', async () => {
    const user = 'telegram:5353';
    await t.send(user, '/start');
    const update = { once: { key: seenKey(t.prefix, user), id: 'tg:1:77', ttlS: 60 }, redeliver: true };
    const got: { handled?: Awaited<ReturnType<TestApp['app']['bot']['handleUpdate']>> } = {};
    const commands = await commandsOf(async () => (got.handled = await t.app.bot.handleUpdate({ user, text: '/menu' }, update)));
    expect(got.handled === REPEAT ? 0 : got.handled?.replies.length).toBeGreaterThan(0);
    expect(commands).toEqual([`evalsha ${t.prefix}flood:{u:${user}}`, `evalsha ${t.prefix}s:{u:${user}}`]);
    expect(await t.app.bot.handleUpdate({ user, text: '/menu' }, update)).toBe(REPEAT);
  });
});
