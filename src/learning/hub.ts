import { reviewersOf } from './access.js';
import { learningData, thisYear, type LearningContext } from './context.js';
import { areaName, formatNumber, scoreBar, statusText, totalHours } from './format.js';
import { isEditable } from './records.js';
import { decisionText, tellReviewers } from './review.js';

/** The learning menu's state line and a decision not seen yet; submitting the year's file. */
export function registerHub(ctx: LearningContext): void {
  const { app, store, criteria } = ctx;

  app.registry
    .data(learningData)
    .action('learning.loadHub', async (turn) => {
      const file = await store.latestFile(turn.user);
      const year = thisYear(ctx);
      // Working values of the learning flows end here; the menu's conditions read the rest.
      learningData.write(turn, {
        year: file?.year ?? year,
        registered: Boolean(file),
        editable: file ? isEditable(file) : false,
        // Only when true: the flows ask `eq: true`, and the session (kept between messages) stays short.
        new_year: file && file.year < year ? true : undefined,
      });
      if (!file) {
        // An officer back from the review queue reads their menu (with "Duyệt hồ sơ"), not a line meant for citizens.
        if (!(await turn.hasRole('officer'))) turn.say('learning.hub_unregistered', { year });
        return;
      }
      turn.say('learning.hub_status', { year: file.year, status: statusText(turn.t, file), bar: scoreBar(criteria, file) });
      if (file.decision && !file.decision.seen) {
        turn.say('learning.decision_unseen', { text: decisionText(turn.t, file) });
        await store.updateFile(turn.user, file.year, (f) => (f.decision ? { ...f, decision: { ...f.decision, seen: true } } : f));
      } else if (file.status === 'returned' && file.decision?.reason) {
        // Fixing a returned file can take days: what to fix stays in view until it is sent again.
        turn.say('learning.hub_return_reason', { reason: file.decision.reason });
      }
    })
    .action('learning.checkSubmit', ['unregistered', 'not_ready'], async (turn) => {
      const file = await store.latestFile(turn.user);
      if (!file) return 'unregistered';
      if (!isEditable(file)) {
        turn.say(`learning.locked.${file.status}`, { year: file.year });
        return 'not_ready';
      }
      const activities = await store.activities(turn.user, file.year);
      const p = criteria.progress(file.scores);
      if (!activities.length) {
        turn.say('learning.submit_no_activities');
        return 'not_ready';
      }
      if (p.unscored.length) {
        turn.say('learning.submit_unscored', { list: p.unscored.join(', ') });
        return 'not_ready';
      }
      if (!p.passes) {
        turn.say('learning.submit_not_passing', { bar: scoreBar(criteria, file), min: criteria.file.pass.min_total, each: criteria.file.pass.min_each });
        return 'not_ready';
      }
      turn.say('learning.submit_summary', {
        year: file.year,
        bar: scoreBar(criteria, file),
        count: activities.length,
        hours: formatNumber(turn.t, totalHours(activities)),
        area: areaName(app.areas, file.area),
        unit: turn.t(`learning.unit.${criteria.reviewerUnit(file.area, app.areas)}`),
      });
      return undefined;
    })
    .action('learning.submit', ['unregistered', 'locked'], async (turn) => {
      const file = await store.latestFile(turn.user);
      if (!file) return 'unregistered';
      const now = turn.now().getTime();
      const result = await store.updateFile(turn.user, file.year, (f) => {
        if (!isEditable(f)) return 'locked';
        const { decision: previous, ...rest } = f;
        const lastReturn = previous?.outcome === 'returned' ? { at: previous.at, unit: previous.unit, reason: previous.reason ?? '' } : f.lastReturn;
        return { ...rest, status: 'submitted', submittedAt: now, submissions: f.submissions + 1, ...(lastReturn ? { lastReturn } : {}) };
      });
      if (!result.ok) {
        turn.say('learning.locked.submitted', { year: file.year });
        return 'locked';
      }
      const officers = await reviewersOf(ctx, result.file.area, turn.user);
      await tellReviewers(ctx, turn.user, result.file, officers);
      turn.say(officers.length ? 'learning.submitted' : 'learning.submitted_no_officer', {
        year: result.file.year,
        unit: turn.t(`learning.unit.${criteria.reviewerUnit(result.file.area, app.areas)}`),
      });
      return undefined;
    });
}
