import type { Turn } from '../engine/turn.js';
import { learningData, type LearningContext } from './context.js';
import { activityLine, formatNumber, numberedLabel, totalHours } from './format.js';
import { progressBar } from './criteria.js';
import { isEditable, type LearningFile } from './records.js';

/** Activities shown under an indicator before "and N more". */
const ACTIVITIES_UNDER_INDICATOR = 5;


export function registerScoring(ctx: LearningContext): void {
  const { app, store, criteria } = ctx;

  const editableFile = async (turn: Turn): Promise<LearningFile | undefined> => {
    const file = await store.latestFile(turn.user);
    if (file && !isEditable(file)) turn.say(`learning.locked.${file.status}`, { year: file.year });
    return file && isEditable(file) ? file : undefined;
  };

  const saveScores = async (turn: Turn, year: number, scores: Record<string, number>) => {
    const result = await store.updateFile(turn.user, year, (f) => (isEditable(f) ? { ...f, scores: { ...f.scores, ...scores } } : 'locked'));
    if (!result.ok) turn.say('learning.locked.submitted', { year });
    return result.ok;
  };

  /** "▓▓▓▓▓▓░░░░ 62/100", the indicators under the minimum and what is missing to pass, in a few lines. */
  const progressText = async (turn: Turn, file: LearningFile): Promise<string> => {
    const p = criteria.progress(file.scores);
    const { min_total, min_each } = criteria.file.pass;
    const activities = await store.activities(turn.user, file.year);
    const lines = [
      turn.t('learning.progress_head', { year: file.year, bar: progressBar(p.total, p.max) }),
      turn.t('learning.progress_activities', { count: activities.length, hours: formatNumber(turn.t, totalHours(activities)) }),
    ];
    if (p.unscored.length) lines.push(turn.t('learning.progress_unscored', { list: p.unscored.join(', ') }));
    const low = p.low.filter((n) => !p.unscored.includes(n));
    if (low.length) lines.push(turn.t('learning.progress_low', { min: min_each, list: low.map((n) => `${n} (${file.scores[String(n)]})`).join(', ') }));
    // What comes next depends on where the file stands: sending it, or waiting for (or having) the decision.
    if (p.passes) lines.push(`${turn.t('learning.progress_pass', { min: min_total, each: min_each })} ${turn.t(`learning.progress_next.${file.status}`)}`);
    else {
      const todo: string[] = [];
      if (p.missingPoints > 0) todo.push(turn.t('learning.progress_missing_points', { points: p.missingPoints, min: min_total }));
      if (p.low.length) todo.push(turn.t('learning.progress_missing_low', { min: min_each, list: p.low.join(', ') }));
      lines.push(turn.t('learning.progress_missing', { todo: todo.join('; ') }));
    }
    return lines.join('\n');
  };

  app.registry
    .action('learning.beginScore', ['unregistered', 'locked'], async (turn) => {
      const file = await editableFile(turn);
      if (!file) return (await store.latestFile(turn.user)) ? 'locked' : 'unregistered';
      learningData.update(turn, { year: file.year, max: criteria.file.score_max, count: criteria.indicators.length, sc: undefined });
      return undefined;
    })
    .choices('learning.scoreChoices', async (turn) => {
      const file = await store.latestFile(turn.user);
      // The indicators first and in order, so that a list number is the indicator's number.
      return [
        ...criteria.indicators.map((n) => ({
          value: `i${n}`,
          label: numberedLabel(turn.channel, n, turn.t('learning.score_label', { name: turn.t(`learning.indicator_short.${n}`), score: file?.scores[String(n)] ?? '–' })),
        })),
        { value: 'all', label: turn.t('learning.choice.all') },
        { value: 'back', label: turn.t('learning.choice.back') },
      ];
    })
    .action('learning.scorePicked', ['back', 'locked', 'all_saved'], async (turn) => {
      const { pick } = learningData.read(turn);
      learningData.update(turn, { pick: undefined });
      if (pick === 'back') return 'back';
      if (Array.isArray(pick)) {
        const file = await editableFile(turn);
        if (!file) return 'locked';
        const scores = Object.fromEntries(criteria.indicators.map((n, i) => [String(n), Number(pick[i])]));
        if (!(await saveScores(turn, file.year, scores))) return 'locked';
        turn.say('learning.scores_saved');
        return 'all_saved';
      }
      learningData.update(turn, { sc: pick === 'all' ? { idx: criteria.indicators[0] as number, seq: true } : { idx: Number(String(pick).slice(1)), seq: false } });
      return undefined;
    })
    .action('learning.showIndicator', ['none'], async (turn) => {
      const { sc } = learningData.read(turn);
      const file = await store.latestFile(turn.user);
      if (!sc || !file) return 'none';
      const n = sc.idx;
      const linked = (await store.activities(turn.user, file.year)).filter((a) => a.indicators.includes(n));
      const lines = [
        turn.t('learning.indicator_head', {
          n,
          name: turn.t(`learning.indicator.${n}`),
          competency: turn.t(`learning.competency.${criteria.competencyOf(n)}`),
          score: file.scores[String(n)] ?? '–',
        }),
        ...(linked.length ? linked.slice(0, ACTIVITIES_UNDER_INDICATOR).map((a) => `• ${activityLine(turn.t, a)}`) : [turn.t('learning.indicator_no_activities')]),
      ];
      if (linked.length > ACTIVITIES_UNDER_INDICATOR) lines.push(turn.t('learning.and_more', { count: linked.length - ACTIVITIES_UNDER_INDICATOR }));
      turn.reply({ text: lines.join('\n') });
      return undefined;
    })
    .validator('learning.score', async (value) => {
      const max = criteria.file.score_max;
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max
        ? { ok: true, value }
        : { ok: false, error: 'learning.bad_score_one', params: { max } };
    })
    .action('learning.saveScore', ['locked', 'none', 'next_one', 'all_saved'], async (turn) => {
      const { sc, score } = learningData.read(turn);
      learningData.update(turn, { score: undefined });
      const file = await editableFile(turn);
      if (!file) return 'locked';
      if (!sc || score === undefined) return 'none';
      if (!(await saveScores(turn, file.year, { [String(sc.idx)]: score }))) return 'locked';
      const next = criteria.indicators[criteria.indicators.indexOf(sc.idx) + 1];
      if (sc.seq && next !== undefined) {
        learningData.update(turn, { sc: { idx: next, seq: true } });
        return 'next_one';
      }
      learningData.update(turn, { sc: undefined });
      if (sc.seq) return 'all_saved';
      turn.say('learning.score_saved', { n: sc.idx, score });
      return undefined;
    })
    .action('learning.showProgress', ['unregistered'], async (turn) => {
      const file = await store.latestFile(turn.user);
      if (!file) return 'unregistered';
      turn.reply({ text: await progressText(turn, file) });
      return undefined;
    });
}
