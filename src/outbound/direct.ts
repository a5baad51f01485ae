import type { App } from '../app/app.js';
import { claim, deliverOne, record } from './deliver.js';
import type { Outbound, OutboundMessage } from './types.js';

const MAX_ATTEMPTS = 3;

/**
 * Sends in this process, one message after another, honouring the platform's retry-after. Used when
 * there is no Redis for a durable queue (the in-memory mode): nothing survives a restart here.
 */
export class DirectOutbound implements Outbound {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly app: App) {}

  async enqueue(messages: OutboundMessage[]): Promise<{ queued: number; duplicates: number }> {
    let queued = 0;
    let duplicates = 0;
    for (const m of messages) {
      if (!(await claim(this.app, m))) {
        duplicates++;
        continue;
      }
      queued++;
      await record(this.app, m, 'queued');
      this.chain = this.chain.then(() => this.send(m));
    }
    return { queued, duplicates };
  }

  /** Resolves when everything accepted so far has been tried. */
  idle(): Promise<void> {
    return this.chain;
  }

  private async send(m: OutboundMessage): Promise<void> {
    const wait = (m.notBefore ?? 0) - this.app.clock.now().getTime();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    for (let attempt = 1; ; attempt++) {
      const result = await deliverOne(this.app, m).catch((err: unknown) => ({ status: 'retry' as const, afterMs: 1000, reason: String(err) }));
      if (result.status !== 'retry') return record(this.app, m, result.status, result.reason);
      if (attempt >= MAX_ATTEMPTS) return record(this.app, m, 'failed', result.reason);
      await new Promise((r) => setTimeout(r, Math.max(result.afterMs, 500 * attempt)));
    }
  }
}
