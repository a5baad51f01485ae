import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { z } from 'zod';
import type { App } from '../app/app.js';
import { InFlight, within } from '../core/in-flight.js';
import { CHANNELS, splitUserId, userIdSchema, type ChannelName } from '../core/message.js';
import { duplicateClient, isCluster, type Redis } from '../store/redis.js';
import { recipientOf, sendTo } from './deliver.js';
import { SendSlots, type Rate, type Slot } from './gate.js';
import { OutboundLedger } from './ledger.js';
import { OutageLog } from './outage.js';
import { PayloadStore } from './payloads.js';
import type { DeliveryStatus, Outbound, OutboundMessage } from './types.js';

/** What a job carries: who, which exactly-once key, which report, and the id of the shared content. */
const jobDataSchema = z.object({ u: userIdSchema, k: z.string().min(1), c: z.string().min(1), p: z.string().min(1) });
type JobData = z.infer<typeof jobDataSchema>;

const BATCH = 500;
/** Entries of a queue's event log read at a time when erasing someone from it (BullMQ keeps about 10,000). */
const EVENTS_PAGE = 1_000;
/** A job the platform keeps rate-limiting is given up after this many starts. */
const MAX_STARTS = 200;
/**
 * The queue's own connections copy the bot's Redis settings but for these: BullMQ needs
 * maxRetriesPerRequest null, and its maintainers advise against ioredis auto-pipelining with it.
 */
const BULLMQ_CONNECTION = { maxRetriesPerRequest: null, enableAutoPipelining: false } as const;
/** Only there so that queue.rateLimit() can pause the workers: the rate itself is the SendSlots'. */
const PAUSE_LIMITER = { max: 1_000_000, duration: 1_000 };

export interface DurableOutboundOptions {
  rates: Record<ChannelName, Rate>;
  /** Messages each channel's worker handles at once. */
  concurrency: number;
  /** Tries for a transient failure (network, 5xx), with exponential backoff from `backoffMs`. */
  attempts?: number;
  backoffMs?: number;
  /** How soon a crashed worker's jobs are taken up again (BullMQ lock and stalled check). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** How long stopping waits for the messages being sent (default 10 s). */
  closeWaitMs?: number;
  /** Told of every recorded outcome (metrics). */
  onOutcome?(channel: ChannelName, status: DeliveryStatus): void;
}

/**
 * Where a channel's queue keeps its keys. BullMQ's scripts touch many keys of one queue at once, so on
 * a cluster each queue's keys carry a hash tag of their own (one slot per channel's queue).
 */
export function queuePrefix(app: App, channel: ChannelName): string {
  return isCluster(app.redis) ? `${app.prefix}{bull-${channel}}` : `${app.prefix}bull`;
}

/** The same (key, person) always gets the same job id, so queueing it again adds nothing. BullMQ ids may not hold ":". */
export function jobIdOf(key: string, user: string): string {
  return `${key}|${user}`.replace(/%/g, '%25').replace(/:/g, '%3A');
}

/** Waits for a send slot up to this long; a channel paused or booked further ahead gets the job back later instead of holding a worker. */
const MAX_SLOT_WAIT_MS = 2_000;

/** What one channel's worker uses to send, on its own connection. */
interface WorkerContext {
  channel: ChannelName;
  queue: Queue;
  ledger: OutboundLedger;
  payloads: PayloadStore;
  slots: SendSlots;
}

/** How long stopping waits for the messages being sent before it lets go (their jobs resume at the next start). */
const CLOSE_WAIT_MS = 10_000;
/**
 * BullMQ sets up a connection it is handed in the background and, once closed, has no one left to
 * tell when that set-up fails: closing the connection under it would end as an unhandled rejection.
 * So a stop lets the set-up finish first (milliseconds while Redis is up; bounded while it is down).
 */
const SETUP_WAIT_MS = 2_000;

/**
 * The durable outbound path: one BullMQ queue per channel on the bot's Redis, one job per recipient
 * with a deterministic id, sent by workers at the channel's rate. A "retry after" from the platform
 * pauses the whole channel (every worker of every instance); a block marks the person inactive; other
 * failures are tried again with backoff; a crash resumes where it stopped (see OutboundLedger).
 */
