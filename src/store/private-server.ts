import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** A redis-server this bot started (or found already running) on its own data folder, with the append-only file on. */
export interface PrivateRedis {
  url: string;
  dir: string;
  /** False when another bot process (or `npm run admin`) started it and keeps it. */
  owned: boolean;
  /** Shuts the server down if this process started it (it writes its files first). */
  stop(): Promise<void>;
}

const PORT_FILE = 'redis.port';

/** The redis-server on PATH, or undefined when none is installed. */
export function findRedisServer(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr && typeof addr === 'object') srv.close(() => resolve(addr.port));
      else reject(new Error('no free port'));
    });
  });
}

/** The folder a Redis on `port` keeps its files in, or undefined when nothing answers there. */
async function dirOfServerOn(port: number): Promise<string | undefined> {
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000 });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    const reply = (await probe.config('GET', 'dir')) as string[];
    return reply[1];
  } catch {
    return undefined;
  } finally {
    probe.disconnect();
  }
}

async function answers(port: number, deadlineMs: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error('redis-server stopped right after starting; see redis.log in its data folder');
    if ((await dirOfServerOn(port)) !== undefined) return;
    await sleep(50);
  }
  throw new Error(`redis-server did not answer on port ${port} within ${deadlineMs / 1000} s`);
}

/**
 * Starts a redis-server on `dir` (AOF on, bound to 127.0.0.1 on a free port), or joins the one already
 * running there: the bot and `npm run admin` then share it, and a second start does not fight over the files.
 */
export async function startPrivateRedis(bin: string, dir: string): Promise<PrivateRedis> {
  mkdirSync(dir, { recursive: true });
  const realDir = realpathSync(dir);
  const portFile = join(realDir, PORT_FILE);
  if (existsSync(portFile)) {
    const port = Number(readFileSync(portFile, 'utf8').trim());
    if (Number.isInteger(port) && port > 0 && (await dirOfServerOn(port)) === realDir) {
      return { url: `redis://127.0.0.1:${port}`, dir: realDir, owned: false, stop: async () => undefined };
    }
  }
  const port = await freePort();
  const child = spawn(
    bin,
    [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', realDir,
      '--appendonly', 'yes',
      '--appendfsync', 'everysec',
      '--save', '',
      '--logfile', 'redis.log',
      '--pidfile', join(realDir, 'redis.pid'),
      '--daemonize', 'no',
    ],
    { stdio: 'ignore' },
  );
  let exited = false;
  const gone = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  await answers(port, 30_000, () => exited);
  writeFileSync(portFile, `${port}\n`);
  return {
    url: `redis://127.0.0.1:${port}`,
    dir: realDir,
    owned: true,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      await gone;
    },
  };
}
