import { Counter, Gauge } from 'prom-client';
import type { Capability } from '../app/app.js';
import { Provision } from '../app/provision.js';
import type { Config } from '../config.js';
import type { ChannelName } from '../core/message.js';
import type { Rate } from './gate.js';
import { forgetPerson, messagesSentTo } from './deliver.js';
import { DurableOutbound } from './queue.js';

export function channelRates(config: Config): Record<ChannelName, Rate> {
  return {
    telegram: { count: config.TELEGRAM_RATE_PER_SECOND, perMs: 1_000 },
    zalo: { count: config.ZALO_RATE_PER_MINUTE, perMs: 60_000 },
    web: { count: config.WEB_RATE_PER_SECOND, perMs: 1_000 },
  };
}

/**
 * The outbound path: `app.outbound` is the way out; this says whether it is the durable queue (metrics,
 * tests and operators look at it). Capabilities that send proactive messages need it, so that the
 * queue starts before them and stops after them.
 */
export const OUTBOUND = new Provision<{ durable(): DurableOutbound | undefined }>('outbound');

/**
 * With a real Redis, every proactive message leaves through BullMQ queues from the moment the bot
 * starts (workers with it, closed gracefully when it stops). Without one (REDIS_URL unset) BullMQ
 * cannot run on the in-memory emulation, so the in-process DirectOutbound stays, and the log says so.
 */
export const outbound: Capability = {
  name: 'outbound',
  provides: [OUTBOUND],
  register(app) {
    let queue: DurableOutbound | undefined;
    app.provide(OUTBOUND, { durable: () => queue });
    const sent = new Counter({
      name: 'xhht_outbound_messages_total',
      help: 'Proactive messages by channel and final status',
      labelNames: ['channel', 'status'],
      registers: [app.metrics.registry],
    });
    new Gauge({
      name: 'xhht_outbound_backlog',
      help: 'Proactive messages waiting, delayed or being sent in the durable queue, per channel',
      labelNames: ['channel'],
      registers: [app.metrics.registry],
      async collect() {
        // While Redis is away /metrics still answers, without this gauge.
        const backlog = await queue?.backlog().catch(() => undefined);
        for (const [channel, n] of Object.entries(backlog ?? {})) this.set({ channel }, n);
      },
    });
    app.privacy.add({
      name: 'outbound',
      async describe(user, t) {
        const count = await messagesSentTo(app, user);
        return count ? [t('privacy.line_deliveries', { count })] : [];
      },
      erase: (user) => forgetPerson(app, user),
    });
    // BullMQ needs a real Redis: in memory the DirectOutbound stays (start-up says once what is not durable).
    if (app.inMemory) return;
    app.onStart(async () => {
      queue = new DurableOutbound(app, {
        rates: channelRates(app.config),
        concurrency: app.config.OUTBOUND_CONCURRENCY,
        onOutcome: (channel, status) => sent.inc({ channel, status }),
      });
      await queue.ready();
      queue.start();
      app.outbound = queue;
    });
    app.onStop(async () => {
      await queue?.close();
    });
  },
};