export class DurableOutbound implements Outbound {
  private readonly conn: Redis;
  private readonly queues = new Map<ChannelName, Queue>();
  private readonly ledger: OutboundLedger;
  private readonly payloads: PayloadStore;
  private workers: { worker: Worker; conn: Redis }[] = [];
  private closed = false;
  private readonly outage: OutageLog;
  /** Jobs this process is working on, so that stopping can wait for them. */
  private readonly inFlight = new InFlight();

  constructor(
    private readonly app: App,
    private readonly opts: DurableOutboundOptions,
  ) {
    this.outage = new OutageLog(app);
    // Enqueueing fails fast while Redis is down, as every write from a conversation does; workers wait.
    this.conn = this.outage.watch(duplicateClient(app.redis, { ...BULLMQ_CONNECTION, enableOfflineQueue: false }), 'queue');
    this.ledger = new OutboundLedger(app, this.conn);
    this.payloads = new PayloadStore(app, this.conn);
    for (const channel of CHANNELS) {
      // No version check: BullMQ asks INFO as soon as a cluster says "connect", before its slots are
      // known, and on this fail-fast connection the refusal is a rejection nobody can catch. The workers,
      // whose connection queues, still check the version.
      const queue = new Queue(`out-${channel}`, { connection: this.conn, prefix: queuePrefix(app, channel), skipVersionCheck: true });
      queue.on('error', (err) => this.outage.other(err, channel, 'queue'));
      this.queues.set(channel, queue);
    }
  }

  /** Resolves once the queue's connection is up (enqueueing before that would fail fast). */
  async ready(): Promise<void> {
    if (this.conn.status === 'ready' || this.closed) return;
    // Also when the connection ends (the queue was closed meanwhile): a stop must not wait for ever.
    await new Promise<void>((resolve) => {
      this.conn.once('ready', () => resolve());
      this.conn.once('end', () => resolve());
    });
  }

  private queue(channel: ChannelName): Queue {
    return this.queues.get(channel) as Queue;
  }

  async enqueue(messages: OutboundMessage[]): Promise<{ queued: number; duplicates: number }> {
    if (this.closed) throw new Error('the outbound queue is closed: the bot is stopping');
    let queued = 0;
    let duplicates = 0;
    for (let i = 0; i < messages.length; i += BATCH) {
      const chunk = messages.slice(i, i + BATCH);
      const payloadIds = await this.payloads.save(chunk);
      // Claimed before the job is added: a crash in between leaves the mark "queued", and queueing the
      // same message again adds the job then (same id: never twice).
      const claims = await Promise.all(chunk.map((m) => this.ledger.claim(m)));
      const now = this.app.clock.now().getTime();
      const jobs = new Map<ChannelName, { name: string; data: JobData; opts: ReturnType<DurableOutbound['jobOpts']> }[]>();
      chunk.forEach((m, j) => {
        const claim = claims[j];
        if (claim === 'new') queued++;
        else duplicates++;
        if (claim === 'taken') return;
        const { channel } = splitUserId(m.user);
        const list = jobs.get(channel) ?? [];
        list.push({ name: m.kind, data: { u: m.user, k: m.key, c: m.campaign, p: payloadIds[j] as string }, opts: this.jobOpts(m, now) });
        jobs.set(channel, list);
      });
      await Promise.all([...jobs].map(([channel, list]) => this.queue(channel).addBulk(list)));
    }
    return { queued, duplicates };
  }

  private jobOpts(m: OutboundMessage, now: number) {
    return {
      jobId: jobIdOf(m.key, m.user),
      delay: Math.max(0, (m.notBefore ?? 0) - now),
      attempts: this.opts.attempts ?? 6,
      backoff: { type: 'exponential' as const, delay: this.opts.backoffMs ?? 2_000 },
    };
  }

