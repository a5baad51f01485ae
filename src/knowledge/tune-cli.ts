/**
 * `npm run qa:tune`: fits the answer-or-decline model (decision.ts) and writes plans/qa-decision.yaml.
 * The test questions are split in two halves by a hash of the question: the model is fitted on one
 * half (each question as written and without its marks), its threshold chosen on that half too, and
 * the other half, never seen while fitting, is reported beside it. Prints JSON lines.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runIfEntry, type CliIO } from '../core/cli.js';
import { dataPaths, projectRoot } from '../core/paths.js';
import { createI18n } from '../i18n/index.js';
import { loadCorpus } from './corpus.js';
import { DECISION_FILE, FEATURES, type DecisionModel, type Feature } from './decision.js';
import { evaluate, halfOf, positionOf, rate, styleOf, withoutMarks, type Tally } from './evaluate.js';
import { createKnowledgeBase } from './knowledge-base.js';
import { loadLexicon } from './lexicon.js';
import { readQaFixture, type QaCase } from './qa-fixture.js';

export const QUESTION_FILES = [
  'test/fixtures/qa-dev.jsonl',
  'test/fixtures/qa-dev-2.jsonl',
  'test/fixtures/qa-extra.jsonl',
  'test/knowledge/qa-neighbours.jsonl',
];
/** Candidates per question that the fit learns from: the chat shows the first, "more" the next few. */
const CANDIDATES = 3;
const EPOCHS = 3000;
const RATE = 0.5;
const L2 = 0.001;

interface Sample {
  readonly x: readonly number[];
  readonly y: 0 | 1;
  /** How the question is written (citizen, officer, en, abstain…). */
  readonly style: string;
}

/**
 * Logistic regression, each style of question weighted alike whatever its number of samples: the
 * citizens' chat questions are few beside the formal ones, and must count as much.
 */
function fit(samples: readonly Sample[]): { bias: number; weights: number[] } {
  const perStyle = new Map<string, number>();
  for (const s of samples) perStyle.set(s.style, (perStyle.get(s.style) ?? 0) + 1);
  const weightOf = (s: Sample): number => samples.length / (perStyle.size * (perStyle.get(s.style) as number));
  let bias = 0;
  const weights = FEATURES.map(() => 0);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    let gBias = 0;
    const g = weights.map(() => 0);
    for (const sample of samples) {
      const { x, y } = sample;
      const z = bias + x.reduce((sum, v, i) => sum + v * (weights[i] as number), 0);
      const err = ((1 / (1 + Math.exp(-z)) - y) * weightOf(sample)) / samples.length;
      gBias += err;
      x.forEach((v, i) => (g[i] = (g[i] as number) + err * v));
    }
    bias -= RATE * gBias;
    weights.forEach((w, i) => (weights[i] = w - RATE * ((g[i] as number) + L2 * w)));
  }
  return { bias, weights };
}

/**
 * How well a score meets the bar: the right passage first for each style of question (citizens' chat,
 * officers', English…) and declines, each style counting alike however many questions it has.
 */
function merit({ all, styles }: { all: Tally; styles: Record<string, Tally> }): number {
  const answerable = Object.values(styles).filter((t) => t.want > 0);
  return answerable.reduce((sum, t) => sum + rate(t.top1, t.want), 0) / Math.max(1, answerable.length) + rate(all.declined, all.wantDeclined);
}

export async function main(_argv: readonly string[], io: CliIO): Promise<number> {
  const cases: QaCase[] = QUESTION_FILES.flatMap((file) => readQaFixture(join(projectRoot, file)));
  const halves = { fit: cases.filter((c) => halfOf(c.q) === 'fit'), check: cases.filter((c) => halfOf(c.q) === 'check') };
  const documents = loadCorpus(dataPaths.plans);
  const lexicon = loadLexicon(dataPaths.plans);
  const i18n = createI18n();
  const build = (model?: DecisionModel) => createKnowledgeBase(documents, lexicon, i18n, model);

  const kb = build();
  const samples: Sample[] = [];
  for (const c of halves.fit) {
    for (const q of [c.q, withoutMarks(c.q)]) {
      for (const { source, decision } of kb.explain(q, CANDIDATES)) {
        if (!decision.features) continue;
        const x = FEATURES.map((f) => decision.features?.[f] ?? 0);
        const style = styleOf(c);
        if ('abstain' in c) samples.push({ x, y: 0, style });
        else if (positionOf(c.expect, [source]) === 0) samples.push({ x, y: 1, style });
      }
    }
  }
  const fitted = fit(samples);
  const modelWith = (bias: number): DecisionModel => ({
    bias: Math.round(bias * 1000) / 1000,
    weights: Object.fromEntries(FEATURES.map((f, i) => [f, Math.round((fitted.weights[i] as number) * 1000) / 1000])) as Record<Feature, number>,
  });
  // The threshold: the shift of the bias that serves the fitting half best, as written and without marks.
  let best = { shift: 0, merit: -1 };
  for (let shift = -1.5; shift <= 1.5001; shift += 0.25) {
    const trial = build(modelWith(fitted.bias + shift));
    const m = merit(await evaluate(trial, halves.fit)) + merit(await evaluate(trial, halves.fit, { stripMarks: true }));
    if (m > best.merit) best = { shift, merit: m };
  }
  const model = modelWith(fitted.bias + best.shift);
  const path = join(dataPaths.plans, DECISION_FILE);
  writeFileSync(
    path,
    `# Written by \`npm run qa:tune\` from ${samples.length} candidate passages of ${halves.fit.length} test questions\n` +
      `# (the "fit" half, as written and without marks); the other ${halves.check.length} are the check.\n` +
      `# A passage answers when bias + the weighted features (decision.ts) is above 0.\n` +
      stringify(model),
  );
  const tuned = build(model);
  for (const [half, list] of Object.entries(halves)) {
    for (const stripMarks of [false, true]) {
      const { all, styles } = await evaluate(tuned, list, { stripMarks });
      const summary = (t: Tally) => ({ top1: rate(t.top1, t.want), top3: rate(t.top3, t.want), declined: rate(t.declined, t.wantDeclined), n: t.want + t.wantDeclined });
      io.out(JSON.stringify({ half, marks: !stripMarks, ...summary(all), styles: Object.fromEntries(Object.entries(styles).map(([k, t]) => [k, summary(t)])) }));
    }
  }
  io.out(JSON.stringify({ wrote: path, model }));
  return 0;
}

await runIfEntry(import.meta.url, main);
