import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app/app.js';
import { capabilities } from '../../src/app/capabilities.js';
import { configSchema } from '../../src/config.js';
import { createLogger } from '../../src/core/logger.js';
import { openStore, type OpenedStore } from '../../src/store/open.js';
import { whenReady } from '../../src/store/redis.js';
import { textOf, type TestApp } from '../support/app.js';
import { as, logActivity, register } from '../learning/helpers.js';

const dirs: string[] = [];
const open: OpenedStore[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The bot as `npm start` builds it with no REDIS_URL, on DATA_DIR. */
async function botOn(dataDir: string): Promise<{ t: TestApp; store: OpenedStore }> {
  const config = configSchema.parse({ LOG_LEVEL: 'silent', DATA_DIR: dataDir });
  const log = createLogger('silent');
  const store = await openStore(config, log);
  open.push(store);
  await whenReady(store.redis);
  const app = new App({ config, log, redis: store.redis, throttle: null });
  await app.use(...capabilities);
  app.build();
  const t: TestApp = {
    app,
    prefix: config.REDIS_PREFIX,
    send: (user, message) => app.bot.handle(typeof message === 'string' ? { user, text: message } : { user, ...message }),
    close: () => app.stop(),
  };
  return { t, store };
}

describe('npm start without REDIS_URL', () => {
  it('runs its own redis-server with the append-only file under DATA_DIR, and a learning file survives a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'xhht-data-'));
    dirs.push(dataDir);
    const first = await botOn(dataDir);
    expect(first.store.kind).toBe('private');
    expect(first.store.summary).toMatch(/started a private redis-server .* survive a restart/);
    const send = as(first.t, 'web:restart-1');
    await register(send, { name: 'Lò Thị Mai' });
    await logActivity(send, { title: 'Lớp tin học cơ bản', evidence: 'https://example.vn/chung-nhan.pdf' });
    await first.t.close();
    await first.store.close();
    open.splice(0);
    expect(readdirSync(join(dataDir, 'redis'))).toContain('appendonlydir');

    const second = await botOn(dataDir);
    expect(second.store.summary).toContain('started a private redis-server');
    const again = as(second.t, 'web:restart-1');
    await again('/menu');
    // A newcomer would be asked for consent again; the registered citizen lands on their file.
    const hub = await again({ choice: 'learning' });
    expect(textOf(hub)).toContain('Hồ sơ năm 2026');
    const list = await again({ choice: 'activities' });
    expect(textOf(list)).toContain('Hoạt động năm 2026: 1 (2 giờ)');
    expect(list.flatMap((r) => r.choices ?? []).map((c) => c.label).join('\n')).toContain('Lớp tin học cơ bản');
    await again({ choice: 'back' });
    expect(textOf(await again({ choice: 'profile' }))).toContain('Lò Thị Mai');
  });

  it('joins the private redis-server another process of the bot already runs on the same folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'xhht-data-'));
    dirs.push(dataDir);
    const config = configSchema.parse({ LOG_LEVEL: 'silent', DATA_DIR: dataDir });
    const a = await openStore(config, createLogger('silent'));
    open.push(a);
    const b = await openStore(config, createLogger('silent'));
    expect(b.summary).toContain('using the private redis-server already running');
    await whenReady(b.redis);
    await b.redis.set('shared', 'yes');
    await b.close();
    open.splice(1);
    // The second one leaves the server to the process that started it.
    await whenReady(a.redis);
    expect(await a.redis.get('shared')).toBe('yes');
  });

  it('falls back to in-process memory only when no redis-server is installed, and says nothing survives a restart', async () => {
    const saved = process.env.PATH;
    process.env.PATH = mkdtempSync(join(tmpdir(), 'xhht-nopath-'));
    dirs.push(process.env.PATH);
    try {
      const dataDir = join(process.env.PATH, 'data');
      const store = await openStore(configSchema.parse({ LOG_LEVEL: 'silent', DATA_DIR: dataDir }), createLogger('silent'));
      open.push(store);
      expect(store.kind).toBe('memory');
      expect(store.summary).toContain('NOTHING SURVIVES A RESTART');
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      process.env.PATH = saved;
    }
  });
});
