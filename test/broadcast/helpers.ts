import { BROADCASTS } from '../../src/broadcast/capability.js';
import type { Broadcasts } from '../../src/broadcast/service.js';
import type { Reply } from '../../src/core/message.js';
import type { Language } from '../../src/i18n/index.js';
import { FakeChannel, type FakeChannelOptions } from '../outbound/fake-channel.js';
import { takeWebMessages } from '../support/web.js';
import { createTestApp, type TestApp, type TestAppOptions } from '../support/app.js';

export interface BroadcastHarness extends TestApp {
  /** Telegram, as a counting stand-in. */
  telegram: FakeChannel;
  broadcasts: Broadcasts;
  /** Runs the scheduler once and waits until every queued message has been tried. */
  settle(): Promise<void>;
  /** What a web-chat user received proactively since the last look. */
  inbox(user: string): Promise<Reply[]>;
  organiser(user: string, area: string): Promise<void>;
  resident(user: string, area: string, lang?: Language): Promise<void>;
}

/**
 * The whole bot on the suite's Redis, started (so proactive messages go through the BullMQ queue),
 * with Telegram replaced by a counting stand-in and no cap unless the test sets one.
 */
export async function broadcastHarness(opts: TestAppOptions & { start?: boolean; telegram?: FakeChannelOptions } = {}): Promise<BroadcastHarness> {
  const t = await createTestApp({ ...opts, env: { TELEGRAM_RATE_PER_SECOND: '0', ...opts.env } });
  const telegram = new FakeChannel('telegram', opts.telegram);
  t.app.senders.set('telegram', telegram);
  if (opts.start !== false) await t.app.start();
  const broadcasts = t.app.need(BROADCASTS);
  const settle = async () => {
    await broadcasts.tick();
    await t.app.outbound.idle?.();
    await broadcasts.tick();
    await t.app.outbound.idle?.();
  };
  return {
    ...t,
    telegram,
    broadcasts,
    settle,
    inbox: (user) => takeWebMessages(t.app, user),
    async organiser(user, area) {
      await t.send(user, '/start');
      await t.app.roles.grant(user, { role: 'organiser', area, grantedAt: t.app.clock.now().getTime() });
    },
    async resident(user, area, lang = 'vi') {
      await t.app.users.seen(user, lang);
      await t.app.users.setArea(user, area);
    },
  };
}
