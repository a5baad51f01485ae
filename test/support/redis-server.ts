import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/store/private-server.js';

/** One way to find a free port, shared with the bot's own private Redis. */
export { freePort };

export interface RedisServerOptions {
  appendonly?: boolean;
  /** Reuse a data directory, e.g. to restart a server on the same AOF. */
  dir?: string;
  port?: number;
}

export interface RedisServer {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
  /** Kills the server without letting it save anything (a crash): only the AOF keeps data. */
  crash(): Promise<void>;
  /** Starts a stopped or crashed server again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops and starts again on the same port and data directory. */
  restart(): Promise<void>;
  /** Stops and removes the data directory. */
  dispose(): Promise<void>;
}

const INSTALL_HINT =
  'redis-server was not found on PATH. Install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`, ' +
  'macOS: `brew install redis`) or set REDIS_URL to a running Redis that the tests may write to.';

export function redisServerBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || !path) throw new Error(INSTALL_HINT);
  return path;
}


async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const r = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (r.stdout?.trim() === 'PONG') return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within 10 s`);
}

/**
 * Waits until a client's commands get through again after its server came back. The client's own
 * "ready" can come before it has noticed the old connection is gone, so this asks with PING.
 */
export async function untilAnswers(client: { ping(): Promise<string> }, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await client.ping().catch(() => undefined)) === 'PONG') return;
    if (Date.now() > deadline) throw new Error(`Redis did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServer> {
  const bin = redisServerBinary();
  const port = opts.port ?? (await freePort());
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'xhht-redis-'));
  let child: ChildProcess;

  const launch = async (): Promise<void> => {
    child = spawn(
      bin,
      [
        '--port', String(port),
        '--bind', '127.0.0.1',
        '--dir', dir,
        '--save', '',
        '--appendonly', opts.appendonly ? 'yes' : 'no',
        '--appendfsync', 'always',
        '--daemonize', 'no',
        '--loglevel', 'warning',
      ],
      { stdio: 'ignore' },
    );
    await waitForPing(port, child);
  };

  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((res) => child.once('exit', () => res()));
    child.kill(signal);
    await exited;
  };
  const stop = () => kill('SIGTERM');

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop,
    crash: () => kill('SIGKILL'),
    start: launch,
    async restart() {
      await stop();
      await launch();
    },
    async dispose() {
      await stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
