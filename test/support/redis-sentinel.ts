import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, redisServerBinary, startRedisServer, type RedisServer } from './redis-server.js';

export interface SentinelSetup {
  master: RedisServer;
  replicaPort: number;
  sentinelPort: number;
  name: string;
  /** The port of the server the sentinel names as master now. */
  masterPort(): number;
  dispose(): Promise<void>;
}

function cli(port: number, ...args: string[]): string {
  return spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout?.trim() ?? '';
}

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** One master, one replica and one sentinel watching them (quorum 1, a master is down after 1 s). */
export async function startSentinelSetup(name = 'xhht'): Promise<SentinelSetup> {
  const bin = redisServerBinary();
  const dir = mkdtempSync(join(tmpdir(), 'xhht-sentinel-'));
  const master = await startRedisServer();
  const [replicaPort, sentinelPort] = [await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  children.push(spawn(bin, ['--port', String(replicaPort), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--replicaof', '127.0.0.1', String(master.port)], { stdio: 'ignore' }));
  await until(() => cli(replicaPort, 'info', 'replication').includes('master_link_status:up'), 'the replica to sync');
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [
      `port ${sentinelPort}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${name} 127.0.0.1 ${master.port} 1`,
      `sentinel down-after-milliseconds ${name} 1000`,
      `sentinel failover-timeout ${name} 10000`,
      `sentinel parallel-syncs ${name} 1`,
      '',
    ].join('\n'),
  );
  children.push(spawn(bin, [conf, '--sentinel'], { stdio: 'ignore' }));
  const masterPort = () => Number(cli(sentinelPort, 'sentinel', 'get-master-addr-by-name', name).split('\n')[1] ?? 0);
  await until(() => masterPort() === master.port && cli(sentinelPort, 'sentinel', 'replicas', name).includes(String(replicaPort)), 'the sentinel to see both');
  return {
    master,
    replicaPort,
    sentinelPort,
    name,
    masterPort,
    async dispose() {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      await master.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
