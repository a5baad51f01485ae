import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A single redis-server. */
    redisUrl: string;
    /** The store the bot under test uses: REDIS_URL, or REDIS_CLUSTER_NODES in the cluster project. */
    redisEnv: Record<string, string>;
  }
}
