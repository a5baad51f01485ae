/**
 * Whether a passage answers a question. Two parts:
 * - rules for what the plans never say, whatever the wording: another province's plan or another
 *   document than the one named, a number asked for and none given, a sum of money, who holds a post,
 *   a count as it stands today, a sanction the passage does not name;
 * - for the rest, a linear model over what the match shows (how much of the question the passage accounts
 *   for, how many telling terms, whether it is on the programme's subject, names the body, has the
 *   heading, count or date asked for, the words of the kind of answer asked for). Its weights are data,
 *   plans/qa-decision.yaml, fitted by `npm run qa:tune` on one half of the test questions and checked
 *   on the other half (split by a hash of the question), not set by hand.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { loadDataFile } from '../core/data-file.js';
import type { PassageFacts } from './passage-facts.js';
import type { Match, Query } from './query.js';

export const DECISION_FILE = 'qa-decision.yaml';

export const FEATURES = ['share', 'knownShare', 'telling', 'about', 'onTopic', 'body', 'heading', 'count', 'date', 'typeCue'] as const;
export type Feature = (typeof FEATURES)[number];

/** The most telling terms that count: beyond three, more says nothing new. */
const TELLING_MAX = 3;

const modelSchema = z
  .object({
    bias: z.number(),
    weights: z.object(Object.fromEntries(FEATURES.map((f) => [f, z.number()])) as Record<Feature, z.ZodNumber>).strict(),
  })
  .strict();
export type DecisionModel = z.infer<typeof modelSchema>;

export interface Evidence {
  readonly query: Query;
  readonly facts: PassageFacts;
  readonly match: Match;
  /** One of the passage's headings is what the question asks. */
  readonly heading: boolean;
  /** The passage counts what the question asks to count. */
  readonly count: boolean;
  /** The question gives a date and the passage has it. */
  readonly date: boolean;
  /** The passage is of another province's plan or another document than the one the question names. */
  readonly elsewhere: boolean;
  /** The passage is of a document about no province, and the question names one. */
  readonly provinceLess: boolean;
  /** The passage names every sanction the question asks about (true when it asks about none). */
  readonly sanctionNamed: boolean;
}

/** Rules for what the plans never say: the first that applies declines, by its name. */
const RULES: readonly { readonly name: string; readonly applies: (e: Evidence) => boolean }[] = [
  { name: 'elsewhere', applies: (e) => e.elsewhere },
  { name: 'no-number', applies: (e) => e.query.quantity && !e.facts.numbered },
  { name: 'no-sum-of-money', applies: (e) => e.query.type === 'amount' && !e.facts.money },
  { name: 'post-holder', applies: (e) => e.query.post && !e.match.numbered },
  // "Hiện có bao nhiêu trung tâm": a count today, which only a passage that counts it where asked could give.
  { name: 'present-count', applies: (e) => e.query.present && e.query.quantity && (!e.count || e.provinceLess) },
  // "Xử lý kỷ luật thế nào": a near miss unless the passage names the sanction.
  { name: 'no-sanction', applies: (e) => !e.sanctionNamed },
];

export function features(e: Evidence): Record<Feature, number> {
  const { query, facts, match } = e;
  const type = query.type;
  const cue =
    (type === 'when' && facts.timed) ||
    ((type === 'count' || type === 'amount') && facts.numbered) ||
    ((type === 'who' || type === 'why' || type === 'how' || type === 'what') && facts.cues.has(type));
  return {
    share: match.share,
    knownShare: match.knownShare,
    telling: Math.min(match.telling, TELLING_MAX) / TELLING_MAX,
    // Something that shows the passage is about what the question asks, not merely near its words.
    about: Number(match.telling >= 2 || match.body || e.heading || e.count || e.date),
    onTopic: Number(match.onTopic),
    body: Number(match.body),
    heading: Number(e.heading),
    count: Number(e.count),
    date: Number(e.date),
    typeCue: Number(cue),
  };
}

export interface Decision {
  readonly answers: boolean;
  /** The rule that declined, or "model" with its score (above 0 answers). */
  readonly by: string;
  readonly score?: number;
  /** What the model read, when no rule decided. */
  readonly features?: Record<Feature, number>;
}

export function decide(model: DecisionModel, e: Evidence): Decision {
  const rule = RULES.find((r) => r.applies(e));
  if (rule) return { answers: false, by: rule.name };
  // Nothing telling matched, and no heading, body, count or date the question asks: nothing shows the
  // passage is about what the question asks.
  if (e.match.telling === 0 && !e.heading && !e.match.body && !e.count && !e.date) return { answers: false, by: 'nothing-telling' };
  const x = features(e);
  let score = model.bias;
  for (const f of FEATURES) score += model.weights[f] * x[f];
  return { answers: score > 0, by: 'model', score: Math.round(score * 1000) / 1000, features: x };
}

export function loadDecisionModel(plansDir: string): DecisionModel {
  const path = join(plansDir, DECISION_FILE);
  return loadDataFile(path, modelSchema).data;
}
