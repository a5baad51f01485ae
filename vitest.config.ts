import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

const ON_THE_STORE = /createTestApp|testRedis\(|redisEnv/;

/** Whether a test module, or a test helper it imports (at any depth), runs the bot on the suite's store. */
function usesTheStore(file: string, seen = new Set<string>()): boolean {
  if (seen.has(file)) return false;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  if (ON_THE_STORE.test(source)) return true;
  return [...source.matchAll(/from '(\.{1,2}\/[^']+)'/g)].some((m) => {
    const helper = resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts'));
    return helper.includes(`${join('/', 'test', '/')}`) && existsSync(helper) && usesTheStore(helper, seen);
  });
}

/** Test files that run the bot on the suite's store, directly or through a helper (rather than a server of their own, or none). */
function filesOnTheStore(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(dir, f))
    .filter((f) => usesTheStore(resolve(f)));
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
