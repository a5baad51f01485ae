import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import type { ChannelSender } from '../core/delivery.js';
import { createLogger, type Logger } from '../core/logger.js';
import type { ChannelName, Reply } from '../core/message.js';
import { dataPaths } from '../core/paths.js';
import { redisTarget, type Config } from '../config.js';
import { AdminCommands } from '../admin/commands.js';
import { Areas } from '../areas/areas.js';
import { checkFlows } from '../engine/check.js';
import { defaultEngineOptions, Engine, type EngineOptions } from '../engine/engine.js';
import { FlowLoadError, loadFlows } from '../engine/flows.js';
import { registerCoreInputs } from '../engine/inputs.js';
import { Registry } from '../engine/registry.js';
import { createMetrics, type Metrics } from '../http/metrics.js';
import { createHttp, type Http } from '../http/server.js';
import { ConsolePages } from '../console/pages.js';
import { createI18n, loadCatalogues, type I18n } from '../i18n/index.js';
import { PrivacyRegistry } from '../privacy/registry.js';
import { Invites } from '../roles/invites.js';
import { Roles } from '../roles/roles.js';
import { MemorySessionStore } from '../sessions/memory-store.js';
import { RedisSessionStore } from '../sessions/redis-store.js';
import type { SessionStore } from '../sessions/store.js';
import { connectTarget, type Redis, type RedisTarget } from '../store/redis.js';
import { UserDirectory } from '../users/directory.js';
import { DirectOutbound } from '../outbound/direct.js';
import type { Outbound } from '../outbound/types.js';
import { Bot } from './bot.js';
import { orderByNeeds, type Provision } from './provision.js';
import type { ThrottleOptions } from '../sessions/flood.js';

/** A piece of the bot (Q&A, learning, reminders, a channel...) that plugs its actions, commands and routes in. */
export interface Capability {
  name: string;
  /** What its register() puts on the app for others (`app.provide`). */
  provides?: readonly Provision<unknown>[];
  /** What it takes from others (`app.need`): their capabilities register, and start, before it. */
  needs?: readonly Provision<unknown>[];
  register(app: App): void | Promise<void>;
}

export interface AppOptions {
  config: Config;
  clock?: Clock;
  log?: Logger;
  /** An open client (see openStore); without it, one is made from the configured Redis (REDIS_URL, Sentinel or Cluster). */
  redis?: Redis;
  /** The client given is an in-process emulation: nothing survives a restart. */
  inMemory?: boolean;
  dirs?: { flows?: string; locales?: string; data?: string; plans?: string };
  engine?: Partial<EngineOptions>;
  /** Per-person flood limit; null turns it off (tests that fire many messages at once). */
  throttle?: ThrottleOptions | null;
}


type Hook = () => Promise<void> | void;

/** Something that may hold messages for a person's next message (see App.waiting). */
export interface WaitingSource {
  /** The key, in the person's slot, that exists while something waits for them (looked for with their session); none when nothing can. */
  key(user: string): string | undefined;
  /** Hands over, and forgets, what it holds for the person. */
  take(user: string): Promise<Reply[]>;
}

/** Everything one running bot is made of, built once at start-up and handed to every capability. */
export class App {
  readonly config: Config;
  readonly log: Logger;
  readonly clock: Clock;
  readonly redis: Redis;
  readonly prefix: string;
  /** No Redis at all: sessions and records live in this process only. */
  readonly inMemory: boolean;
  readonly i18n: I18n;
  readonly registry = new Registry();
  readonly users: UserDirectory;
  readonly roles: Roles;
  readonly invites: Invites;
  readonly areas: Areas;
  readonly privacy = new PrivacyRegistry();
  readonly metrics: Metrics;
  /** The HTTP server's routes (fastify): capabilities add theirs while they register. */
  readonly http: Http;
  /** Pages and actions of the operators' console (/admin): capabilities add theirs while they register. */
  readonly console = new ConsolePages();
  readonly admin = new AdminCommands();
  readonly senders = new Map<ChannelName, ChannelSender>();
  /**
   * What waits for a person's next message (an answer Zalo's 7-day window kept back): each source hands
   * over, and forgets, what it holds for them; the bot shows it before its reply.
   */
  readonly waiting: WaitingSource[] = [];
  /** The one way out for proactive messages (reminders, broadcasts, notices); a capability may replace it with a durable queue. */
  outbound: Outbound;
  readonly sessions: SessionStore;
  readonly dirs: { flows: string; locales: string; data: string; plans: string };
  readonly throttleOptions: ThrottleOptions | null;
  private readonly provided = new Map<Provision<unknown>, unknown>();
  private readonly startHooks: Hook[] = [];
  private readonly stopHooks: Hook[] = [];
  private engineOptions: EngineOptions;
  private built?: { engine: Engine; bot: Bot };

