/**
 * Conversation throughput on the Telegram webhook path, against a bare telegraf echo bot on the same
 * harness: 1,000 users walking the settings flow, posted by autocannon over 50 connections for 20 s
 * (in four turns of 5 s, alternating with the other bot) to a server in its own process, which calls
 * a fake Bot API (another process) that answers at once. Our bot uses real Redis sessions and
 * answers the webhook once its replies are out, with one call in the response: a button's answer, or
 * a typed message's last reply message; the echo bot is telegraf's webhookCallback with its defaults
 * (the first call of an update rides in the response: the echo of a message, a button's answer).
 * Calls in responses count as made: the figures say how many went which way, and a run in which
 * updates went unanswered fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { projectRoot } from '../src/core/paths.js';
import { startRedisCluster } from '../test/support/redis-cluster.js';
import { freePort } from '../test/support/redis-server.js';
import type { BenchLine } from './run.js';
import { benchRedis } from './support/redis.js';
import { load, paced, USERS, walker, type LoadResult } from './telegram-load.js';

// BENCH_WEBHOOK_SECONDS shortens the run while working on the hot path; the figures quoted are at 20 s.
// BENCH_CPU_PROF=<dir> writes V8 CPU profiles of each server (node --cpu-prof) in a folder of its own there.
const CPU_PROF = process.env.BENCH_CPU_PROF;
const SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 20);
const WARMUP_SECONDS = Math.min(3, SECONDS);
/** Each target gets its seconds in this many turns, alternating with the other. */
const SLICES = 4;
/**
 * Flat out, 50 connections make latency 50 / throughput on average (Little's law); the latency a
 * person sees under a given load is measured apart, at this steady rate, for this many seconds.
 */
const PACED_RATE = 500;
const PACED_SECONDS = Math.min(10, SECONDS);
const CONNECTIONS = 50;
const TOKEN = '1:bench-token';
const SECRET = 'bench-secret';

