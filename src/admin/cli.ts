/** `npm run admin -- <command>`: the operators' command line, on the same REDIS_URL as the bot. */
import { App } from '../app/app.js';
import { capabilities } from '../app/capabilities.js';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../core/logger.js';
import { whenReady } from '../store/redis.js';
import type { AdminIO } from './commands.js';

const io: AdminIO = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
};

async function main(argv: string[]): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const app = new App({ config, log });
  await app.use(...capabilities);
  const found = app.admin.find(argv);
  if (!found) {
    io.err(`Usage: npm run admin -- <command>\n${app.admin.usage().join('\n')}`);
    app.redis.disconnect();
    return argv.length ? 2 : 0;
  }
  // Commands that read only the data files (e.g. the reminder preview) need no Redis.
  if (!found.cmd.dataOnly) {
    if (!config.REDIS_URL) {
      io.err('REDIS_URL is not set. The admin commands work on the Redis the bot uses; set REDIS_URL to it (a bot without REDIS_URL keeps its data in its own memory).');
      app.redis.disconnect();
      return 2;
    }
    const ready = await Promise.race([whenReady(app.redis).then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000).unref())]);
    if (!ready) {
      io.err(`Redis at ${config.REDIS_URL} did not answer within 10 s.`);
      app.redis.disconnect();
      return 1;
    }
  }
  try {
    return await found.cmd.run(found.args, io);
  } finally {
    await app.stop();
    app.redis.disconnect();
  }
}

process.exitCode = await main(process.argv.slice(2)).catch((err: unknown) => {
  io.err(err instanceof Error ? err.message : String(err));
  return 1;
});
process.exit();