  /** Starts one worker per channel in this process. */
  start(): void {
    if (this.workers.length || this.closed) return;
    for (const channel of CHANNELS) {
      const conn = this.outage.watch(duplicateClient(this.app.redis, { ...BULLMQ_CONNECTION, enableOfflineQueue: true }), `worker-${channel}`);
      const rate = this.opts.rates[channel];
      const ctx: WorkerContext = {
        channel,
        queue: this.queue(channel),
        ledger: new OutboundLedger(this.app, conn),
        payloads: new PayloadStore(this.app, conn),
        slots: new SendSlots(conn, `${this.app.prefix}out:slots:{${channel}}`, rate),
      };
      const worker = new Worker(`out-${channel}`, (job) => this.inFlight.track(this.process(ctx, job)), {
        connection: conn,
        prefix: queuePrefix(this.app, channel),
        concurrency: this.opts.concurrency,
        limiter: PAUSE_LIMITER,
        lockDuration: this.opts.lockDurationMs ?? 30_000,
        stalledInterval: this.opts.stalledIntervalMs ?? 30_000,
        maxStalledCount: 2,
        // Set on the workers rather than on each job, which keeps every queued job smaller. Completed
        // jobs go at once (the ledger and the report keep what matters) so memory does not grow.
        removeOnComplete: { count: 0 },
        removeOnFail: { age: 7 * 86_400, count: 10_000 },
      });
      worker.on('failed', (job, err) => void this.failedForGood(ctx, job, err));
      worker.on('error', (err) => this.outage.other(err, channel, 'worker'));
      this.workers.push({ worker, conn });
    }
    const rates = Object.fromEntries(CHANNELS.map((c) => [c, this.opts.rates[c].count ? `${this.opts.rates[c].count}/${this.opts.rates[c].perMs / 1000}s` : 'no cap']));
    this.app.log.info({ rates, concurrency: this.opts.concurrency }, 'outbound queue (BullMQ) workers started');
  }

