import type { Language } from '../i18n/index.js';
import { bigram, isUnit, pairs, phraseAt, termsOf, unitNumber, type Analysis } from './analyse.js';
import type { PhraseTable } from './lexicon.js';

/** Bigrams name words ("đào tạo"), units name one document: both say more than a lone syllable. */
const WEIGHT = { token: 1, bigram: 1.5, unit: 3 } as const;
const DIGITS = /^\d+$/;

/** The lexicon's word lists a question is read with, analysed for its language. */
export interface Vocabulary {
  /** Names of the programme's subject. */
  readonly domainTerms: PhraseTable;
  /** Places the documents are about: where, not what. */
  readonly places: PhraseTable;
  /** Words that say where or who rather than what. */
  readonly genericWords: PhraseTable;
  /** Question wordings (`words`) and the documents' wording for the same thing (`full`). */
  readonly synonyms: PhraseTable;
}

/** A wording of the question that the documents put differently. */
export interface Synonym {
  /** Token positions of the question's wording. */
  readonly span: readonly number[];
  /** Terms of the documents' wording: a passage that has them all matches the span. */
  readonly terms: readonly string[];
}

export interface Query {
  readonly lang: Language;
  readonly analysis: Analysis;
  /** Distinct terms with their weights, the documents' wordings of synonyms included. */
  readonly terms: ReadonlyMap<string, number>;
  /** Token positions of each name of the programme's subject found in the question. */
  readonly domainSpans: readonly (readonly number[])[];
  /** Per token position i, the bigram term of tokens i and i+1, if they make one. */
  readonly bigramAt: readonly (string | undefined)[];
  /** Per token: part of a place name. */
  readonly place: readonly boolean[];
  /** Per token: part of a generic word. */
  readonly generic: readonly boolean[];
  readonly synonyms: readonly Synonym[];
}

/** Token positions of each phrase of `table` in `tokens`, with the phrase. */
function findPhrases(table: PhraseTable, tokens: readonly string[]): { span: number[]; full: readonly string[] }[] {
  const found: { span: number[]; full: readonly string[] }[] = [];
  tokens.forEach((_, i) => {
    const phrase = phraseAt(table, tokens, i);
    if (phrase) found.push({ span: phrase.words.map((__, k) => i + k), full: phrase.full });
  });
  return found;
}

function flags(table: PhraseTable, tokens: readonly string[]): boolean[] {
  const flagged = tokens.map(() => false);
  for (const { span } of findPhrases(table, tokens)) for (const i of span) flagged[i] = true;
  return flagged;
}

/** The terms a passage must have to match a run of words: its one word, or every bigram of its words. */
const termsOfWords = (words: readonly string[]): string[] =>
  words.length === 1 ? [...words] : words.slice(1).map((word, k) => bigram(words[k] as string, word));

export function buildQuery(analysis: Analysis, lang: Language, vocabulary: Vocabulary): Query {
  const terms = new Map<string, number>();
  for (const term of termsOf(analysis)) {
    const weight = isUnit(term) ? WEIGHT.unit : term.includes(' ') ? WEIGHT.bigram : WEIGHT.token;
    terms.set(term, weight);
  }
  const { tokens } = analysis;
  const synonyms = findPhrases(vocabulary.synonyms, tokens).map(({ span, full }) => ({ span, terms: termsOfWords(full) }));
  for (const { terms: wording } of synonyms) {
    for (const term of wording) if (!terms.has(term)) terms.set(term, term.includes(' ') ? WEIGHT.bigram : WEIGHT.token);
  }
  const bigramAt = tokens.map((token, i) => (pairs(analysis, i) ? bigram(token, tokens[i + 1] as string) : undefined));
  return {
    lang,
    analysis,
    terms,
    domainSpans: findPhrases(vocabulary.domainTerms, tokens).map(({ span }) => span),
    bigramAt,
    place: flags(vocabulary.places, tokens),
    generic: flags(vocabulary.genericWords, tokens),
    synonyms,
  };
}

