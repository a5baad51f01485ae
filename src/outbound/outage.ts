import type { App } from '../app/app.js';
import type { ChannelName } from '../core/message.js';
import { OncePerMinute, slotErrorKind } from '../store/error-log.js';
import type { Redis } from '../store/redis.js';

const CONNECTION_TROUBLE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Connection is closed|enableOfflineQueue|Stream isn't writeable/i;

/** Logs Redis going away once for all the queue's connections, workers and queues, and once when it is back. */
export class OutageLog {
  private readonly down = new Set<string>();
  private readonly slotErrors = new OncePerMinute();

  constructor(private readonly app: App) {}

  watch(conn: Redis, name: string): Redis {
    conn.on('error', (err: Error) => {
      if (!this.down.size) this.app.log.error({ err: err.message }, 'outbound queue: Redis unreachable; messages wait until it is back');
      this.down.add(name);
    });
    conn.on('ready', () => {
      if (this.down.delete(name) && !this.down.size) this.app.log.info('outbound queue: Redis reachable again');
    });
    return conn;
  }

  isDown(): boolean {
    return this.down.size > 0;
  }

  /** BullMQ's own error events: connection trouble is already logged once above. */
  other(err: Error, channel: ChannelName, what: string): void {
    if (this.down.size || CONNECTION_TROUBLE.test(err.message)) return;
    const kind = slotErrorKind(err);
    if (kind) {
      const held = this.slotErrors.admit(kind);
      if (held !== undefined) this.app.log.error({ kind, sinceLastLine: held, err: err.message }, 'outbound queue: Redis Cluster slot error (logged once a minute per kind)');
      return;
    }
    this.app.log.warn({ err: err.message, channel }, `outbound ${what} error`);
  }
}
