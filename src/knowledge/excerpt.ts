import type { Language } from '../i18n/index.js';
import { termsOf, type Analyse } from './analyse.js';
import type { Passage } from './passages.js';
import type { Query } from './query.js';

const ELLIPSIS = '…';

interface Piece {
  text: string;
  line: number;
  score: number;
}

/** Sentences, and clauses after ";", which these documents use to chain whole sentences. */
const SENTENCE_END = /(?<=[.!?…;])\s+(?=\S)/u;

export interface ExcerptContext {
  /** How telling a term is (its inverse document frequency). */
  readonly idf: (term: string) => number;
  readonly analyse: Analyse;
  readonly lang: Language;
}

function scorer(ctx: ExcerptContext, query: Query): (text: string) => number {
  return (text) => {
    const present = new Set(termsOf(ctx.analyse(text, ctx.lang)));
    let score = 0;
    for (const [term, weight] of query.terms) if (present.has(term)) score += ctx.idf(term) * weight;
    return score;
  };
}

/** Cuts one over-long sentence to the clauses around its best-matching clause, to about `max` characters. */
function clip(text: string, score: (t: string) => number, max: number): string {
  const clauses = text.split(/(?<=,)\s+/);
  const scores = clauses.map(score);
  const best = scores.indexOf(Math.max(...scores));
  let lo = best;
  let hi = best;
  let length = (clauses[best] as string).length;
  for (;;) {
    const next = clauses[hi + 1];
    const previous = clauses[lo - 1];
    if (next !== undefined && length + next.length + 1 <= max - 2) {
      hi++;
      length += next.length + 1;
    } else if (previous !== undefined && length + previous.length + 1 <= max - 2) {
      lo--;
      length += previous.length + 1;
    } else break;
  }
  const body = clauses.slice(lo, hi + 1).join(' ');
  const cut = body.length > max - 2 ? body.slice(0, max - 2).replace(/\s+\S*$/, '') : body;
  return (lo > 0 ? ELLIPSIS : '') + cut.replace(/,$/, '') + (hi < clauses.length - 1 || cut !== body ? ELLIPSIS : '');
}

/** The answering sentence is cut to about this; what follows it as context, to about CONTEXT_MAX. */
export const LEAD_MAX = 300;
export const CONTEXT_MAX = 400;

/** A figure, a date or a time: what a question of that type asks the leading sentence to give. */
const FIGURE = /\d/;
const WHEN = /(?<!\p{L})(ngày|tháng|năm|quý|trước|hằng năm|định kỳ|date|month|year|before)(?!\p{L})|\d{1,2}\/\d{1,2}/iu;

/**
 * What the chat says for a passage, for a phone screen: the sentence that answers first (the one that
 * best matches the question, and gives the figure or date a "how many" or "when" question asks for),
 * then at most about CONTEXT_MAX characters of the sentences around it, in their order, "…" marking what
 * is left out. The citation and "Xem toàn văn" (the whole passage) come with it.
 */
export function excerpt(passage: Passage, query: Query, ctx: ExcerptContext): string {
  const matchScore = scorer(ctx, query);
  const wants = query.when ? WHEN : query.type === 'count' || query.type === 'amount' ? FIGURE : undefined;
  const score = (text: string): number => matchScore(text) * (wants?.test(text) ? 1.5 : 1);
  const lines = passage.text.split('\n');
  // The heading line is left to the citation, unless the passage is nothing else.
  const skip = passage.heading !== '' && lines.length > 1 ? 1 : 0;
  const pieces: Piece[] = lines
    .slice(skip)
    .flatMap((line, n) => line.split(SENTENCE_END).map((text) => ({ text, line: n + skip, score: score(text) })))
    .filter((p) => p.text.trim() !== '');
  if (pieces.length === 0) return passage.text.slice(0, LEAD_MAX);
  let best = 0;
  pieces.forEach((p, i) => {
    if (p.score > (pieces[best] as Piece).score) best = i;
  });
  const first = pieces[best] as Piece;
  const lead = first.text.length > LEAD_MAX ? clip(first.text, matchScore, LEAD_MAX) : first.text;
  // Context: what follows the answer first (it usually goes on to say what the sentence announced), then
  // what comes before it, while it fits.
  const kept = new Set<number>();
  let length = 0;
  const order = [...pieces.keys()].filter((i) => i > best).concat([...pieces.keys()].filter((i) => i < best).reverse());
  for (const i of order) {
    const p = pieces[i] as Piece;
    if (length + p.text.length + 1 > CONTEXT_MAX) break;
    kept.add(i);
    length += p.text.length + 1;
  }
  if (kept.size === 0) return pieces.length > 1 ? `${lead} ${ELLIPSIS}` : lead;
  const sorted = [...kept].sort((a, b) => a - b);
  const gaps = (from: number, to: number): boolean => [...pieces.keys()].some((i) => i > from && i < to && i !== best && !kept.has(i));
  const firstKept = sorted[0] as number;
  let context = [...pieces.keys()].some((i) => i < firstKept && i !== best) ? `${ELLIPSIS} ` : '';
  sorted.forEach((i, k) => {
    const previous = sorted[k - 1];
    if (previous !== undefined) context += gaps(previous, i) ? ` ${ELLIPSIS} ` : pieces[previous]?.line !== pieces[i]?.line ? '\n' : ' ';
    context += (pieces[i] as Piece).text;
  });
  const last = sorted[sorted.length - 1] as number;
  if ([...pieces.keys()].some((i) => i > last && i !== best)) context += ` ${ELLIPSIS}`;
  return `${lead}\n${context}`;
}
