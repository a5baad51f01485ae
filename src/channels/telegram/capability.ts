import type { Capability } from '../../app/app.js';
import { SERVER_TO_SERVER } from '../../http/server.js';
import { TelegramChannel } from './channel.js';
import { telegramWebhook, WEBHOOK_BODY_LIMIT, WEBHOOK_PATH, webhookSecret } from './webhook.js';

/**
 * Telegram, when TELEGRAM_BOT_TOKEN is set: long polling, or a webhook on POST /webhooks/telegram
 * when TELEGRAM_WEBHOOK_URL is set; also the sender of proactive messages to Telegram users.
 */
export const telegram: Capability = {
  name: 'telegram',
  register(app) {
    const { TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: apiRoot, TELEGRAM_WEBHOOK_URL: webhookUrl } = app.config;
    if (!token) return;
    const secret = webhookSecret(app.config.TELEGRAM_WEBHOOK_SECRET, token);
    const channel = new TelegramChannel(app, { token, apiRoot, webhookSecret: secret, ...(webhookUrl ? { webhookUrl } : {}) });
    app.senders.set('telegram', channel);
    if (webhookUrl) app.http.post(WEBHOOK_PATH, { bodyLimit: WEBHOOK_BODY_LIMIT, ...SERVER_TO_SERVER }, telegramWebhook(channel, secret));
    app.onStart(() => channel.start());
    app.onStop(() => channel.stop());
  },
};
