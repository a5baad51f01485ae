import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, configSchema, loadConfig, redisTarget } from '../../src/config.js';
import { projectRoot } from '../../src/core/paths.js';

describe('configuration from the environment', () => {
  it('runs with nothing set: web chat on 127.0.0.1:3000, in-memory store', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', LOG_LEVEL: 'info', ADMIN_IDS: [], REDIS_PREFIX: 'xhht:', SESSION_TTL_DAYS: 30 });
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.TELEGRAM_API_ROOT).toBe('https://api.telegram.org');
    expect(c.ZALO_API_BASE).toBe('https://openapi.zalo.me');
    expect(c.ZALO_OAUTH_BASE).toBe('https://oauth.zaloapp.com');
  });

  it('has the web chat on, its limits and no trusted proxy by default; reads WEB_CHAT and TRUST_PROXY as words', () => {
    expect(loadConfig({})).toMatchObject({ WEB_CHAT: 'on', WEB_SESSIONS_PER_HOUR: 30, TRUST_PROXY: false, WEB_UPLOAD_MAX_MB: 8 });
    expect(loadConfig({ WEB_CHAT: 'OFF', TRUST_PROXY: 'true' })).toMatchObject({ WEB_CHAT: 'off', TRUST_PROXY: true });
    expect(loadConfig({ TRUST_PROXY: '0' }).TRUST_PROXY).toBe(false);
  });

  it('reads the values it is given', () => {
    const c = loadConfig({ PORT: '8080', REDIS_URL: 'redis://10.0.0.5:6379/2', ADMIN_IDS: 'telegram:123, zalo:4567890123456789012', TELEGRAM_BOT_TOKEN: '123456:ABC-def_1', TELEGRAM_WEBHOOK_URL: '' });
    expect(c.PORT).toBe(8080);
    expect(c.ADMIN_IDS).toEqual(['telegram:123', 'zalo:4567890123456789012']);
    expect(c.TELEGRAM_WEBHOOK_URL).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'Invalid configuration: PORT must be an integer from 1 to 65535 (got "abc")'],
    [{ PORT: '70000' }, 'PORT must be an integer from 1 to 65535'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL must be a URL starting with redis:// or rediss://'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
    [{ ADMIN_IDS: 'telegram:1,bob' }, 'ADMIN_IDS must be a comma-separated list of telegram:<digits> or zalo:<digits>'],
    [{ TELEGRAM_BOT_TOKEN: 'not-a-token' }, 'TELEGRAM_BOT_TOKEN must be a bot token like 123456:ABC-xyz'],
    [{ TELEGRAM_WEBHOOK_SECRET: 'has spaces' }, 'TELEGRAM_WEBHOOK_SECRET must be 1-256 characters'],
    [{ ZALO_API_BASE: 'ftp://x' }, 'ZALO_API_BASE must be a URL starting with https:// or http://'],
    [{ SESSION_TTL_DAYS: '0' }, 'SESSION_TTL_DAYS must be an integer from 1 to 3650'],
    [{ REDIS_SENTINELS: '10.0.0.1' }, 'REDIS_SENTINELS must be a comma-separated list of host:port'],
    [{ REDIS_CLUSTER_NODES: 'redis://a:7000,10.0.0.2:7001' }, 'REDIS_CLUSTER_NODES must be a URL starting with redis:// or rediss://'],
    [{ REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'redis://b:7000' }, 'REDIS_CLUSTER_NODES must be left unset when REDIS_URL is set'],
    [{ REDIS_PREFIX: '{xhht:' }, 'REDIS_PREFIX must be letters, digits'],
    [{ WEB_CHAT: 'maybe' }, 'WEB_CHAT must be on or off (got "maybe")'],
    [{ WEB_SECRET: 'short' }, 'WEB_SECRET must be at least 32 characters'],
    [{ WEB_SESSIONS_PER_HOUR: '0' }, 'WEB_SESSIONS_PER_HOUR must be an integer from 1 to 1000000'],
    [{ TRUST_PROXY: 'sometimes' }, 'TRUST_PROXY must be true or false'],
    [{ WEB_UPLOAD_MAX_MB: '500' }, 'WEB_UPLOAD_MAX_MB must be an integer from 1 to 50'],
  ])('stops on %j with one clear line', (env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as Error).message;
    expect(text).toContain(message);
    expect(text.split('\n')).toHaveLength(1);
  });

  it('names a Sentinel or a Cluster as the Redis, and takes a prefix in braces', () => {
    expect(redisTarget(loadConfig({ REDIS_SENTINELS: '10.0.0.1:26379, sentinel-2:26380', REDIS_SENTINEL_NAME: 'xhht', REDIS_PASSWORD: 'pw' }))).toEqual({
      kind: 'sentinel',
      sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: 'sentinel-2', port: 26380 }],
      name: 'xhht',
      password: 'pw',
      sentinelPassword: undefined,
      tls: false,
    });
    expect(redisTarget(loadConfig({ REDIS_CLUSTER_NODES: 'rediss://:pw@n1:7000,rediss://:pw@n2:7000' }))).toEqual({ kind: 'cluster', nodes: ['rediss://:pw@n1:7000', 'rediss://:pw@n2:7000'] });
    expect(redisTarget(loadConfig({}))).toBeUndefined();
    expect(loadConfig({ REDIS_PREFIX: '{xhht}:' }).REDIS_PREFIX).toBe('{xhht}:');
  });

  it('keeps a Redis password out of the error line', () => {
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'redis://:hunter2@n1:7000,nope' })).toThrow(/REDIS_CLUSTER_NODES must be/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'redis://:hunter2@n1:7000,nope' })).not.toThrow(/hunter2/);
  });

  it('keeps a wrong token or secret out of the error line, which ends up in logs', () => {
    const env = { TELEGRAM_BOT_TOKEN: 'sekrit token', ZALO_BOT_WEBHOOK_SECRET: 'short' };
    expect(() => loadConfig(env)).toThrow(/TELEGRAM_BOT_TOKEN must be a bot token/);
    expect(() => loadConfig(env)).toThrow(/ZALO_BOT_WEBHOOK_SECRET must be 8-256 characters/);
    expect(() => loadConfig(env)).not.toThrow(/sekrit|short/);
  });

  it('documents every variable in .env.example, with values that start the bot', () => {
    const env: Record<string, string> = {};
    for (const line of readFileSync(join(projectRoot, '.env.example'), 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line);
      if (m?.[1]) env[m[1]] = m[2] ?? '';
    }
    expect(Object.keys(configSchema.shape).filter((name) => !(name in env))).toEqual([]);
    expect(() => loadConfig(env)).not.toThrow();
  });
});
