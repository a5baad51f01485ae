import { z } from 'zod';
import { parseExactJson } from './exact-json.js';
import type { ZaloTokens } from './tokens.js';

/** Error codes the OA API answers with (HTTP 200, non-zero `error`). */
export const ZaloCode = {
  rateLimited: -32,
  notFollower: -213,
  invalidToken: -216,
  userRefused: -217,
  expiredToken: -220,
  outsideWindow: -230,
  refusedKind: -244,
} as const;

export type ZaloResult = { ok: true } | { ok: false; code: number; message: string };

/** The API could not be reached or answered something that is not the OA API's JSON. */
export class ZaloTransportError extends Error {}

const answerSchema = z.object({
  error: z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]),
  message: z.string().optional(),
});

const API_TIMEOUT_MS = 10_000;

export interface TemplateMessage {
  id: string;
  data: Record<string, string>;
}

/** A thin typed client of the Official Account API v3: the few calls this bot makes. */
export class ZaloOaApi {
  private readonly base: string;

  constructor(
    apiBase: string,
    private readonly tokens: ZaloTokens,
  ) {
    this.base = apiBase.replace(/\/+$/, '');
  }

  /** A customer-service text (POST /v3.0/oa/message/cs), allowed within 7 days of the person's last message. */
  sendText(userId: string, text: string): Promise<ZaloResult> {
    return this.post('/v3.0/oa/message/cs', { recipient: { user_id: userId }, message: { text } });
  }

  /** An approved template (POST /v3.0/oa/message/template), the only kind allowed outside the 7-day window. */
  sendTemplate(userId: string, template: TemplateMessage): Promise<ZaloResult> {
    return this.post('/v3.0/oa/message/template', { user_id: userId, template_id: template.id, template_data: template.data });
  }

  /** An invalid or expired token is refreshed and the call made once more. */
  private async post(path: string, body: unknown): Promise<ZaloResult> {
    const token = await this.tokens.accessToken();
    const first = await this.call(path, body, token);
    if (first.ok || (first.code !== ZaloCode.invalidToken && first.code !== ZaloCode.expiredToken)) return first;
    return this.call(path, body, await this.tokens.refresh(token));
  }

  private async call(path: string, body: unknown, token: string): Promise<ZaloResult> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', access_token: token },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(API_TIMEOUT_MS),
      });
    } catch (err) {
      throw new ZaloTransportError(`Zalo API unreachable: ${err instanceof Error ? err.message : String(err)}`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = parseExactJson(text);
    } catch {
      json = undefined;
    }
    const answer = answerSchema.safeParse(json);
    if (!answer.success) throw new ZaloTransportError(`Zalo API answered HTTP ${res.status} without an error code`);
    return answer.data.error === 0 ? { ok: true } : { ok: false, code: answer.data.error, message: answer.data.message ?? '' };
  }
}
