/** `npm run admin -- <command>`: the operators' command line, on the same Redis as the bot. */
import { App } from '../app/app.js';
import { capabilities } from '../app/capabilities.js';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../core/logger.js';
import { Redis } from 'ioredis';
import { NoStoreError, openStore, type OpenedStore } from '../store/open.js';
import { whenReady } from '../store/redis.js';
import { runIfEntry, type CliIO } from '../core/cli.js';

export async function main(argv: readonly string[], io: CliIO, env: NodeJS.ProcessEnv): Promise<number> {
  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  let store: OpenedStore | undefined;
  try {
    store = await openStore(config, log, env);
  } catch (err) {
    if (!(err instanceof NoStoreError)) throw err;
  }
  if (store?.kind === 'memory') {
    await store.close();
    store = undefined;
  }
  // Without a Redis, commands that read only the data files (the reminder preview) still run: this client never connects.
  const app = new App({ config, log, redis: store?.redis ?? new Redis({ lazyConnect: true }) });
  try {
    await app.use(...capabilities);
    const found = app.admin.find(argv);
    if (!found) {
      io.err(`Usage: npm run admin -- <command>\n${app.admin.usage().join('\n')}`);
      return argv.length ? 2 : 0;
    }
    if (!found.cmd.dataOnly) {
      if (!store) {
        io.err(
          'No Redis to work on: the admin commands work on the Redis the bot uses. Set REDIS_URL (or REDIS_SENTINELS, REDIS_CLUSTER_NODES) to it, or install redis-server (a bot without one keeps its data in its own memory).',
        );
        return 2;
      }
      const ready = await Promise.race([whenReady(store.redis).then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000).unref())]);
      if (!ready) {
        io.err(`${store.summary}: Redis did not answer within 10 s.`);
        return 1;
      }
    }
    return await found.cmd.run(found.args, io);
  } finally {
    await app.stop();
    // A private redis-server the bot started stays up; one this command started stops with it.
    if (store) await store.close();
    else app.redis.disconnect();
  }
}

await runIfEntry(import.meta.url, main);
