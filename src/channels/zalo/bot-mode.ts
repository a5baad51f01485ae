import type { App } from '../../app/app.js';
import { SERVER_TO_SERVER } from '../../http/server.js';
import { userId } from '../../core/message.js';
import { ZaloBotApi } from './bot-api.js';
import { ZaloBotMessenger } from './bot-messenger.js';
import { zaloBotWebhook } from './bot-webhook.js';
import type { ZaloChannelOptions } from './capability.js';
import { ZaloConversations } from './conversations.js';
import { renderReplies } from './render.js';

/**
 * The Zalo Bot platform mode: a Telegram-like bot token, a webhook authenticated by a shared secret,
 * sendMessage out. It has no templates and no 7-day window to keep.
 */
export function registerBotMode(app: App, bot: { token: string; secret: string }, options: ZaloChannelOptions): void {
  const cfg = app.config;
  const api = new ZaloBotApi(cfg.ZALO_BOT_API_BASE, bot.token);
  const messenger = new ZaloBotMessenger(api, app.log, options.rateLimitBackoffMs ?? 5_000);
  const conversations = new ZaloConversations(app, messenger);
  let running = false;

  app.senders.set('zalo', {
    channel: 'zalo',
    async send(nativeId, replies) {
      const lang = (await app.users.get(userId('zalo', nativeId)))?.lang ?? 'vi';
      return messenger.sendTexts(nativeId, renderReplies(replies, app.i18n.for(lang), 'proactive'), 'proactive');
    },
  });
  app.http.post('/webhooks/zalo', SERVER_TO_SERVER, zaloBotWebhook({ app, secret: bot.secret, conversations, running: () => running }));

  app.onStart(async () => {
    if (cfg.ZALO_BOT_WEBHOOK_URL) {
      // A failure is logged, not fatal: the webhook may be registered already, and people keep being served.
      const set = await api.setWebhook(cfg.ZALO_BOT_WEBHOOK_URL, bot.secret).catch((err: unknown) => ({ ok: false as const, code: 0, description: String(err) }));
      if (set.ok) app.log.info({ url: cfg.ZALO_BOT_WEBHOOK_URL }, 'Zalo Bot webhook registered');
      else app.log.error({ code: set.code, description: set.description }, 'Zalo Bot setWebhook failed: updates may not arrive');
    }
    running = true;
    app.log.info('Zalo Bot channel on POST /webhooks/zalo');
  });
  app.onStop(async () => {
    running = false;
    await conversations.drain(options.drainMs ?? 10_000);
  });
}
