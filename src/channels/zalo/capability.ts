import type { Capability } from '../../app/app.js';
import { registerBotMode } from './bot-mode.js';
import { registerOaMode } from './oa-mode.js';

export interface ZaloChannelOptions {
  /** First wait after a rate-limit answer on a reply; doubles with each try. */
  rateLimitBackoffMs?: number;
  /** How often to check whether the OA access token is close to expiry. */
  tokenCheckMs?: number;
  /** How long a graceful stop waits for replies still being sent. */
  drainMs?: number;
}

const OA_SETTINGS = ['ZALO_APP_ID', 'ZALO_APP_SECRET', 'ZALO_OA_SECRET_KEY'] as const;

/**
 * The Zalo channel, in one of two modes: an Official Account (ZALO_APP_ID, ZALO_APP_SECRET,
 * ZALO_OA_SECRET_KEY) or a bot of the Telegram-like Zalo Bot platform (ZALO_BOT_TOKEN). Both answer
 * people as "zalo:<id>" on POST /webhooks/zalo, so only one may run.
 */
export function zaloChannel(options: ZaloChannelOptions = {}): Capability {
  return {
    name: 'zalo',
    register(app) {
      const cfg = app.config;
      const missing = OA_SETTINGS.filter((name) => !cfg[name]);
      const oa = missing.length === 0;
      if (oa && cfg.ZALO_BOT_TOKEN) {
        throw new Error('Zalo: set either the Official Account settings (ZALO_APP_ID...) or ZALO_BOT_TOKEN, not both');
      }
      if (missing.length && missing.length < OA_SETTINGS.length) {
        app.log.warn({ missing }, 'Zalo Official Account off: set every one of ZALO_APP_ID, ZALO_APP_SECRET and ZALO_OA_SECRET_KEY');
      }
      if (oa) {
        registerOaMode(app, { appId: cfg.ZALO_APP_ID as string, appSecret: cfg.ZALO_APP_SECRET as string, oaSecretKey: cfg.ZALO_OA_SECRET_KEY as string }, options);
      } else if (cfg.ZALO_BOT_TOKEN) {
        if (!cfg.ZALO_BOT_WEBHOOK_SECRET) throw new Error('Zalo Bot: ZALO_BOT_WEBHOOK_SECRET is required with ZALO_BOT_TOKEN (it authenticates the webhook)');
        registerBotMode(app, { token: cfg.ZALO_BOT_TOKEN, secret: cfg.ZALO_BOT_WEBHOOK_SECRET }, options);
      }
    },
  };
}

export const zalo = zaloChannel();
