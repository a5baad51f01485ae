import { z } from 'zod';
import type { RedisTarget } from './store/redis.js';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, `a URL starting with ${protocols.map((p) => p + '//').join(' or ')}`);

const optionalUrl = (protocols: string[]) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), url(protocols).optional());

const intInRange = (min: number, max: number, def: number) =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? def : Number(v)),
    z.number({ error: `an integer from ${min} to ${max}` }).int(`an integer from ${min} to ${max}`).min(min, `an integer from ${min} to ${max}`).max(max, `an integer from ${min} to ${max}`),
  );

const hostPort = z.string().regex(/^[A-Za-z0-9_.-]+:\d{1,5}$/, 'a comma-separated list of host:port, e.g. 10.0.0.1:26379,10.0.0.2:26379');

export const configSchema = z
  .object({
    REDIS_URL: optionalUrl(['redis:', 'rediss:']),
    /** Redis Sentinel: the sentinels' host:port list; the bot follows the master they name. */
    REDIS_SENTINELS: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() !== '' ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined),
      z.array(hostPort).min(1).optional(),
    ),
    REDIS_SENTINEL_NAME: z.string().trim().min(1).default('mymaster'),
    /** Sentinel mode: the master's password (with a URL it is part of the URL). */
    REDIS_PASSWORD: optionalString,
    REDIS_SENTINEL_PASSWORD: optionalString,
    /** Sentinel mode: TLS to the sentinels and the master. */
    REDIS_TLS: z.preprocess((v) => (v === undefined || v === '' ? 'false' : v), z.enum(['true', 'false'], { error: 'true or false' })).transform((v) => v === 'true'),
    /** Redis Cluster: some of its nodes as redis:// or rediss:// URLs (credentials and TLS as in REDIS_URL). */
    REDIS_CLUSTER_NODES: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() !== '' ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined),
      z.array(url(['redis:', 'rediss:'])).min(1).optional(),
    ),
    /** Every key the bot writes starts with this, so several bots (or test runs) can share one Redis. */
    REDIS_PREFIX: z
      .string()
      .regex(/^(\{[A-Za-z0-9_.-]{1,30}\}|[A-Za-z0-9_.-]{1,32}):$/, 'letters, digits, "_", "-" or "." ending in ":", optionally in braces, e.g. xhht: or {xhht}:')
      .default('xhht:'),
    /** Where the data the bot writes lives (uploads, the private Redis started without REDIS_URL in DATA_DIR/redis); default ./data. */
    DATA_DIR: optionalString,
    PORT: intInRange(1, 65535, 3000),
    HOST: z.string().trim().min(1).default('127.0.0.1'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
    /**
     * Administrators: only platform ids, which the platforms vouch for. A web-chat id is whatever its
     * client claims, and a typo (";" for ",", a name for a number) would otherwise load silently.
     */
    ADMIN_IDS: z
      .string()
      .default('')
      .transform((v, ctx) => {
        const entries = v.split(',').map((s) => s.trim()).filter(Boolean);
        const bad = entries.find((e) => !/^(telegram|zalo):\d{1,24}$/.test(e));
        if (bad === undefined) return entries;
        ctx.addIssue({ code: 'custom', message: `a comma-separated list of telegram:<digits> or zalo:<digits>, e.g. telegram:123,zalo:456 (web ids cannot be administrators); "${bad}" is not one` });
        return z.NEVER;
      }),
    SESSION_TTL_DAYS: intInRange(1, 3650, 30),
    /** Wrong invite codes per clock hour across everyone: beyond it /join is refused until the hour ends (guessing from many ids). */
    JOIN_WRONG_CODES_PER_HOUR: intInRange(1, 1_000_000, 200),
    /** Flood limit per person: messages that may arrive at once (a pasted list, a script); 0 turns the limit off. */
    FLOOD_BURST: intInRange(0, 100_000, 60),
    /** Flood limit per person: messages per second that refill the burst. */
    FLOOD_PER_SECOND: intInRange(1, 10_000, 10),
    TELEGRAM_BOT_TOKEN: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.string().trim().regex(/^\d+:[\w-]+$/, 'a bot token like 123456:ABC-xyz from @BotFather').optional(),
    ),
    TELEGRAM_API_ROOT: url(['https:', 'http:']).default('https://api.telegram.org'),
    TELEGRAM_WEBHOOK_URL: optionalUrl(['https:', 'http:']),
    TELEGRAM_WEBHOOK_SECRET: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, '1-256 characters of A-Z, a-z, 0-9, _ and -').optional(),
    ),
    ZALO_APP_ID: optionalString,
    ZALO_APP_SECRET: optionalString,
    ZALO_OA_SECRET_KEY: optionalString,
    ZALO_REFRESH_TOKEN: optionalString,
    ZALO_API_BASE: url(['https:', 'http:']).default('https://openapi.zalo.me'),
    ZALO_OAUTH_BASE: url(['https:', 'http:']).default('https://oauth.zaloapp.com'),
    /** Reminders: the time of day (Viet Nam) at which deadline reminders and Learning Week news go out. */
    REMINDERS_SEND_AT: z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day HH:MM, e.g. 08:00').default('08:00'),
    /** Reminders: the bot's public address for calendar links, e.g. https://bot.example.vn; default http://HOST:PORT. */
    CALENDAR_BASE_URL: optionalUrl(['https:', 'http:']),
    /** The console's public address for sign-in links (https makes its cookies Secure); default the server's own http://HOST:PORT. */
    CONSOLE_BASE_URL: optionalUrl(['https:', 'http:']),
    /** Which secret Zalo signs webhooks with: sources differ between the OA secret key and the app secret. */
    ZALO_WEBHOOK_SECRET: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.enum(['oa_secret_key', 'app_secret'], { error: 'oa_secret_key or app_secret' }).default('oa_secret_key'),
    ),
    /** An approved template for reminders reaching people outside Zalo's 7-day window. */
    ZALO_REMINDER_TEMPLATE_ID: optionalString,
    /** OA API message calls per minute, shared by every instance (Zalo allows about 4,000 per app). */
    ZALO_SEND_RATE_PER_MIN: intInRange(1, 100_000, 3000),
    /** The Zalo Bot platform instead of an Official Account: the bot's token ("<bot id>:<secret>"). */
    ZALO_BOT_TOKEN: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.string().trim().regex(/^\d+:\S+$/, 'a Zalo Bot token like 1459232241454765289:AbC-xyz').optional(),
    ),
    /** Checked against X-Bot-Api-Secret-Token on POST /webhooks/zalo in Zalo Bot mode. */
    ZALO_BOT_WEBHOOK_SECRET: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.string().regex(/^[A-Za-z0-9_-]{8,256}$/, '8-256 characters of A-Z, a-z, 0-9, _ and -').optional(),
    ),
    /** The public URL of POST /webhooks/zalo: when set, the bot registers it with setWebhook at start. */
    ZALO_BOT_WEBHOOK_URL: optionalUrl(['https:', 'http:']),
    ZALO_BOT_API_BASE: url(['https:', 'http:']).default('https://bot-api.zaloplatforms.com'),
    /** Outbound queue: proactive messages per second to Telegram (the Bot API allows about 30); 0: no cap. */
    TELEGRAM_RATE_PER_SECOND: intInRange(0, 10_000, 30),
    /** Outbound queue: proactive messages per minute to Zalo; below ZALO_SEND_RATE_PER_MIN so that replies still fit; 0: no cap. */
    ZALO_RATE_PER_MINUTE: intInRange(0, 100_000, 2000),
    /** Outbound queue: proactive messages per second to web-chat pages; 0: no cap. */
    WEB_RATE_PER_SECOND: intInRange(0, 100_000, 0),
    /** The web chat (page, /api/chat and its routes): "off" for deployments that only want Telegram and Zalo. */
    WEB_CHAT: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim().toLowerCase() : 'on'),
      z.enum(['on', 'off'], { error: 'on or off' }),
    ),
    /** Signs web-chat ids; without it a secret is made on first start and kept in Redis. */
    WEB_SECRET: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.string().min(32, 'at least 32 characters (e.g. openssl rand -base64 32)').optional(),
    ),
    /** New web-chat identities one client address may get per hour. */
    WEB_SESSIONS_PER_HOUR: intInRange(1, 1_000_000, 30),
    /** Behind a reverse proxy: take the client address from the last X-Forwarded-For entry (the one the proxy added). */
    TRUST_PROXY: z.preprocess(
      (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
      z
        .enum(['', '0', '1', 'false', 'true', 'no', 'yes', 'off', 'on'], { error: 'true or false' })
        .optional()
        .transform((v) => v === '1' || v === 'true' || v === 'yes' || v === 'on'),
    ),
    /** Photos and files sent as evidence from the web chat; default <DATA_DIR>/uploads. */
    WEB_UPLOAD_DIR: optionalString,
    /** The largest photo or file the web chat takes, in megabytes. */
    WEB_UPLOAD_MAX_MB: intInRange(1, 50, 8),
    /** Outbound queue: messages each channel's worker handles at once in this process. */
    OUTBOUND_CONCURRENCY: intInRange(1, 1000, 32),
  })
  .superRefine((c, ctx) => {
    const set = (['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const).filter((k) => c[k] !== undefined);
    if (set.length > 1) ctx.addIssue({ code: 'custom', path: [set[1] as string], message: `left unset when ${set[0]} is set (one Redis only)` });
  });

export type Config = z.infer<typeof configSchema>;

/** The Redis the configuration names, or undefined when it names none (a private or in-process one is used). */
export function redisTarget(c: Config): RedisTarget | undefined {
  if (c.REDIS_URL) return { kind: 'url', url: c.REDIS_URL };
  if (c.REDIS_CLUSTER_NODES) return { kind: 'cluster', nodes: c.REDIS_CLUSTER_NODES };
  if (c.REDIS_SENTINELS) {
    const sentinels = c.REDIS_SENTINELS.map((hp) => {
      const at = hp.lastIndexOf(':');
      return { host: hp.slice(0, at), port: Number(hp.slice(at + 1)) };
    });
    return { kind: 'sentinel', sentinels, name: c.REDIS_SENTINEL_NAME, password: c.REDIS_PASSWORD, sentinelPassword: c.REDIS_SENTINEL_PASSWORD, tls: c.REDIS_TLS };
  }
  return undefined;
}

export class ConfigError extends Error {}

// Redis URLs may carry a password.
const SECRET_NAME = /TOKEN|SECRET|KEY|PASSWORD|REDIS_URL|REDIS_CLUSTER_NODES/;

/** Reads the environment; a wrong value throws one line per problem naming the variable and what it expects. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    const got = env[name];
    // Tokens and secrets stay out of logs, even wrong ones.
    const shown = got === undefined || SECRET_NAME.test(name) ? '' : ` (got ${JSON.stringify(got)})`;
    return `Invalid configuration: ${name} must be ${issue.message}${shown}`;
  });
  throw new ConfigError(lines.join('\n'));
}
