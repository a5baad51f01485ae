import type { Language } from '../i18n/index.js';
import { bigram, isUnit, pairs, phraseAt, termsOf, unitNumber, type Analysis } from './analyse.js';
import type { PhraseTable } from './lexicon.js';

/** Bigrams name words ("đào tạo"), units name one document: both say more than a lone syllable. */
const WEIGHT = { token: 1, bigram: 1.5, unit: 3 } as const;

export interface Query {
  readonly lang: Language;
  readonly analysis: Analysis;
  /** Distinct terms with their weights. */
  readonly terms: ReadonlyMap<string, number>;
  /** Token positions of each name of the programme's subject found in the question. */
  readonly domainSpans: readonly (readonly number[])[];
  /** Per token position i, the bigram term of tokens i and i+1, if they make one. */
  readonly bigramAt: readonly (string | undefined)[];
}

/** `domainTerms`: the lexicon's domain terms, analysed for `lang`. */
export function buildQuery(analysis: Analysis, lang: Language, domainTerms: PhraseTable): Query {
  const terms = new Map<string, number>();
  for (const term of termsOf(analysis)) {
    const weight = isUnit(term) ? WEIGHT.unit : term.includes(' ') ? WEIGHT.bigram : WEIGHT.token;
    terms.set(term, weight);
  }
  const domainSpans: number[][] = [];
  analysis.tokens.forEach((_, i) => {
    const term = phraseAt(domainTerms, analysis.tokens, i);
    if (term) domainSpans.push(term.words.map((__, k) => i + k));
  });
  const bigramAt = analysis.tokens.map((token, i) =>
    pairs(analysis, i) ? bigram(token, analysis.tokens[i + 1] as string) : undefined,
  );
  return { lang, analysis, terms, domainSpans, bigramAt };
}

/** Whether a question has anything to search for. */
export const hasContent = (query: Query): boolean => query.analysis.content.some(Boolean) || query.analysis.units.length > 0;

export interface Match {
  /**
   * How much of the question the passage accounts for, 0..1: the share of the question's content
   * words, each weighted by its rarity (idf), that the passage matches.
   */
  readonly share: number;
  /** Whether the passage matches a name of the programme's subject that the question uses. */
  readonly onTopic: boolean;
}

/**
 * How well a passage matches a question (`contains`: whether the passage has a term), the test for
 * answering at all. A Vietnamese syllable counts only when matched together with a neighbour (a
 * two-syllable word: "tài chính", not the "tài" of "khuyến tài"), unless it stands alone between
 * question words; an English word and a number count by themselves, and a number also counts when the
 * document number it belongs to matches. Loose syllable matches are what make an off-topic question look
 * related, so they earn nothing here.
 */
export function match(contains: (term: string) => boolean, idf: (term: string) => number, query: Query): Match {
  const { tokens, content, units } = query.analysis;
  const matchedNumbers = new Set(units.filter(contains).map(unitNumber));
  const has = (i: number): boolean => {
    const term = query.bigramAt[i];
    return term !== undefined && contains(term);
  };
  const covered = tokens.map((token, i) => {
    // A syllable alone says little ("tài" of "tài chính" or of "khuyến tài"); an English word, a number,
    // or a syllable between question words is as specific as the question makes it.
    const specific = query.lang === 'en' || /^\d+$/.test(token) || (!content[i - 1] && !content[i + 1]);
    return matchedNumbers.has(token) || has(i - 1) || has(i) || (specific && contains(token));
  });
  let total = 0;
  let matched = 0;
  tokens.forEach((token, i) => {
    if (!content[i]) return;
    const weight = idf(token);
    total += weight;
    if (covered[i]) matched += weight;
  });
  const share = total === 0 ? (matchedNumbers.size > 0 ? 1 : 0) : matched / total;
  const onTopic = query.domainSpans.some((span) => span.every((i) => !content[i] || covered[i]));
  return { share, onTopic };
}
