import { Cluster, Redis as SingleRedis, type ClusterNode, type RedisOptions } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { defineScripts } from './script.js';

/** One Redis server (plain or found through Sentinel) or a Redis Cluster: the commands the bot uses are the same. */
export type Redis = SingleRedis | Cluster;

/** Where the bot's Redis is: exactly one of these, read from the configuration. */
export type RedisTarget =
  | { kind: 'url'; url: string }
  | { kind: 'sentinel'; sentinels: { host: string; port: number }[]; name: string; password?: string; sentinelPassword?: string; tls: boolean }
  | { kind: 'cluster'; nodes: string[] };

/**
 * The bot's client settings. It fails fast while Redis is unreachable (no offline queue), so a user
 * hears "please try again" at once instead of waiting; it keeps reconnecting in the background.
 */
const CLIENT_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  // Commands issued in the same tick by messages handled side by side share one socket write:
  // syscalls were the largest cost of a conversation turn under load (bench webhook).
  enableAutoPipelining: true,
  // A command caught by a disconnect fails; replaying it later (a session lock, a stale write)
  // would act on a conversation that has moved on and lock the person out after Redis returns. It must
  // fail at the disconnect (no retries): ioredis drops an unsent command it may not replay without
  // settling it when the connection comes back before the retries are spent, and an auto-pipeline
  // waiting on such a command holds every later command of the client for ever.
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  connectTimeout: 5_000,
  retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2_000),
};

/** Host, port, credentials and TLS of one redis:// or rediss:// URL, as ioredis takes them. */
function nodeOf(url: string): { node: ClusterNode; options: RedisOptions } {
  const u = new URL(url);
  const options: RedisOptions = {};
  if (u.username) options.username = decodeURIComponent(u.username);
  if (u.password) options.password = decodeURIComponent(u.password);
  if (u.protocol === 'rediss:') options.tls = { servername: u.hostname };
  return { node: { host: u.hostname, port: Number(u.port || 6379) }, options };
}

function create(target: RedisTarget, extra: RedisOptions): Redis {
  return defineScripts(client(target, extra));
}

function client(target: RedisTarget, extra: RedisOptions): Redis {
  if (target.kind === 'url') return new SingleRedis(target.url, { ...CLIENT_OPTIONS, ...extra });
  if (target.kind === 'sentinel') {
    return new SingleRedis({
      ...CLIENT_OPTIONS,
      ...extra,
      sentinels: target.sentinels,
      name: target.name,
      password: target.password,
      sentinelPassword: target.sentinelPassword,
      ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
      // After a failover the old master may answer as a replica for a moment: reconnect to the new one.
      reconnectOnError: (err) => (/READONLY/.test(err.message) ? 2 : false),
    });
  }
  const nodes = target.nodes.map(nodeOf);
  const first = nodes[0]?.options ?? {};
  return new Cluster(
    nodes.map((n) => n.node),
    {
      enableOfflineQueue: extra.enableOfflineQueue ?? false,
      enableAutoPipelining: extra.enableAutoPipelining ?? true,
      // Slots move during a resharding or failover; a few redirections are normal.
      maxRedirections: 16,
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 300,
      clusterRetryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2_000),
      // TLS certificates name the host the operator wrote, not the address a node announces.
      ...(first.tls ? { dnsLookup: (address, callback) => callback(null, address), redisOptions: { ...CLIENT_OPTIONS, ...extra, ...first } } : { redisOptions: { ...CLIENT_OPTIONS, ...extra, ...first } }),
    },
  );
}

export function isCluster(redis: Redis): redis is Cluster {
  return redis instanceof Cluster;
}

/** A loggable name for the target, without credentials. */
export function describeTarget(target: RedisTarget): string {
  if (target.kind === 'url') return redactUrl(target.url);
  if (target.kind === 'sentinel') return `sentinel ${target.name} via ${target.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
  return `cluster ${target.nodes.map(redactUrl).join(',')}`;
}

/** The bot's client, logging an outage once and its end once rather than every retry. */
export function connectTarget(target: RedisTarget, log: Logger): Redis {
  const redis = create(target, {});
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.error({ err: err.message, redis: describeTarget(target) }, 'Redis is unreachable; retrying in the background');
  });
  redis.on('ready', () => {
    if (down) log.info({ redis: describeTarget(target) }, 'Redis is reachable again');
    down = false;
  });
  redisTargets.set(redis, target);
  return redis;
}

export function connectRedis(url: string, log: Logger): Redis {
  return connectTarget({ kind: 'url', url }, log);
}

const redisTargets = new WeakMap<Redis, RedisTarget>();

/**
 * Another connection to the same Redis with some settings changed (BullMQ's own connections). A client
 * made elsewhere (an in-process emulation) is duplicated as it is.
 */
export function duplicateClient(redis: Redis, options: RedisOptions): Redis {
  const target = redisTargets.get(redis);
  if (target) return create(target, options);
  return isCluster(redis) ? redis.duplicate() : redis.duplicate(options);
}

/** Without a Redis to talk to, records live in an in-process emulation (a development dependency), lost when the bot stops. */
export async function inMemoryRedis(): Promise<Redis | undefined> {
  try {
    const { default: RedisMock } = await import('ioredis-mock');
    return defineScripts(new RedisMock() as unknown as Redis);
  } catch {
    return undefined;
  }
}

/** Resolves once the client can take commands. */
export function whenReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => redis.once('ready', () => resolve()));
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://?';
  }
}
