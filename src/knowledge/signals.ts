/**
 * The ranking, as a table: each signal has a name, says when it applies to a question and a passage
 * (0 when not, up to 1 when fully) and has a weight. A passage's score is its BM25F score, times how much
 * of the question it accounts for (0.5 + share), times (1 + weight × degree) for every signal. Passage
 * facts come from the index (passage-facts.ts); question facts from the query. `npm run ask -- --jsonl`
 * lists the signals that fired for the first passage, so an order can be read rather than guessed.
 */
import type { PassageFacts } from './passage-facts.js';
import type { Match, Query } from './query.js';

/** What the signals see of one question and one candidate passage. */
export interface SignalInput {
  readonly query: Query;
  readonly facts: PassageFacts;
  readonly match: Match;
  /** How well the passage's headings say what the question asks, 0..1 (0 unless they account for all of it). */
  readonly headingFit: number;
  /** The question gives a date and the passage has it. */
  readonly date: boolean;
  /** The question asks when a document it names by number was issued, and the passage gives that date. */
  readonly issued: boolean;
  /**
   * Where the passage stands to the document the question names: `named` (it names none, or this one),
   * `provinceLess` (it names a province and this document is about none), `elsewhere` (another province's
   * plan, another document than the one it names, or without a number the question gives).
   */
  readonly scope: 'named' | 'provinceLess' | 'elsewhere';
}

export interface Signal {
  readonly name: string;
  /** When it applies, for people reading the table. */
  readonly when: string;
  readonly weight: number;
  readonly degree: (input: SignalInput) => number;
}

const yes = (b: boolean): number => (b ? 1 : 0);

export const SIGNALS: readonly Signal[] = [
  {
    name: 'heading',
    when: "the passage opens a section whose headings say all the question asks (how much of the heading line it asks: 0.25-1)",
    weight: 1,
    degree: ({ headingFit, facts }) => (facts.first ? headingFit : 0),
  },
  {
    name: 'count',
    when: 'the question asks how many of something ("bao nhiêu tỉnh") and the passage counts it ("34 tỉnh")',
    weight: 1,
    degree: ({ query, facts }) => yes(query.counted !== undefined && (facts.counts?.has(query.counted) ?? false)),
  },
  {
    name: 'when',
    when: 'the question asks when and the passage gives a date or a time',
    weight: 0.5,
    degree: ({ query, facts }) => yes(query.when && facts.timed),
  },
  {
    name: 'bound',
    when: 'the question asks for a least or most ("tối thiểu") and the passage sets that kind of threshold',
    weight: 0.5,
    degree: ({ query, facts }) => yes(query.bound !== undefined && facts.bounds.has(query.bound)),
  },
  {
    name: 'issued',
    when: 'the question asks when a document it names by number was issued and the passage gives the date',
    weight: 1,
    degree: ({ issued }) => yes(issued),
  },
  {
    name: 'domain',
    when: 'the passage matches the name of the programme subject the question uses ("công dân học tập")',
    weight: 0.5,
    degree: ({ match }) => yes(match.domain),
  },
  {
    name: 'type',
    when: 'the question asks who, why, how or what is, and the passage has the words that answer that kind of question (lexicon answerCues)',
    weight: 0.25,
    degree: ({ query, facts }) =>
      yes(
        (query.type === 'who' || query.type === 'why' || query.type === 'how' || query.type === 'what') &&
          facts.cues.has(query.type),
      ),
  },
  {
    name: 'provinceLess',
    when: 'the question names a province and the passage is of a document about none (our notes)',
    weight: -0.25,
    degree: ({ scope }) => yes(scope === 'provinceLess'),
  },
  {
    name: 'elsewhere',
    when: "the passage is of another province's plan, or another document than the one the question names, or lacks a number the question gives",
    weight: -0.5,
    degree: ({ scope }) => yes(scope === 'elsewhere'),
  },
];

/** The product of (1 + weight × degree) over the signals, and the names of those that fired. */
export function weigh(input: SignalInput): { factor: number; fired: string[] } {
  let factor = 1;
  const fired: string[] = [];
  for (const signal of SIGNALS) {
    const degree = signal.degree(input);
    if (degree === 0) continue;
    factor *= 1 + signal.weight * degree;
    fired.push(signal.name);
  }
  return { factor, fired };
}
