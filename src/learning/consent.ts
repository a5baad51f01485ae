import type { Turn } from '../engine/turn.js';
import { learningData, type LearningContext } from './context.js';
import type { Consent } from './records.js';

/**
 * The version of the notice in learning.consent_notice. Change it whenever that text changes in a way
 * that matters: everyone is then asked again before anything more is collected.
 */
export const NOTICE_VERSION = '2026-1';

export function consentValid(consent: Consent | undefined): boolean {
  return consent?.version === NOTICE_VERSION;
}

/** Personal questions come only after the person said yes to the current notice. */
export async function hasConsent(ctx: LearningContext, turn: Turn): Promise<boolean> {
  return consentValid(await ctx.store.consent(turn.user));
}

/** The outcome for someone who has not accepted the current notice (the flow routes it to the notice, which names its version). */
export function askConsent(turn: Turn): 'no_consent' {
  learningData.update(turn, { notice: NOTICE_VERSION });
  return 'no_consent';
}

export function registerConsent(ctx: LearningContext): void {
  const { app, store } = ctx;
  app.registry
    .action('learning.enter', ['no_consent', 'unregistered', 'ready'], async (turn) => {
      const file = await store.latestFile(turn.user);
      const officer = await turn.hasRole('officer');
      // Officers reach their review queue without registering themselves; anyone with a file reads a changed notice again.
      if (!(await hasConsent(ctx, turn)) && (file || !officer)) return askConsent(turn);
      if (!file && !officer) return 'unregistered';
      return 'ready';
    })
    .action('learning.giveConsent', ['registered'], async (turn) => {
      await store.setConsent(turn.user, NOTICE_VERSION);
      if (!(await store.latestFile(turn.user))) return undefined;
      turn.say('learning.consent_thanks');
      return 'registered';
    })
    .action('learning.refuseConsent', async (turn) => {
      // Saying no to a changed notice deletes nothing by itself: the person is told how to.
      turn.say((await store.profile(turn.user)) ? 'learning.consent_refused_kept' : 'learning.consent_refused');
    });
}
