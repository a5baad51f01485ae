import type { Capability } from '../../app/app.js';
import { ZaloConversations } from './conversations.js';
import { ZaloMessenger } from './messenger.js';
import { ZaloOaApi } from './oa-api.js';
import { refreshTokens } from './oauth.js';
import { MinuteRateLimit } from './rate-limit.js';
import { zaloSender } from './sender.js';
import { ZaloTokens } from './tokens.js';
import { zaloWebhook } from './webhook.js';

export interface ZaloChannelOptions {
  /** First wait after Zalo's -32 (rate limit) on a reply; doubles with each try. */
  rateLimitBackoffMs?: number;
  /** How often to check whether the access token is close to expiry. */
  tokenCheckMs?: number;
  /** How long a graceful stop waits for replies still being sent. */
  drainMs?: number;
}

const REQUIRED = ['ZALO_APP_ID', 'ZALO_APP_SECRET', 'ZALO_OA_SECRET_KEY'] as const;

/** The Zalo Official Account channel: signed webhook in, OA API v3 out, tokens kept fresh in Redis. */
export function zaloChannel(options: ZaloChannelOptions = {}): Capability {
  return {
    name: 'zalo',
    register(app) {
      const cfg = app.config;
      const missing = REQUIRED.filter((name) => !cfg[name]);
      if (missing.length === REQUIRED.length) return;
      if (missing.length) {
        app.log.warn({ missing }, 'Zalo channel off: set every one of ZALO_APP_ID, ZALO_APP_SECRET and ZALO_OA_SECRET_KEY');
        return;
      }
      const appId = cfg.ZALO_APP_ID as string;
      const appSecret = cfg.ZALO_APP_SECRET as string;
      const tokens = new ZaloTokens({
        redis: app.redis,
        prefix: app.prefix,
        clock: app.clock,
        log: app.log,
        initialRefreshToken: cfg.ZALO_REFRESH_TOKEN,
        refresh: (token) => refreshTokens({ oauthBase: cfg.ZALO_OAUTH_BASE, appId, appSecret }, token),
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
      app.router.on(
        'POST',
        '/webhooks/zalo',
        zaloWebhook({
          app,
          appId,
          secret: cfg.ZALO_WEBHOOK_SECRET === 'app_secret' ? appSecret : (cfg.ZALO_OA_SECRET_KEY as string),
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
    },
  };
}

export const zalo = zaloChannel();