  /** Stops taking jobs, lets the ones in hand finish, and closes the connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const workers = this.workers;
    this.workers = [];
    const settingUp = [...workers.map((w) => w.worker), ...this.queues.values()].map((q) => q.waitUntilReady().catch(() => undefined));
    await within(Promise.all(settingUp), SETUP_WAIT_MS);
    await Promise.all(workers.map((w) => w.worker.pause(true)));
    const finished = await this.inFlight.drain(this.opts.closeWaitMs ?? CLOSE_WAIT_MS);
    // BullMQ's graceful close waits on Redis and never returns while it is away: then let go (what was
    // being sent is taken up again at the next start, and the ledger keeps it from going out twice).
    const force = !finished || this.outage.isDown();
    if (force) this.app.log.warn('outbound queue: stopping without waiting for Redis; unfinished messages resume at the next start');
    await within(Promise.all(workers.map((w) => w.worker.close(force))), 2_000);
    for (const w of workers) w.conn.disconnect();
    await within(Promise.all([...this.queues.values()].map((q) => q.close())), 2_000);
    this.conn.disconnect();
  }

  /** Resolves when no job is waiting, delayed or running on any channel. */
  async idle(pollMs = 50): Promise<void> {
    for (;;) {
      const counts = await Promise.all([...this.queues.values()].map((q) => q.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'paused')));
      if (counts.every((c) => Object.values(c).every((n) => n === 0))) return;
      await sleep(pollMs);
    }
  }

  async forget(user: string, keys: string[]): Promise<void> {
    if (!keys.length) return;
    const queue = this.queue(splitUserId(user).channel);
    const jobIds = new Set(keys.map((key) => jobIdOf(key, user)));
    // A job being sent right now is locked and stays; the person is gone by then, so it ends undeliverable.
    for (const jobId of jobIds) await queue.remove(jobId);
    // One pass over the event log for all of them: it holds thousands of entries.
    const events = queue.toKey('events');
    for (let start = '-'; ; ) {
      const page = await this.conn.xrange(events, start, '+', 'COUNT', EVENTS_PAGE);
      const theirs = page.filter(([, fields]) => fields.some((f) => jobIds.has(f))).map(([id]) => id);
      if (theirs.length) await this.conn.xdel(events, ...theirs);
      if (page.length < EVENTS_PAGE) return;
      start = `(${page[page.length - 1]?.[0]}`;
    }
  }

  /** Jobs waiting, delayed or running per channel (for /metrics). */
  async backlog(): Promise<Record<ChannelName, number>> {
    const out = {} as Record<ChannelName, number>;
    for (const [channel, q] of this.queues) {
      const c = await q.getJobCounts('wait', 'active', 'delayed', 'prioritized');
      out[channel] = Object.values(c).reduce((a, b) => a + b, 0);
    }
    return out;
  }

  private counted(channel: ChannelName, status: DeliveryStatus, recorded: boolean): void {
    if (recorded) this.opts.onOutcome?.(channel, status);
  }

  private async process(ctx: WorkerContext, job: Job): Promise<void> {
    const parsed = jobDataSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`malformed outbound job: ${parsed.error.issues[0]?.message}`);
    const d = parsed.data;
    const who = { user: d.u, key: d.k, campaign: d.c };
    const { channel, ledger } = ctx;

    const mark = await ledger.state(who);
    if (mark.state === 'done') return;
    if (mark.state === 'interrupted') return this.counted(channel, 'failed', await ledger.finish(who, { mark: mark.mark }, 'failed', 'interrupted'));
    const payload = await ctx.payloads.get(d.p);
    if (!payload) return this.counted(channel, 'failed', await ledger.finish(who, undefined, 'failed', 'content_expired'));

    const m = { user: d.u, campaign: d.c, key: d.k, ...payload };

    const to = await recipientOf(this.app, m);
    if ('status' in to) return this.counted(channel, to.status, await ledger.finish(who, undefined, to.status, to.reason));

    const slot = await this.slot(ctx);
    if (!slot.go) {
      await ctx.queue.rateLimit(slot.waitMs);
      throw Worker.RateLimitError();
    }

    // The mark is taken only now, right before the platform call, so that a crash while waiting for a
    // slot leaves nothing ambiguous behind.
    const token = randomBytes(8).toString('hex');
    if (!(await ledger.begin(who, token))) {
      // Another run of the same job holds or finished the send.
      await slot.giveBack();
      return;
    }

    const held = ctx.slots.pausedFor();
    if (held > 0) {
      await Promise.all([ledger.release(who, token), slot.giveBack()]);
      await ctx.queue.rateLimit(held);
      throw Worker.RateLimitError();
    }

    const result = await sendTo(this.app, m, to, slot.called);

    if (result.status === 'retry') {
      await ledger.release(who, token);
      if (result.afterMs > 0) {
        if (job.attemptsStarted >= MAX_STARTS) return this.counted(channel, 'failed', await ledger.finish(who, undefined, 'failed', `rate_limited: ${result.reason}`));
        await this.pause(ctx, result.afterMs);
        throw Worker.RateLimitError();
      }
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (!last) throw new Error(result.reason);
      return this.counted(channel, 'failed', await ledger.finish(who, undefined, 'failed', result.reason));
    }
    this.counted(channel, result.status, await ledger.finish(who, token, result.status, result.reason));
  }

  /** Waits for this channel's next send slot, or says how long the job should be given back for. */
  private async slot(ctx: WorkerContext): Promise<Slot> {
    for (;;) {
      const slot = await ctx.slots.take();
      if (slot.go || slot.waitMs > MAX_SLOT_WAIT_MS) return slot;
      await sleep(slot.waitMs);
    }
  }

  /** The platform said "too many": nobody sends on this channel until it said to try again. */
  private async pause(ctx: WorkerContext, ms: number): Promise<void> {
    this.app.log.warn({ channel: ctx.channel, ms }, 'outbound: the platform asked to slow down; channel paused');
    await ctx.slots.pause(ms);
    await ctx.queue.rateLimit(ms);
  }

  /** A job BullMQ gave up on outside a run (stalled too often, or an error on its last try) still gets its line in the report. */
  private async failedForGood(ctx: WorkerContext, job: Job | undefined, err: Error): Promise<void> {
    if (!job?.finishedOn) return;
    const d = jobDataSchema.safeParse(job.data);
    if (!d.success) {
      this.app.log.error({ jobId: job.id, err: err.message }, 'outbound: malformed job dropped');
      return;
    }
    const reason = /stalled/.test(err.message) ? 'stalled' : 'error';
    this.app.log.warn({ jobId: job.id, err: err.message }, 'outbound: message failed for good');
    try {
      this.counted(ctx.channel, 'failed', await ctx.ledger.settle({ user: d.data.u, key: d.data.k, campaign: d.data.c }, reason));
    } catch (e) {
      this.app.log.error({ err: e, jobId: job.id }, 'outbound: could not record a failed message');
    }
  }
}
