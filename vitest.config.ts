import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/** Test files that run the bot on the suite's store (rather than a server of their own, or none). */
function filesOnTheStore(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(dir, f))
    .filter((f) => /createTestApp|testRedis\(|redisEnv/.test(readFileSync(f, 'utf8')));
}

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-redis.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: more workers only fight over them and make timing-sensitive e2e tests flaky.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'single', include: ['test/**/*.test.ts'] } },
      // The same tests on a 3-master Redis Cluster, as the country runs (its global setup starts one).
      { extends: true, test: { name: 'cluster', include: filesOnTheStore('test') } },
    ],
  },
});
