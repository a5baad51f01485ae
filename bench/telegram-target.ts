/**
 * The server under load, in a process of its own: `xhht` is this bot (every capability, Redis
 * sessions, the real webhook route); `echo` is a bare telegraf bot on telegraf's own webhookCallback
 * that echoes texts and answers button presses, without sessions. Both talk to the same fake Bot API.
 * Prints {"port":N} once it takes updates.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Telegraf } from 'telegraf';
import { createApp } from '../src/app/create.js';
import { configSchema } from '../src/config.js';
import { createLogger } from '../src/core/logger.js';
import { listenHttp } from '../src/http/server.js';
import { whenReady } from '../src/store/redis.js';

const [kind] = process.argv.slice(2);
const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const token = env('BENCH_TOKEN');
const apiRoot = env('BENCH_API_ROOT');
const secret = env('BENCH_SECRET');
const port = Number(env('BENCH_PORT'));
const WEBHOOK_PATH = '/webhooks/telegram';

async function xhht(): Promise<Server> {
  const config = configSchema.parse({
    // One redis-server, or a cluster (the webhook bench runs both).
    ...(process.env.BENCH_REDIS_CLUSTER_NODES ? { REDIS_CLUSTER_NODES: process.env.BENCH_REDIS_CLUSTER_NODES } : { REDIS_URL: env('BENCH_REDIS_URL') }),
    REDIS_PREFIX: env('BENCH_PREFIX'),
    LOG_LEVEL: 'warn',
    TELEGRAM_BOT_TOKEN: token,
    TELEGRAM_API_ROOT: apiRoot,
    TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
    TELEGRAM_WEBHOOK_SECRET: secret,
  });
  const app = await createApp({ config, log: createLogger('warn') });
  await whenReady(app.redis);
  await listenHttp(app.http, port, '127.0.0.1');
  await app.start();
  return app.http.server;
}

async function echo(): Promise<Server> {
  const bot = new Telegraf(token, { telegram: { apiRoot } });
  bot.botInfo = await bot.telegram.getMe();
  bot.on('message', (ctx) => ctx.reply('text' in ctx.message ? ctx.message.text : '?'));
  bot.on('callback_query', async (ctx) => {
    await ctx.answerCbQuery();
    await ctx.reply('data' in ctx.callbackQuery ? ctx.callbackQuery.data : '?');
  });
  bot.catch((err) => {
    process.stderr.write(`echo bot: ${String(err)}\n`);
  });
  const server = createServer(bot.webhookCallback(WEBHOOK_PATH, { secretToken: secret }));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return server;
}

const server = kind === 'xhht' ? await xhht() : kind === 'echo' ? await echo() : undefined;
if (!server) throw new Error(`unknown target ${kind}: xhht or echo`);
process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + '\n');
process.on('SIGTERM', () => process.exit(0));