/** Whether a question has anything to search for. */
export const hasContent = (query: Query): boolean => query.analysis.content.some(Boolean) || query.analysis.units.length > 0;

/** What the corpus says about a term. */
export interface TermStats {
  /** How telling a term is (its inverse document frequency). */
  readonly idf: (term: string) => number;
  /** Whether so many passages use the term in their own text that matching it says little. */
  readonly common: (term: string) => boolean;
}

export interface Match {
  /**
   * How much of the question the passage accounts for, 0..1: the share of the question's content
   * words, each weighted by its rarity (idf), that the passage matches. A place the passage names too is
   * left out: it says where the question is about, and the province rule ranks by it.
   */
  readonly share: number;
  /**
   * Whether the passage matches a name of the programme's subject that the question uses, or a number
   * of a document the question names.
   */
  readonly onTopic: boolean;
  /**
   * How many telling terms the passage matches: words or bigrams that are no place, no generic word,
   * no bare number and not common in the corpus; a name of the programme's subject or a document number
   * counts once.
   */
  readonly telling: number;
}

/**
 * How well a passage matches a question (`contains`: whether the passage or its document's details have
 * a term; `owns`: whether the passage's own text and headings do), the test for answering at all. Only
 * what the passage says itself is telling: every passage of a plan "has" the words of the plan's title. A Vietnamese syllable counts only when matched together with a neighbour (a
 * two-syllable word: "tài chính", not the "tài" of "khuyến tài"), unless it stands alone between
 * question words; an English word and a number count by themselves, and a number also counts when the
 * document number it belongs to matches. Loose syllable matches are what make an off-topic question look
 * related, so they earn nothing here.
 */
export function match(
  contains: (term: string) => boolean,
  stats: TermStats,
  query: Query,
  owns: (term: string) => boolean = contains,
): Match {
  const { tokens, content, units } = query.analysis;
  const matchedUnits = units.filter(contains);
  const matchedNumbers = new Set(matchedUnits.map(unitNumber));
  const pairMatched = query.bigramAt.map((term) => term !== undefined && contains(term));
  const telling = new Set<string>(matchedUnits);
  const plain = (i: number): boolean => content[i] === true && !query.place[i] && !query.generic[i];
  const tell = (term: string, ...at: number[]): void => {
    if (at.every(plain) && !DIGITS.test(term) && !stats.common(term) && owns(term)) telling.add(term);
  };

  const covered = tokens.map((token, i) => {
    // A syllable alone says little ("tài" of "tài chính" or of "khuyến tài"); an English word, a number,
    // or a syllable between question words is as specific as the question makes it.
    const alone = query.lang === 'en' || DIGITS.test(token) || (!content[i - 1] && !content[i + 1]);
    const found = alone && content[i] === true && contains(token);
    if (found) tell(token, i);
    if (pairMatched[i]) tell(query.bigramAt[i] as string, i, i + 1);
    return matchedNumbers.has(token) || pairMatched[i - 1] === true || pairMatched[i] === true || found;
  });
  for (const { span, terms } of query.synonyms) {
    if (!terms.every(contains)) continue;
    for (const i of span) covered[i] = true;
    if (span.every(plain) && !terms.every(stats.common) && terms.every(owns)) telling.add(terms.join('|'));
  }
  let total = 0;
  let matched = 0;
  tokens.forEach((token, i) => {
    if (!content[i] || (query.place[i] && covered[i])) return;
    const weight = stats.idf(token);
    total += weight;
    if (covered[i]) matched += weight;
  });
  const share = total === 0 ? (matchedNumbers.size > 0 ? 1 : 0) : matched / total;
  let onTopic = matchedUnits.length > 0;
  query.domainSpans.forEach((span, n) => {
    if (!span.every((i) => !content[i] || covered[i])) return;
    onTopic = true;
    telling.add(`domain ${n}`);
  });
  return { share, onTopic, telling: telling.size };
}
