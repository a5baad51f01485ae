import type { DeliveryOutcome } from '../../core/delivery.js';
import { ZaloCode, type ZaloResult } from './oa-api.js';

export const OUTSIDE_WINDOW = 'outside_7_day_window';

/** What an OA API answer means for the message, the same for replies and proactive messages. */
export function outcomeOf(result: ZaloResult, rateLimitBackoffMs: number): DeliveryOutcome {
  if (result.ok) return { status: 'sent' };
  switch (result.code) {
    case ZaloCode.outsideWindow:
      return { status: 'undeliverable', reason: OUTSIDE_WINDOW };
    case ZaloCode.notFollower:
      return { status: 'blocked', reason: 'not_follower' };
    case ZaloCode.userRefused:
    case ZaloCode.refusedKind:
      return { status: 'undeliverable', reason: 'refused_by_user' };
    case ZaloCode.rateLimited:
      return { status: 'retry', afterMs: rateLimitBackoffMs, reason: 'rate_limited' };
    case ZaloCode.invalidToken:
    case ZaloCode.expiredToken:
      // Still refused after a fresh token: worth another try later, not a fault of the message.
      return { status: 'failed', reason: `token_refused(${result.code})`, transient: true };
    default:
      return { status: 'failed', reason: `zalo_error(${result.code}): ${result.message}`.slice(0, 200), transient: false };
  }
}
