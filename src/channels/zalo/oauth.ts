import { z } from 'zod';
import { parseExactJson } from './exact-json.js';

export interface OAuthConfig {
  oauthBase: string;
  appId: string;
  appSecret: string;
}

export interface TokenPair {
  access: string;
  refresh: string;
  /** Seconds the access token lives (Zalo says 90,000: 25 hours). */
  expiresInS: number;
}

/** The refresh token was refused or the answer made no sense: an operator has to look. */
export class ZaloAuthError extends Error {}

const grantSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.union([z.string().regex(/^\d+$/), z.number().int()]).transform(Number),
});

const oauthErrorSchema = z.object({
  error: z.union([z.number(), z.string()]),
  error_name: z.string().optional(),
  error_description: z.string().optional(),
  message: z.string().optional(),
});

/** Shorter than the refresh lock, so that a slow call can never outlive the lock that guards it. */
export const OAUTH_TIMEOUT_MS = 10_000;

/**
 * Spends a single-use refresh token for a new access token and a new refresh token
 * (POST /v4/oa/access_token, form-encoded, the app secret in the `secret_key` header).
 */
export async function refreshTokens(cfg: OAuthConfig, refreshToken: string): Promise<TokenPair> {
  const res = await fetch(`${cfg.oauthBase.replace(/\/+$/, '')}/v4/oa/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: cfg.appSecret },
    body: new URLSearchParams({ app_id: cfg.appId, grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
    signal: AbortSignal.timeout(OAUTH_TIMEOUT_MS),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = parseExactJson(text);
  } catch {
    throw new ZaloAuthError(`Zalo OAuth answered HTTP ${res.status} with a body that is not JSON`);
  }
  const grant = grantSchema.safeParse(json);
  if (grant.success) return { access: grant.data.access_token, refresh: grant.data.refresh_token, expiresInS: grant.data.expires_in };
  const err = oauthErrorSchema.safeParse(json);
  const detail = err.success ? `${err.data.error} ${err.data.error_name ?? ''} ${err.data.error_description ?? err.data.message ?? ''}`.trim() : `HTTP ${res.status}`;
  throw new ZaloAuthError(`Zalo OAuth refused the refresh token: ${detail}`);
}
