/**
 * Scores the knowledge base on question files the way the project's checks do: the passage shown first,
 * the first three, and declines, in all and per style of writing. Used by the quality tests and by
 * `npm run qa:tune`, which fits the decision on one half of the questions and reports the other.
 */
import { fold } from '../core/fold.js';
import type { Answer, KnowledgeBase } from './knowledge-base.js';
import { comparable, type QaCase } from './qa-fixture.js';

export interface Tally {
  /** Answerable questions, and those answered with the right passage first, in the first three. */
  want: number;
  top1: number;
  top3: number;
  /** Questions to decline, and those declined. */
  wantDeclined: number;
  declined: number;
}

export interface Outcome {
  readonly q: string;
  readonly style: string;
  readonly answered: boolean;
  /** Where the first passage with an expected phrase is, from 0; -1 when none of those shown. */
  readonly at: number;
  readonly abstain: boolean;
}

export interface Score {
  readonly all: Tally;
  readonly styles: Record<string, Tally>;
  readonly outcomes: readonly Outcome[];
}

const empty = (): Tally => ({ want: 0, top1: 0, top3: 0, wantDeclined: 0, declined: 0 });

/** A question as typed without marks: what the analyser must read exactly like the question with them. */
export const withoutMarks = (text: string): string =>
  text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

export const styleOf = (c: QaCase): string => c.style ?? ('abstain' in c ? 'abstain' : 'any');

/** Where the first passage with one of the phrases is, among those given; -1 when none. */
export function positionOf(expect: readonly string[], passages: readonly { text: string }[]): number {
  const phrases = expect.map(comparable);
  return passages.findIndex((p) => {
    const text = comparable(p.text);
    return phrases.some((phrase) => text.includes(phrase));
  });
}

/** How a question is answered: by the knowledge base alone, or with live facts first (LiveFacts.answerOr). */
export type Asker = KnowledgeBase | ((question: string) => Promise<Answer>);

export async function evaluate(asker: Asker, cases: readonly QaCase[], options: { stripMarks?: boolean } = {}): Promise<Score> {
  const ask = typeof asker === 'function' ? asker : async (q: string) => asker.answer(q);
  const all = empty();
  const styles: Record<string, Tally> = {};
  const outcomes: Outcome[] = [];
  for (const c of cases) {
    const q = options.stripMarks ? withoutMarks(c.q) : c.q;
    const a = await ask(q);
    const style = styleOf(c);
    const tallies = [all, (styles[style] ??= empty())];
    if ('abstain' in c) {
      for (const t of tallies) {
        t.wantDeclined++;
        if (!a.answered) t.declined++;
      }
      outcomes.push({ q, style, answered: a.answered, at: -1, abstain: true });
      continue;
    }
    const at = a.answered ? positionOf(c.expect, a.sources.slice(0, 3)) : -1;
    for (const t of tallies) {
      t.want++;
      if (at === 0) t.top1++;
      if (at >= 0) t.top3++;
    }
    outcomes.push({ q, style, answered: a.answered, at, abstain: false });
  }
  return { all, styles, outcomes };
}

/** FNV-1a of a question's folded text: the same question always falls in the same half. */
function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  const folded = fold(text);
  for (let i = 0; i < folded.length; i++) hash = Math.imul(hash ^ folded.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** The half a question falls in: the decision is fitted on `fit` and checked on `check`. */
export const halfOf = (q: string): 'fit' | 'check' => (stableHash(q) % 2 === 0 ? 'fit' : 'check');

export const rate = (n: number, of: number): number => (of === 0 ? 1 : Math.round((n / of) * 1000) / 1000);