/** Starts a script of ours in a child process and waits for its {"port":N} line. */
async function child(script: string, args: string[], env: Record<string, string>): Promise<{ proc: ChildProcess; port: number }> {
  const profile = CPU_PROF && script.endsWith('target.ts') ? ['--cpu-prof', '--cpu-prof-dir', `${CPU_PROF}/${args[0]}-${Date.now()}`] : [];
  const proc = spawn(process.execPath, [...profile, '--import', 'tsx', script, ...args], { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within 30 s`)), 30_000);
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  return { proc, port };
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
  if (proc.exitCode === null) proc.kill('SIGKILL');
}

/** Waits until the webhook takes updates (a 200 for an update kind nobody handles). */
async function untilReady(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify({ update_id: 0, edited_channel_post: { message_id: 1, date: 0, chat: { id: -1, type: 'channel' } } }),
    }).catch(() => undefined);
    if (res?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} did not get ready`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** CPU time (user + system) a process has used, in ms, on Linux; undefined elsewhere. */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

const percentile = (sorted: Float64Array, p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

function latency(r: LoadResult) {
  const sorted = Float64Array.from(r.latenciesMs).sort();
  return {
    updates_per_s: round(r.updates / r.seconds, 1),
    p50_ms: round(percentile(sorted, 50)),
    p95_ms: round(percentile(sorted, 95)),
    p99_ms: round(percentile(sorted, 99)),
  };
}

/** What shows a person a message: the walk's every update gets at least one. */
const MESSAGE_METHODS = ['sendMessage', 'editMessageText'];

function figures(r: LoadResult, apiCalls: Record<string, number>, cpu: number | undefined) {
  const perUpdate = (calls: Record<string, number>) =>
    Object.fromEntries(Object.entries(calls).filter(([, n]) => n > 0).map(([m, n]) => [m, round(n / Math.max(1, r.updates), 2)]));
  const messages = MESSAGE_METHODS.reduce((sum, m) => sum + (apiCalls[m] ?? 0) + (r.inResponse[m] ?? 0), 0);
  return {
    ...latency(r),
    updates: r.updates,
    non_2xx: r.non2xx,
    errors: r.errors,
    // The server's own CPU per update: steadier than throughput on a machine shared with other work.
    ...(cpu !== undefined ? { cpu_ms_per_update: round(cpu / Math.max(1, r.updates), 3) } : {}),
    api_calls_per_update: perUpdate(apiCalls),
    // Calls returned in webhook responses, which Telegram makes itself.
    in_response_per_update: perUpdate(r.inResponse),
    messages_per_update: round(messages / Math.max(1, r.updates), 3),
  };
}

/**
 * A bot that answers fast by not replying must not pass: every update of the walk shows a message
 * (sent through the API or returned in the response). The echo bot sends a press's reply after its
 * response, so a few of each slice's last ones are counted late: hence the margin.
 */
function checkComplete(kind: string, f: ReturnType<typeof figures>): void {
  if (f.messages_per_update < 0.99) throw new Error(`${kind}: only ${f.messages_per_update} messages per update; replies went missing`);
  if (f.in_response_per_update['(invalid)']) throw new Error(`${kind}: webhook responses Telegram would refuse`);
}

async function apiStats(port: number): Promise<Record<string, number>> {
  return (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as Record<string, number>;
}

interface Target {
  kind: 'xhht' | 'echo' | 'xhht-cluster';
  proc: ChildProcess;
  url: string;
  next: () => string;
  total: LoadResult;
  cpu?: number;
  calls: Record<string, number>;
}

async function startTarget(kind: Target['kind'], api: number, extraEnv: Record<string, string>, firstUser: number): Promise<Target> {
  const port = await freePort();
  const { proc } = await child('bench/telegram-target.ts', [kind === 'xhht-cluster' ? 'xhht' : kind], { BENCH_TOKEN: TOKEN, BENCH_API_ROOT: `http://127.0.0.1:${api}`, BENCH_SECRET: SECRET, BENCH_PORT: String(port), ...extraEnv });
  const url = `http://127.0.0.1:${port}/webhooks/telegram`;
  await untilReady(url);
  // Warm-up on users of its own, unmeasured; then the measured users start at /start.
  await load(url, SECRET, { seconds: WARMUP_SECONDS, connections: CONNECTIONS, next: walker(firstUser + 10 * USERS, 1) });
  return { kind, proc, url, next: walker(firstUser, 1_000_000_000), total: { updates: 0, non2xx: 0, errors: 0, seconds: 0, latenciesMs: [], inResponse: {} }, cpu: 0, calls: {} };
}

/** One slice of load on one target, added to its totals (CPU and Bot API calls counted over the slice only). */
async function slice(t: Target, api: number, seconds: number): Promise<void> {
  const calls = await apiStats(api);
  const cpu = cpuMs(t.proc.pid);
  const r = await load(t.url, SECRET, { seconds, connections: CONNECTIONS, next: t.next });
  const cpuAfter = cpuMs(t.proc.pid);
  t.cpu = cpu === undefined || cpuAfter === undefined || t.cpu === undefined ? undefined : t.cpu + cpuAfter - cpu;
  for (const [m, n] of Object.entries(await apiStats(api))) t.calls[m] = (t.calls[m] ?? 0) + n - (calls[m] ?? 0);
  t.total.updates += r.updates;
  t.total.non2xx += r.non2xx;
  t.total.errors += r.errors;
  t.total.seconds += r.seconds;
  for (const ms of r.latenciesMs) t.total.latenciesMs.push(ms);
  for (const [m, n] of Object.entries(r.inResponse)) t.total.inResponse[m] = (t.total.inResponse[m] ?? 0) + n;
}

export async function* run(): AsyncGenerator<BenchLine> {
  const redisServer = await benchRedis();
  const prefix = `bw${randomBytes(3).toString('hex')}:`;
  const api = await child('bench/telegram-fake-api.ts', [], {});
  const targets: Target[] = [];
  // The same bot once more on a 3-master Redis Cluster, reported beside the single server.
  const cluster = process.env.BENCH_WEBHOOK_CLUSTER === '0' ? undefined : await startRedisCluster(3);
  try {
    const echo = await startTarget('echo', api.port, {}, 1_000_000);
    targets.push(echo);
    const ours = await startTarget('xhht', api.port, { BENCH_REDIS_URL: redisServer.url, BENCH_PREFIX: prefix }, 2_000_000);
    targets.push(ours);
    const onCluster = cluster && (await startTarget('xhht-cluster', api.port, { BENCH_REDIS_CLUSTER_NODES: cluster.nodes.join(','), BENCH_PREFIX: prefix }, 3_000_000));
    if (onCluster) targets.push(onCluster);
    // Taking turns in slices, so that work elsewhere on the machine weighs on both alike.
    for (let i = 0; i < SLICES; i++) for (const t of targets) await slice(t, api.port, SECONDS / SLICES);
    const steady = new Map<Target, ReturnType<typeof latency>>();
    for (const t of targets) steady.set(t, latency(await paced(t.url, SECRET, { seconds: PACED_SECONDS, rate: PACED_RATE, connections: CONNECTIONS, next: t.next })));
    const common = { users: USERS, connections: CONNECTIONS, seconds: SECONDS };
    const echoFigures = figures(echo.total, echo.calls, echo.cpu);
    checkComplete('echo', echoFigures);
    yield { bench: 'telegraf-echo', ...common, ...echoFigures, paced: steady.get(echo) };
    const ourFigures = figures(ours.total, ours.calls, ours.cpu);
    checkComplete('webhook', ourFigures);
    yield {
      bench: 'webhook',
      ...common,
      ...ourFigures,
      ratio: round(ourFigures.updates_per_s / echoFigures.updates_per_s, 3),
      paced: steady.get(ours),
      replies: "a typed message's last reply message rides in the webhook response, the ones before it are sent first; a press's answer rides there and its replies are sent",
    };
    if (onCluster) {
      const clusterFigures = figures(onCluster.total, onCluster.calls, onCluster.cpu);
      checkComplete('webhook-cluster', clusterFigures);
      yield {
        bench: 'webhook-cluster',
        ...common,
        masters: 3,
        ...clusterFigures,
        ratio: round(clusterFigures.updates_per_s / echoFigures.updates_per_s, 3),
        ratioToSingleNode: round(clusterFigures.updates_per_s / ourFigures.updates_per_s, 3),
        paced: steady.get(onCluster),
      };
    }
  } finally {
    for (const t of targets) await stop(t.proc);
    await stop(api.proc);
    const redis = new Redis(redisServer.url);
    const keys = await redis.keys(`${prefix}*`);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
    redis.disconnect();
    await redisServer.dispose();
    await cluster?.dispose();
  }
}
