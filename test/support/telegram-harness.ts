import type { Capability } from '../../src/app/app.js';
import { listenHttp } from '../../src/http/server.js';
import { createTestApp, type TestApp, type TestAppOptions } from './app.js';
import { freePort } from './redis-server.js';
import type { TelegramEmulator } from './telegram-emulator.js';

export type TelegramMode = 'polling' | 'webhook';

export interface TelegramBot extends TestApp {
  /** The bot's HTTP server (webhook mode). */
  url?: string;
}

/**
 * A whole bot (every capability, Redis sessions) talking to the emulator, started as `npm start`
 * would start it: in webhook mode its HTTP server listens where TELEGRAM_WEBHOOK_URL points.
 */
export async function startTelegramBot(emu: TelegramEmulator, mode: TelegramMode, opts: TestAppOptions = {}): Promise<TelegramBot> {
  const env: Record<string, string> = { TELEGRAM_BOT_TOKEN: emu.token, TELEGRAM_API_ROOT: emu.apiRoot, ...opts.env };
  let port: number | undefined;
  if (mode === 'webhook') {
    port = await freePort();
    env.TELEGRAM_WEBHOOK_URL = `http://127.0.0.1:${port}/webhooks/telegram`;
  }
  const t = await createTestApp({ ...opts, env });
  if (port !== undefined) await listenHttp(t.app.http, port, '127.0.0.1');
  const pollsBefore = emu.getUpdatesCalls;
  await t.app.start();
  if (mode === 'webhook') await emu.waitFor(() => emu.webhook?.url === env.TELEGRAM_WEBHOOK_URL, 10_000, 'setWebhook');
  else await emu.waitFor(() => emu.getUpdatesCalls > pollsBefore, 10_000, 'getUpdates');
  return {
    ...t,
    ...(port !== undefined ? { url: `http://127.0.0.1:${port}` } : {}),
    async close() {
      await t.close();
      if (port !== undefined) {
        t.app.http.server.closeAllConnections();
        await t.app.http.close();
      }
    },
  };
}

/** What a person reads: the message text with the HTML entities the bot escaped turned back. */
export function readable(html: string): string {
  return html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/**
 * Commands that only tests have, to see what reached the engine: `/evidence` tells the attachment it
 * got, `/long` answers with many paragraphs and a choice, `/probe <args>` says what it got (it stands
 * for the commands that proactive buttons of other capabilities carry, like "/reported <id>").
 */
export const probeCommands: Capability = {
  name: 'telegram-test-probes',
  register(app) {
    app.registry
      .command({
        name: 'evidence',
        async run(turn) {
          const a = turn.inbound.attachment;
          turn.reply({ text: a ? `got ${a.kind} ${a.fileId} ${a.mime ?? '-'} ${a.name ?? '-'}` : 'got nothing' });
        },
      })
      .command({
        name: 'long',
        async run(turn, args) {
          const paragraphs = Array.from({ length: Number(args) || 30 }, (_, i) => `Paragraph ${i + 1}. ${'Học tập suốt đời. '.repeat(12).trim()}`);
          turn.reply({ text: paragraphs.join('\n\n'), choices: [{ label: 'OK', value: 'ok' }] });
        },
      })
      .command({
        name: 'probe',
        async run(turn, args) {
          turn.reply({ text: `probe ${args}` });
        },
      });
  },
};
