import { createApp } from './app/create.js';
import { ConfigError, loadConfig } from './config.js';
import { DataFileError } from './core/data-file.js';
import { createLogger } from './core/logger.js';
import { FlowLoadError } from './engine/flows.js';
import { closeHttp, listenHttp } from './http/server.js';
import { NoStoreError, openStore } from './store/open.js';
import { whenReady } from './store/redis.js';

/** An address a browser on this machine can open: a wildcard bind is reached through loopback. */
function openUrl(address: string, port: number): string {
  const host = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${port}/`;
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL);
  let store;
  try {
    store = await openStore(config, log);
  } catch (err) {
    if (err instanceof NoStoreError) {
      process.stderr.write(err.message + '\n');
      process.exit(1);
    }
    throw err;
  }
  if (store.kind === 'memory') log.warn(store.summary);
  else log.info(store.summary);
  let app;
  try {
    app = await createApp({ config, log, redis: store.redis, inMemory: store.kind === 'memory' });
  } catch (err) {
    if (err instanceof FlowLoadError || err instanceof DataFileError) {
      await store.close();
      process.stderr.write(`${err instanceof FlowLoadError ? 'The flows have' : 'A data file has'} problems:\n${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  const { address, port } = await listenHttp(app.http, config.PORT, config.HOST);
  log.info({ url: `http://${address}:${port}/` }, 'web chat and API listening');
  // One plain line for the person who just typed `npm start`, among the JSON log lines.
  if (config.WEB_CHAT === 'on') process.stdout.write(`open ${openUrl(address, port)}\n`);

  // HTTP answers (healthz 503) while Redis is still down; channels and schedulers start once it is up.
  if (!app.inMemory) {
    if (app.redis.status !== 'ready') log.warn('waiting for Redis');
    await whenReady(app.redis);
  }
  await app.start();
  log.info('bot started');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: finishing messages in flight');
    const closed = closeHttp(app.http);
    // Messages being handled may still queue notices: the queues close only after them.
    await app.bot.drain();
    await app.stop();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 5_000).unref())]);
    await store.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
