import type { App } from '../../app/app.js';
import { SERVER_TO_SERVER } from '../../http/server.js';
import type { ZaloChannelOptions } from './capability.js';
import { ZaloConversations } from './conversations.js';
import { ZaloMessenger } from './messenger.js';
import { ZaloOaApi } from './oa-api.js';
import { refreshTokens } from './oauth.js';
import { MinuteRateLimit } from './rate-limit.js';
import { zaloSender } from './sender.js';
import { ZaloTokens } from './tokens.js';
import { zaloWebhook } from './webhook.js';

export interface OaSettings {
  appId: string;
  appSecret: string;
  oaSecretKey: string;
}

/** The Official Account mode: signed webhook in, OA API v3 out, tokens kept fresh in Redis. */
export function registerOaMode(app: App, oa: OaSettings, options: ZaloChannelOptions): void {
  const cfg = app.config;
  const tokens = new ZaloTokens({
    redis: app.redis,
    prefix: app.prefix,
    clock: app.clock,
    log: app.log,
    initialRefreshToken: cfg.ZALO_REFRESH_TOKEN,
    refresh: (token) => refreshTokens({ oauthBase: cfg.ZALO_OAUTH_BASE, appId: oa.appId, appSecret: oa.appSecret }, token),
  });
  const messenger = new ZaloMessenger(
    new ZaloOaApi(cfg.ZALO_API_BASE, tokens),
    new MinuteRateLimit(app.redis, app.prefix, cfg.ZALO_SEND_RATE_PER_MIN),
    app.log,
    { rateLimitBackoffMs: options.rateLimitBackoffMs ?? 5_000 },
  );
  const conversations = new ZaloConversations(app, messenger);
  let running = false;
  let timer: NodeJS.Timeout | undefined;

  app.senders.set('zalo', zaloSender(app, messenger));
  app.http.post(
    '/webhooks/zalo',
    SERVER_TO_SERVER,
    zaloWebhook({
      app,
      appId: oa.appId,
      secret: cfg.ZALO_WEBHOOK_SECRET === 'app_secret' ? oa.appSecret : oa.oaSecretKey,
      conversations,
      running: () => running,
    }),
  );

  app.onStart(async () => {
    if (!(await tokens.hasRefreshToken())) {
      app.log.error('Zalo channel not started: Redis holds no refresh token; set ZALO_REFRESH_TOKEN');
      return;
    }
    running = true;
    // Refreshing ahead of expiry also keeps the 3-month refresh token alive through quiet months.
    timer = setInterval(() => {
      tokens.accessToken().catch((err: unknown) => app.log.error({ err }, 'Zalo token refresh failed'));
    }, options.tokenCheckMs ?? 10 * 60_000);
    timer.unref();
    app.log.info('Zalo Official Account channel on POST /webhooks/zalo');
  });
  app.onStop(async () => {
    running = false;
    clearInterval(timer);
    await conversations.drain(options.drainMs ?? 10_000);
  });
}
