import type { TestProject } from 'vitest/node';
import { startRedisCluster, type RedisCluster } from './redis-cluster.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

let server: RedisServer | undefined;
let cluster: RedisCluster | undefined;

/**
 * One redis-server for the whole run unless REDIS_URL points at one; tests isolate by key prefix. The
 * "cluster" project also starts a 3-master Redis Cluster and runs the tests that
 * use the bot's store on it; a single server is still there for tests about one server (AOF, restarts).
 */
export async function setup(project: TestProject): Promise<void> {
  let url = process.env.REDIS_URL;
  if (!url) {
    server = await startRedisServer();
    url = server.url;
  }
  project.provide('redisUrl', url);
  if (project.name === 'cluster') {
    cluster = await startRedisCluster(3);
    project.provide('redisEnv', { REDIS_CLUSTER_NODES: cluster.nodes.join(',') });
  } else project.provide('redisEnv', { REDIS_URL: url });
}

export async function teardown(): Promise<void> {
  await server?.dispose();
  await cluster?.dispose();
}
