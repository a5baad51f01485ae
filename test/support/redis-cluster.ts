import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, redisServerBinary } from './redis-server.js';

export interface RedisCluster {
  /** REDIS_CLUSTER_NODES for the bot. */
  nodes: string[];
  ports: number[];
  dispose(): Promise<void>;
}

function cli(port: number, ...args: string[]): string {
  return spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout ?? '';
}

/** A private Redis Cluster of `masters` masters (no replicas) on free local ports, as production runs the country. */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const bin = redisServerBinary();
  const dir = mkdtempSync(join(tmpdir(), 'xhht-cluster-'));
  const ports: number[] = [];
  const children: ChildProcess[] = [];
  for (let i = 0; i < masters; i++) {
    const port = await freePort();
    const nodeDir = join(dir, String(port));
    mkdirSync(nodeDir);
    ports.push(port);
    children.push(
      spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', join(nodeDir, 'nodes.conf'), '--dir', nodeDir, '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], { stdio: 'ignore' }),
    );
  }
  for (const port of ports) {
    for (let i = 0; cli(port, 'ping').trim() !== 'PONG'; i++) {
      if (i > 200) throw new Error(`cluster node on ${port} did not start`);
      await sleep(50);
    }
  }
  const created = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
  if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
  for (let i = 0; !ports.every((p) => cli(p, 'cluster', 'info').includes('cluster_state:ok')); i++) {
    if (i > 200) throw new Error('the cluster did not reach cluster_state:ok');
    await sleep(50);
  }
  return {
    nodes: ports.map((p) => `redis://127.0.0.1:${p}`),
    ports,
    async dispose() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((res) => {
              if (c.exitCode !== null) return res();
              c.once('exit', () => res());
              c.kill('SIGTERM');
            }),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
