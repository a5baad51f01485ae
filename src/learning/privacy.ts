import { formatVnDate, vnDate, formatVnDateTime } from '../core/clock.js';
import { forgetMessagesAbout } from '../outbound/deliver.js';
import type { PersonalData } from '../privacy/registry.js';
import type { LearningContext } from './context.js';
import { submittedKeyPrefix } from './review.js';
import { activityLine, profileText, scoreBar, statusText } from './format.js';

/** What /mydata shows of the learning records, and what /deletedata erases. */
export function learningData(ctx: LearningContext): PersonalData {
  const { app, store, criteria } = ctx;
  return {
    name: 'learning',
    async describe(user, t) {
      const lines: string[] = [];
      const consent = await store.consent(user);
      if (consent) lines.push(t('learning.data.consent', { at: formatVnDateTime(new Date(consent.at)), version: consent.version }));
      const profile = await store.profile(user);
      if (profile) lines.push(t('learning.data.profile', { profile: profileText(t, app.areas, profile) }));
      for (const year of await store.years(user)) {
        const file = await store.file(user, year);
        if (!file) continue;
        lines.push(
          t('learning.data.file', {
            year,
            status: statusText(t, file),
            bar: scoreBar(criteria, file),
            scores: criteria.indicators.map((n) => `${n}:${file.scores[String(n)] ?? '–'}`).join(' '),
          }),
        );
        if (file.submittedAt) lines.push(t('learning.data.submitted', { at: formatVnDateTime(new Date(file.submittedAt)), count: file.submissions }));
        const returned = file.lastReturn && { outcome: 'returned' as const, ...file.lastReturn };
        for (const d of [returned, file.decision])
          if (d)
            lines.push(
              t(`learning.data.decision_${d.outcome}`, { date: formatVnDate(vnDate(new Date(d.at))), unit: t(`learning.unit.${d.unit}`), reason: d.reason ?? '' }),
            );
        for (const a of await store.activities(user, year)) lines.push(t('learning.data.activity', { line: activityLine(t, a) }));
      }
      return lines;
    },
    async erase(user) {
      const files = await Promise.all((await store.years(user)).map((year) => store.file(user, year)));
      await store.erase(user);
      // The officers' notices about the files carry their ids (in send-once marks and the queue's events).
      for (const file of files) if (file) await forgetMessagesAbout(app, user, submittedKeyPrefix(file.id));
    },
  };
}
