import type { Language } from '../i18n/index.js';
import { termsOf, type Analyse } from './analyse.js';
import type { Passage } from './passages.js';
import type { Query } from './query.js';

/** About what a chat bubble shows without scrolling. */
export const EXCERPT_MAX = 600;
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

/** Cuts one over-long sentence to the clauses around its best-matching clause. */
function clip(text: string, score: (t: string) => number): string {
  const clauses = text.split(/(?<=,)\s+/);
  const scores = clauses.map(score);
  const best = scores.indexOf(Math.max(...scores));
  let lo = best;
  let hi = best;
  let length = (clauses[best] as string).length;
  for (;;) {
    const next = clauses[hi + 1];
    const previous = clauses[lo - 1];
    if (next !== undefined && length + next.length + 1 <= EXCERPT_MAX - 2) {
      hi++;
      length += next.length + 1;
    } else if (previous !== undefined && length + previous.length + 1 <= EXCERPT_MAX - 2) {
      lo--;
      length += previous.length + 1;
    } else break;
  }
  const body = clauses.slice(lo, hi + 1).join(' ');
  const cut = body.length > EXCERPT_MAX - 2 ? body.slice(0, EXCERPT_MAX - 2).replace(/\s+\S*$/, '') : body;
  return (lo > 0 ? ELLIPSIS : '') + cut.replace(/,$/, '') + (hi < clauses.length - 1 || cut !== body ? ELLIPSIS : '');
}

/**
 * The sentences of a passage that answer the question, in their order, at most EXCERPT_MAX characters:
 * the best-matching sentence, then its neighbours while they fit, the better one first. Whatever is left
 * out is marked "…" where it was (the heading line excepted: the citation names the section), so a
 * reader knows there is more in the cited passage.
 */
export function excerpt(passage: Passage, query: Query, ctx: ExcerptContext): string {
  const score = scorer(ctx, query);
  // A heading line stays whole: half a heading reads like a stray sentence.
  const pieces: Piece[] = passage.text
    .split('\n')
    .flatMap((line, n) =>
      (n === 0 && passage.heading ? [line] : line.split(SENTENCE_END)).map((text) => ({ text, line: n, score: score(text) })),
    );
  if (pieces.length === 0) return '';
  let best = 0;
  pieces.forEach((p, i) => {
    if (p.score > (pieces[best] as Piece).score) best = i;
  });
  const first = pieces[best] as Piece;
  if (first.text.length > EXCERPT_MAX) return clip(first.text, score);

  let lo = best;
  let hi = best;
  let length = first.text.length;
  // Room for the marks of what is left out, unless the whole passage fits.
  const room = passage.text.length <= EXCERPT_MAX ? EXCERPT_MAX : EXCERPT_MAX - 2 * (ELLIPSIS.length + 1);
  for (;;) {
    // On a tie the sentence after wins: the text usually goes on to say what the sentence announced.
    const candidates = [pieces[hi + 1], pieces[lo - 1]].filter(
      (p): p is Piece => p !== undefined && length + p.text.length + 1 <= room,
    );
    if (candidates.length === 0) break;
    const pick = candidates.reduce((a, b) => (b.score > a.score ? b : a));
    if (pick === pieces[hi + 1]) hi++;
    else lo--;
    length += pick.text.length + 1;
  }
  const joined = (a: Piece, b: Piece): string => (a.line !== b.line ? '\n' : ' ');
  const headingLeftOut = lo === 1 && passage.heading !== '';
  const before = lo > 0 && !headingLeftOut ? ELLIPSIS + joined(pieces[lo - 1] as Piece, pieces[lo] as Piece) : '';
  const after = hi < pieces.length - 1 ? joined(pieces[hi] as Piece, pieces[hi + 1] as Piece) + ELLIPSIS : '';
  return (
    before +
    pieces
      .slice(lo, hi + 1)
      .map((p, i, all) => (i > 0 ? joined(all[i - 1] as Piece, p) : '') + p.text)
      .join('') +
    after
  );
}
