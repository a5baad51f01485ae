/**
 * console: the figures dashboard of a province with 200 communes and 200,000 registered citizens (a
 * third sent for review, a fifth recognised, some returned), through the real HTTP route with an
 * officer's session: p50/p95/p99 over 200 requests (target p95 under 300 ms), and the Redis memory the
 * figures take per citizen. The figures are kept as
 * the files change, so the page reads one hash per province whatever the number of citizens.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { createApp } from '../src/app/create.js';
import { configSchema } from '../src/config.js';
import { createLogger } from '../src/core/logger.js';
import { dataPaths } from '../src/core/paths.js';
import { LearningStore } from '../src/learning/store.js';
import type { BenchLine } from './run.js';
import { benchRedis } from './support/redis.js';

const COMMUNES = 200;
const CITIZENS = 200_000;
const REQUESTS = 200;
const CONCURRENCY = 64;
const PROVINCE = 'bench-province';
const OFFICER = 'telegram:880000001';

/** The shipped map with one more province of 200 communes (the largest real one has 168). */
function benchData(): string {
  const dir = mkdtempSync(join(tmpdir(), 'xhht-bench-console-'));
  cpSync(dataPaths.data, dir, { recursive: true });
  const file = parse(readFileSync(join(dir, 'areas.yaml'), 'utf8')) as { areas: unknown[] };
  file.areas.push({
    id: PROVINCE,
    name: 'Tỉnh Thử Nghiệm',
    kind: 'province',
    population: 3_000_000,
    populationYear: 2025,
    children: Array.from({ length: COMMUNES }, (_, i) => ({ id: `${PROVINCE}.xa-${i + 1}`, name: `Xã Thử ${i + 1}`, kind: 'commune' })),
  });
  writeFileSync(join(dir, 'areas.yaml'), stringify(file));
  return dir;
}

function percentile(sorted: number[], p: number): number {
  return Number((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number).toFixed(1));
}

/** The session cookies of an officer who signed in through the chat's link, as a browser keeps them. */
async function signIn(app: Awaited<ReturnType<typeof createApp>>): Promise<Record<string, string>> {
  const link = (await app.bot.handle({ user: OFFICER, text: '/web' })).find((r) => r.link)?.link?.url;
  if (!link) throw new Error('the officer got no console link');
  const path = new URL(link).pathname;
  const cookies: Record<string, string> = {};
  const keep = (res: { cookies: { name: string; value: string }[] }) => res.cookies.forEach((c) => (cookies[c.name] = c.value));
  const page = await app.http.inject({ url: path });
  keep(page);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const done = await app.http.inject({ method: 'POST', url: path, cookies, payload: `_csrf=${encodeURIComponent(token)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  keep(done);
  if (!cookies.xhht_console) throw new Error(`sign-in failed: ${done.statusCode}`);
  return cookies;
}

export async function* run(): AsyncGenerator<BenchLine> {
  const server = await benchRedis();
  const data = benchData();
  const prefix = 'bcon:';
  const config = configSchema.parse({ REDIS_URL: server.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', CONSOLE_BASE_URL: 'http://127.0.0.1:8080' });
  const app = await createApp({ config, log: createLogger('silent'), throttle: null, dirs: { data } });
  try {
    await new Promise((r) => (app.redis.status === 'ready' ? r(null) : app.redis.once('ready', r)));
    const store = new LearningStore(app.redis, prefix, app.clock, app.log, app.areas);
    const year = Number(app.clock.now().toISOString().slice(0, 4));
    const t0 = performance.now();
    let next = 0;
    // Through the store's own writes, so the figures follow each change as they do in use.
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < CITIZENS) {
        const i = next++;
        const user = `zalo:${9_000_000_000 + i}`;
        await store.createFile(user, year, `${PROVINCE}.xa-${(i % COMMUNES) + 1}`, 'worker');
        const fate = i % 15;
        if (fate >= 5) continue;
        const at = app.clock.now().getTime();
        await store.updateFile(user, year, (f) => ({ ...f, status: 'submitted', submittedAt: at, submissions: 1 }));
        if (fate <= 2) await store.updateFile(user, year, (f) => ({ ...f, status: fate === 2 ? 'returned' : 'approved', decision: { outcome: fate === 2 ? 'returned' : 'approved', at, by: OFFICER, unit: 'hoi_khuyen_hoc_xa', seen: false } }));
      }
    }));
    const seedSeconds = Number(((performance.now() - t0) / 1000).toFixed(1));

    await app.roles.grant(OFFICER, { role: 'officer', area: PROVINCE, unit: 'province_department', grantedAt: app.clock.now().getTime() });
    await app.bot.handle({ user: OFFICER, text: '/start' });
    await app.http.ready();
    const cookies = await signIn(app);
    const url = `/admin/figures?area=${PROVINCE}&year=${year}`;
    const first = await app.http.inject({ url, cookies });
    const registered = /data-area="bench-province"[\s\S]*?data-col="registered">([^<]*)</.exec(first.body)?.[1]?.replace(/\D/g, '');
    if (first.statusCode !== 200 || Number(registered) !== CITIZENS) throw new Error(`the dashboard shows ${registered} registered (status ${first.statusCode}), not ${CITIZENS}`);
    const rows = first.body.match(/<tr data-area="bench-province\./g)?.length ?? 0;
    if (rows !== COMMUNES) throw new Error(`the dashboard has ${rows} commune rows, not ${COMMUNES}`);

    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const s = performance.now();
      const res = await app.http.inject({ url, cookies });
      times.push(performance.now() - s);
      if (res.statusCode !== 200) throw new Error(`dashboard answered ${res.statusCode}`);
    }
    times.sort((a, b) => a - b);
    const csv: number[] = [];
    for (let i = 0; i < 50; i++) {
      const s = performance.now();
      await app.http.inject({ url: `/admin/figures.csv?area=${PROVINCE}&year=${year}`, cookies });
      csv.push(performance.now() - s);
    }
    csv.sort((a, b) => a - b);
    const { figures } = store;
    const figureBytes = (await app.redis.memory('USAGE', figures.keys.files(year, PROVINCE))) as number + ((await app.redis.memory('USAGE', figures.keys.counters(year, PROVINCE))) as number);
    yield {
      bench: 'console',
      communes: COMMUNES,
      citizens: CITIZENS,
      seedSeconds,
      pageBytes: first.body.length,
      dashboardP50Ms: percentile(times, 0.5),
      dashboardP95Ms: percentile(times, 0.95),
      dashboardP99Ms: percentile(times, 0.99),
      csvP95Ms: percentile(csv, 0.95),
      figuresBytesPerCitizen: Math.round(figureBytes / CITIZENS),
      targetP95Ms: 300,
    };
  } finally {
    await app.stop();
    app.redis.disconnect();
    await server.dispose();
    rmSync(data, { recursive: true, force: true });
  }
}
