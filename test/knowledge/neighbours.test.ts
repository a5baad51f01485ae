import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/core/paths.js';
import { evaluate, halfOf, rate } from '../../src/knowledge/evaluate.js';
import { loadKnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { readQaFixture } from '../../src/knowledge/qa-fixture.js';

/**
 * qa-neighbours.jsonl: questions next to the plans. `abstain`: what people ask around the programme that
 * the plans do not answer (population, leaders, fees, weather, other procedures, one generic word, a bare
 * number), with and without diacritics and in English. `expect`: questions the plans and our notes do
 * answer, some worded unlike them. Half of them (by a hash of the question) fit the decision
 * (`npm run qa:tune`); the other half is held out, and is held to the quality bar here.
 */
const kb = loadKnowledgeBase();
const cases = readQaFixture(join(projectRoot, 'test', 'knowledge', 'qa-neighbours.jsonl'));

describe('questions next to the plans', () => {
  it('does not answer what the plans do not say, however near it comes to their words', async () => {
    const { all } = await evaluate(kb, cases.filter((c) => 'abstain' in c));
    expect(all.wantDeclined).toBeGreaterThanOrEqual(30);
    expect(rate(all.declined, all.wantDeclined)).toBeGreaterThanOrEqual(0.9);
  });

  it('answers what they do say with the best passage first, also in the half the decision never saw', async () => {
    const answerable = cases.filter((c) => 'expect' in c);
    for (const list of [answerable, answerable.filter((c) => halfOf(c.q) === 'check')]) {
      const { all } = await evaluate(kb, list);
      expect(rate(all.top1, all.want)).toBeGreaterThanOrEqual(0.9);
      expect(rate(all.top3, all.want)).toBeGreaterThanOrEqual(0.96);
    }
  });
});
