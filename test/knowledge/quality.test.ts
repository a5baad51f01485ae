import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/core/paths.js';
import { evaluate, halfOf, rate, withoutMarks, type Tally } from '../../src/knowledge/evaluate.js';
import { readQaFixture, type QaCase } from '../../src/knowledge/qa-fixture.js';
import { QUESTION_FILES } from '../../src/knowledge/tune-cli.js';
import { ask } from './asker.js';

/**
 * The quality bar of issue 14, measured the way ../shared/checks/qa-score.mjs does. The decision is
 * fitted on the "fit" half of all test questions (npm run qa:tune); the "check" half, never seen while
 * fitting, must meet the bar: the right passage first for 90% of answerable questions, in the first
 * three for 96%, 90% of out-of-scope questions declined, with marks and without. The dev files
 * (qa-dev.jsonl, qa-dev-2.jsonl) are held to the same bar, every style to at least 70% (see README).
 */
const read = (file: string): QaCase[] => readQaFixture(join(projectRoot, file));
const dev = [...read('test/fixtures/qa-dev.jsonl'), ...read('test/fixtures/qa-dev-2.jsonl')];
const all = QUESTION_FILES.flatMap(read);

const rates = (t: Tally) => ({ top1: rate(t.top1, t.want), top3: rate(t.top3, t.want), declined: rate(t.declined, t.wantDeclined) });

describe('quality', () => {
  it.each([false, true])('meets the bar on the held-out half of the questions (marks removed: %s)', async (stripMarks) => {
    const { all: tally } = await evaluate(ask, all.filter((c) => halfOf(c.q) === 'check'), { stripMarks });
    const r = rates(tally);
    expect(r.top1).toBeGreaterThanOrEqual(0.9);
    expect(r.top3).toBeGreaterThanOrEqual(0.96);
    expect(r.declined).toBeGreaterThanOrEqual(0.9);
  });

  it.each([false, true])('holds the dev questions, every style, to what they reach (marks removed: %s)', async (stripMarks) => {
    const { all: tally, styles } = await evaluate(ask, dev, { stripMarks });
    const r = rates(tally);
    expect(r.top1).toBeGreaterThanOrEqual(0.9);
    expect(r.top3).toBeGreaterThanOrEqual(0.96);
    expect(r.declined).toBeGreaterThanOrEqual(1);
    // No style of writing is left behind: chat Vietnamese, officers' wording, naming a document, English.
    for (const [style, t] of Object.entries(styles)) if (t.want > 0) expect(rate(t.top1, t.want), style).toBeGreaterThanOrEqual(0.7);
  });

  it('ranks and decides a question typed without marks exactly like the same question with them', async () => {
    const differ: string[] = [];
    for (const c of dev) {
      const marked = await ask(c.q);
      const bare = await ask(withoutMarks(c.q));
      // A declined question shows no passage: only the decision must agree.
      if (marked.answered !== bare.answered || (marked.answered && marked.sources[0]?.text !== bare.sources[0]?.text)) differ.push(c.q);
    }
    expect(differ).toEqual([]);
  });
});
