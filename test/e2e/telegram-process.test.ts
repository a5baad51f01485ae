import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../support/redis-server.js';
import { TelegramEmulator, type Sent } from '../support/telegram-emulator.js';
import { readable } from '../support/telegram-harness.js';

/** The bot as `npm start` runs it, against the emulator and the suite's Redis. */
function startBot(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

describe('the bot process with Telegram', { timeout: 180_000 }, () => {
  const prefix = `tp${randomBytes(3).toString('hex')}:`;
  const running: ChildProcess[] = [];
  let emu: TelegramEmulator;
  let env: Record<string, string>;

  beforeAll(async () => {
    emu = await TelegramEmulator.start();
    env = { TELEGRAM_BOT_TOKEN: emu.token, TELEGRAM_API_ROOT: emu.apiRoot, REDIS_URL: inject('redisUrl'), REDIS_PREFIX: prefix, PORT: String(await freePort()) };
  });
  afterAll(async () => {
    for (const c of running) if (c.exitCode === null) c.kill('SIGKILL');
    await emu?.close();
    const redis = new Redis(inject('redisUrl'));
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('serves a Telegram user, and the conversation survives a restart', async () => {
    const lan = TelegramEmulator.person(5001);
    const first = startBot(env);
    running.push(first.child);
    await emu.waitFor(() => emu.getUpdatesCalls > 0, 20_000, 'the bot to poll');
    const buttons = (m: Sent | undefined) => m?.keyboard?.flat().map((b) => b.callback_data);
    /** Waits for the next message offering the button `value`. */
    const offering = (value: string) => emu.waitFor(() => emu.sentTo(lan.id).find((m) => buttons(m)?.includes(value)), 10_000, `a message offering ${value}`);
    await emu.sendText(lan, '/start');
    expect(readable((await offering('settings')).text)).toContain('Anh/Chị cần gì');
    expect(readable(emu.sentTo(lan.id)[0]?.text ?? '')).toContain('Xin chào');
    await emu.press(lan, 'settings');
    await offering('language');
    await emu.press(lan, 'language');
    expect(buttons(await offering('en'))).toEqual(['vi', 'en']);
    const sentBefore = emu.sentTo(lan.id).length;

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('Telegram long polling started');
    expect(first.output()).toContain('"msg":"stopped"');

    // Pressed while the bot is down: Telegram keeps the update until the bot polls again.
    await emu.press(lan, 'en');
    const second = startBot(env);
    running.push(second.child);
    const [switched] = await emu.messagesTo(lan.id, 1, sentBefore, 20_000);
    expect(readable(switched!.text)).toContain('Switched to English');
    expect(readable(switched!.text)).toContain('Settings');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
