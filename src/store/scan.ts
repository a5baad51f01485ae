import type { Redis } from './redis.js';
import { isCluster } from './redis.js';

/**
 * Every key matching `match`, page by page, on a single server or on each master of a cluster (a
 * cluster client has no SCAN of its own). For operators' and repair work, never to serve a person.
 */
export async function* scanKeys(redis: Redis, match: string, count = 1_000): AsyncGenerator<string[]> {
  const nodes = isCluster(redis) ? redis.nodes('master') : [redis];
  for (const node of nodes) for await (const page of node.scanStream({ match, count })) yield page as string[];
}
