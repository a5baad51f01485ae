import { z } from 'zod';
import { parseExactJson } from './exact-json.js';
import { ZaloTransportError } from './oa-api.js';

export type BotResult = { ok: true } | { ok: false; code: number; description: string };

const answerSchema = z.object({
  ok: z.boolean(),
  error_code: z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]).optional(),
  description: z.string().optional(),
});

const API_TIMEOUT_MS = 10_000;

/** The few Zalo Bot platform calls this bot makes (https://bot-api.zaloplatforms.com/bot<TOKEN>/<method>). */
export class ZaloBotApi {
  private readonly base: string;

  constructor(
    apiBase: string,
    private readonly token: string,
  ) {
    this.base = apiBase.replace(/\/+$/, '');
  }

  /** Text of 1 to 2,000 characters. */
  sendMessage(chatId: string, text: string): Promise<BotResult> {
    return this.call('sendMessage', { chat_id: chatId, text });
  }

  /** Zalo then posts updates to `url` with `secret` in X-Bot-Api-Secret-Token. */
  setWebhook(url: string, secret: string): Promise<BotResult> {
    return this.call('setWebhook', { url, secret_token: secret });
  }

  private async call(method: string, body: unknown): Promise<BotResult> {
    let res: Response;
    try {
      res = await fetch(`${this.base}/bot${this.token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(API_TIMEOUT_MS),
      });
    } catch (err) {
      // The token is part of the URL: keep it out of the message.
      throw new ZaloTransportError(`Zalo Bot API unreachable (${method}): ${err instanceof Error ? err.name : 'error'}`);
    }
    let json: unknown;
    try {
      json = parseExactJson(await res.text());
    } catch {
      json = undefined;
    }
    const answer = answerSchema.safeParse(json);
    if (!answer.success) throw new ZaloTransportError(`Zalo Bot API answered ${method} with HTTP ${res.status} and no result`);
    if (answer.data.ok) return { ok: true };
    return { ok: false, code: answer.data.error_code ?? res.status, description: answer.data.description ?? '' };
  }
}