  constructor(opts: AppOptions) {
    this.config = opts.config;
    this.log = opts.log ?? createLogger(opts.config.LOG_LEVEL);
    this.clock = opts.clock ?? systemClock;
    this.prefix = opts.config.REDIS_PREFIX;
    this.dirs = { flows: dataPaths.flows, locales: dataPaths.locales, data: dataPaths.data, plans: dataPaths.plans, ...opts.dirs };
    this.inMemory = opts.inMemory ?? false;
    const target = redisTarget(opts.config);
    if (!opts.redis && !target) throw new Error('No Redis configured: open one with openStore() and pass it as `redis`');
    this.redis = opts.redis ?? connectTarget(target as RedisTarget, this.log);
    this.i18n = createI18n(this.dirs.locales);
    this.metrics = createMetrics();
    this.http = createHttp(this.log);
    this.users = new UserDirectory(this.redis, this.prefix, this.clock);
    this.roles = new Roles(this.redis, this.prefix, new Set(opts.config.ADMIN_IDS));
    this.invites = new Invites(this.redis, this.prefix, this.roles, this.clock);
    this.areas = Areas.load(`${this.dirs.data}/areas.yaml`);
    const ttlMs = opts.config.SESSION_TTL_DAYS * 86_400_000;
    this.sessions = this.inMemory
      ? new MemorySessionStore(ttlMs, this.clock, this.users)
      : new RedisSessionStore(this.redis, { prefix: this.prefix, ttlMs, directory: this.users });
    this.engineOptions = { ...defaultEngineOptions, ...opts.engine };
    const { FLOOD_BURST: burst, FLOOD_PER_SECOND: perSecond } = opts.config;
    this.throttleOptions = opts.throttle !== undefined ? opts.throttle : burst > 0 ? { burst, perSecond } : null;
    this.outbound = new DirectOutbound(this);
    registerCoreInputs(this.registry);
  }

  onStart(hook: Hook): void {
    this.startHooks.push(hook);
  }

  /** Stop hooks run in reverse order of registration. */
  onStop(hook: Hook): void {
    this.stopHooks.unshift(hook);
  }

  /** Registers the capabilities, each after those providing what it needs (see orderByNeeds). */
  async use(...capabilities: Capability[]): Promise<this> {
    for (const c of orderByNeeds(capabilities)) {
      await c.register(this);
      const missing = (c.provides ?? []).filter((p) => !this.provided.has(p));
      if (missing.length) throw new Error(`capability "${c.name}" did not provide ${missing.map((p) => `"${p.name}"`).join(', ')}`);
    }
    return this;
  }

  /** Called by a capability's register() for each of its `provides`. */
  provide<T>(what: Provision<T>, value: T): void {
    if (this.provided.has(what)) throw new Error(`"${what.name}" is provided twice`);
    this.provided.set(what, value);
  }

  /** What another capability provided; a capability lists it in its `needs`, so that it is there. */
  need<T>(what: Provision<T>): T {
    if (!this.provided.has(what)) throw new Error(`"${what.name}" is needed but no registered capability provides it`);
    return this.provided.get(what) as T;
  }

  /** Loads and checks the flows once every capability has registered its names; a problem stops start-up. */
  build(): this {
    const loaded = loadFlows(this.dirs.flows, this.registry);
    const problems = checkFlows(loaded, this.registry, loadCatalogues(this.dirs.locales));
    if (problems.length) throw new FlowLoadError(problems);
    const engine = new Engine(
      loaded.flows,
      this.registry,
      { i18n: this.i18n, clock: this.clock, roles: this.roles, log: this.log },
      this.engineOptions,
    );
    this.built = { engine, bot: new Bot(this, engine) };
    return this;
  }

  get engine(): Engine {
    if (!this.built) throw new Error('app.build() has not run');
    return this.built.engine;
  }

  get bot(): Bot {
    if (!this.built) throw new Error('app.build() has not run');
    return this.built.bot;
  }

  async start(): Promise<void> {
    for (const hook of this.startHooks) await hook();
  }

  async stop(): Promise<void> {
    for (const hook of this.stopHooks) {
      try {
        await hook();
      } catch (err) {
        this.log.error({ err }, 'stop hook failed');
      }
    }
  }
}
