import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startRedisServer, type RedisServer } from '../support/redis-server.js';
import { issuedWebId } from '../support/web.js';

/** The bot as `npm start` runs it: a real process, its logs, its exit. */
function startBot(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, REDIS_URL: '', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

// Generous: on a busy two-core machine the bot can take most of a minute to start.
async function until<T>(probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const running: ChildProcess[] = [];
let redis: RedisServer | undefined;
afterEach(async () => {
  for (const c of running.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  await redis?.dispose();
  redis = undefined;
});

describe('the bot process', { timeout: 180_000 }, () => {
  it('without REDIS_URL runs its own redis-server on DATA_DIR, says so in one line, and stops it on SIGTERM', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'xhht-data-'));
    const bot = startBot({ PORT: String(port), DATA_DIR: dataDir });
    running.push(bot.child);
    await until(async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200 ? true : undefined));
    const user = await issuedWebId(`http://127.0.0.1:${port}`);
    const chat = await fetch(`http://127.0.0.1:${port}/api/chat`, { method: 'POST', body: JSON.stringify({ user, text: '/start' }) });
    expect(((await chat.json()) as { replies: { text: string }[] }).replies[0]?.text).toContain('Xin chào');
    const redisPort = Number(readFileSync(join(dataDir, 'redis', 'redis.port'), 'utf8'));
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.output().match(/started a private redis-server/g)).toHaveLength(1);
    expect(bot.output()).toContain('"msg":"stopped"');
    const left = new Redis(redisPort, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    left.on('error', () => undefined);
    await expect(left.connect()).rejects.toThrow();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the web chat in memory when no redis-server is installed, and says once that nothing survives a restart', async () => {
    const port = await freePort();
    const empty = mkdtempSync(join(tmpdir(), 'xhht-nopath-'));
    const bot = startBot({ PORT: String(port), PATH: empty });
    running.push(bot.child);
    const page = await until(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      return res.ok ? res.text() : undefined;
    });
    expect(page).toContain('Trợ lý Xây dựng xã hội học tập');
    // Besides the JSON log, one plain line says where to open the chat.
    expect(bot.output()).toMatch(new RegExp(`^open http://127\\.0\\.0\\.1:${port}/$`, 'm'));
    const user = await issuedWebId(`http://127.0.0.1:${port}`);
    const chat = await fetch(`http://127.0.0.1:${port}/api/chat`, { method: 'POST', body: JSON.stringify({ user, text: '/start' }) });
    expect(((await chat.json()) as { replies: { text: string }[] }).replies[0]?.text).toContain('Xin chào');
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.output().match(/NOTHING SURVIVES A RESTART/g)).toHaveLength(1);
    expect(bot.output()).toContain('"msg":"stopped"');
    rmSync(empty, { recursive: true, force: true });
  });

  it('refuses to start on a wrong setting, with one line naming it', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, PORT: 'eighty' }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe('Invalid configuration: PORT must be an integer from 1 to 65535 (got "eighty")');
  });

  it.each([
    ['web:boss', 'web:boss'],
    ['telegram:123;zalo:456', 'telegram:123;zalo:456'],
    ['telegram:123,telegram:abc', 'telegram:abc'],
    ['telegram:*', 'telegram:*'],
  ])('refuses ADMIN_IDS=%s: no administrator on a web id or a typo, one line naming the entry', (value, entry) => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, REDIS_URL: '', ADMIN_IDS: value }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: ADMIN_IDS must be /);
    expect(lines[0]).toContain(`"${entry}" is not one`);
    expect(run.stdout).not.toContain('listening');
  });

  it('waits for Redis at start-up: /healthz says 503 until Redis answers, then the bot serves', async () => {
    const [port, redisPort] = [await freePort(), await freePort()];
    const bot = startBot({ PORT: String(port), REDIS_URL: `redis://127.0.0.1:${redisPort}` });
    running.push(bot.child);
    const down = await until(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status);
    expect(down).toBe(503);
    // The web chat cannot issue an identity without its store: the page hears "try again" (503) and offers "Thử lại".
    const refused = await fetch(`http://127.0.0.1:${port}/api/chat/session`, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: string }).error).toContain('try again');
    redis = await startRedisServer({ port: redisPort });
    await until(async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200 ? true : undefined));
    const user = await issuedWebId(`http://127.0.0.1:${port}`);
    const chat = await fetch(`http://127.0.0.1:${port}/api/chat`, { method: 'POST', body: JSON.stringify({ user, text: '/start' }) });
    expect(((await chat.json()) as { replies: { text: string }[] }).replies[0]?.text).toContain('Xin chào');
    expect(bot.output().match(/Redis is unreachable/g)).toHaveLength(1);
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  });

  it('answers a message still in flight when SIGTERM arrives, then stops', async () => {
    const port = await freePort();
    redis = await startRedisServer();
    const bot = startBot({ PORT: String(port), REDIS_URL: redis.url, REDIS_PREFIX: 'gs:' });
    running.push(bot.child);
    await until(async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200 ? true : undefined));
    // Another instance holds this person's session, so the message waits inside the bot.
    const other = new Redis(redis.url);
    const lateUser = await issuedWebId(`http://127.0.0.1:${port}`);
    await other.set(`gs:lock:s:{u:web:${lateUser}}`, 'other-instance', 'PX', 5_000);
    const answer = fetch(`http://127.0.0.1:${port}/api/chat`, { method: 'POST', body: JSON.stringify({ user: lateUser, text: '/start' }) });
    await new Promise((r) => setTimeout(r, 300));
    bot.child.kill('SIGTERM');
    await until(async () => (bot.output().includes('finishing messages in flight') ? true : undefined));
    // Stopping means no new work, while the message in flight is still waiting.
    const late = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 'refused');
    expect(late).not.toBe(200);
    await other.del(`gs:lock:s:{u:web:${lateUser}}`);
    const res = await answer;
    const answeredAt = Date.now();
    expect(res.status).toBe(200);
    expect(((await res.json()) as { replies: { text: string }[] }).replies[0]?.text).toContain('Xin chào');
    expect(await bot.exited).toBe(0);
    // Its connection closed with the answer: the process does not sit out a timeout on it.
    expect(Date.now() - answeredAt).toBeLessThan(3_000);
    expect(await other.exists(`gs:s:{u:web:${lateUser}}`)).toBe(1);
    other.disconnect();
  });
});
