import type { Language } from '../i18n/index.js';
import { bigram, isUnit, pairs, phraseAt, termsOf, unitNumber, type Analysis } from './analyse.js';
import { QUESTION_TYPES, type PhraseTable, type QuestionType } from './lexicon.js';

/** Bigrams name words ("đào tạo"), units name one document: both say more than a lone syllable. */
const WEIGHT = { token: 1, bigram: 1.5, unit: 3 } as const;
const DIGITS = /^\d+$/;
const YEAR = /^(19|20)\d\d$/;

/** The lexicon's word lists a question is read with, analysed for its language. */
export interface Vocabulary {
  /** Names of the programme's subject. */
  readonly domainTerms: PhraseTable;
  /** Bodies the plans give tasks to, by any of their names (`words`), with the documents' name (`full`). */
  readonly bodies: PhraseTable;
  /** Posts people hold. */
  readonly posts: PhraseTable;
  /** Words that ask about the present state ("hiện có", "còn bao nhiêu"). */
  readonly presentState: PhraseTable;
  /** Discipline and penalties ("kỷ luật"). */
  readonly sanctions: PhraseTable;
  /** Places the documents are about: where, not what. */
  readonly places: PhraseTable;
  /** Words that say where or who rather than what. */
  readonly genericWords: PhraseTable;
  /** Question wordings (`words`) and the documents' wording for the same thing (`full`). */
  readonly synonyms: PhraseTable;
  /** The words that ask each type of question (`full`: the type). */
  readonly questionTypes: PhraseTable;
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
  /**
   * Token positions of each name of the programme's subject found in the question, or of a wording that
   * the documents put as one ("biết chữ" for "xóa mù chữ").
   */
  readonly domainSpans: readonly (readonly number[])[];
  /**
   * Each body the question names ("Hội Phụ nữ", "thư viện"): the terms of the question's name for it and
   * of the documents' name ("Hội Liên hiệp Phụ nữ"); a passage names the body when it has either.
   */
  readonly bodies: readonly (readonly (readonly string[])[])[];
  /**
   * Whether the question names a post that is not part of a body's name ("chủ tịch", not "Ban Bí thư"): it
   * asks about a person, and the plans name none.
   */
  readonly post: boolean;
  /** Whether the question asks about the present state ("hiện có", "còn bao nhiêu"), which the plans do not record. */
  readonly present: boolean;
  /** The terms of each sanction the question asks about ("kỷ luật"): a passage answers only if it names them. */
  readonly sanctions: readonly (readonly string[])[];
  /** What the question asks for (lexicon questionTypes): who, when, how many, how, why, what; none for a yes/no. */
  readonly type?: QuestionType;
  /** Whether the question asks when ("khi nào", "ngày nào", "when"): a date or a time answers it. */
  readonly when: boolean;
  /**
   * Whether the question asks for a least ("tối thiểu", "ít nhất", "at least") or a most ("tối đa"): a
   * threshold of that kind answers it.
   */
  readonly bound?: Bound;
  /** Whether the question asks how many or how much ("bao nhiêu", "mấy", "how many"): a number answers it. */
  readonly quantity: boolean;
  /** The word after "bao nhiêu", "mấy" or "how many": what the question asks to count. */
  readonly counted?: string;
  /** Per token position i, the bigram term of tokens i and i+1, if they make one. */
  readonly bigramAt: readonly (string | undefined)[];
  /**
   * Per token position i: whether a word ends between tokens i and i+1 because a phrase of the lexicon
   * (a name of the subject, a body, a place, a generic word, a synonym, a post) starts or ends there.
   */
  readonly wordEnds: readonly boolean[];
  /** Per token: a number. */
  readonly numeric: readonly boolean[];
  /** Per token: a year ("2025"). */
  readonly year: readonly boolean[];
  /** Per token: content that is no place and no generic word. */
  readonly plain: readonly boolean[];
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

/** The words that ask for a count, folded, and how many tokens each takes. */
const COUNT_ASKED: readonly (readonly string[])[] = [['bao', 'nhieu'], ['may'], ['how', 'many'], ['how', 'much']];

/** The words that ask when, folded: they ask for a date or a time in the passage. */
const WHEN_ASKED: readonly (readonly string[])[] = [
  ['khi', 'nao'],
  ['bao', 'gio'],
  ['luc', 'nao'],
  ['ngay', 'nao'],
  ['thang', 'nao'],
  ['nam', 'nao'],
  ['thoi', 'gian', 'nao'],
  ['when'],
];

export type Bound = 'least' | 'most';

/** The words that ask for a least or most, folded: question words in Vietnamese (stop phrases), words in English. */
const BOUND_ASKED: Readonly<Record<Bound, readonly (readonly string[])[]>> = {
  least: [['toi', 'thieu'], ['it', 'nhat'], ['at', 'least'], ['minimum']],
  most: [['toi', 'da'], ['nhieu', 'nhat'], ['at', 'most'], ['maximum']],
};

/**
 * Whether `words` are the tokens from position i, each of them one `fits` (by default any). Plain loops:
 * this runs for every token of every question and heading.
 */
function wordsAt(tokens: readonly string[], words: readonly string[], i: number, fits?: (k: number) => boolean): boolean {
  for (let k = 0; k < words.length; k++) if (tokens[i + k] !== words[k] || (fits && !fits(i + k))) return false;
  return true;
}

/** Whether any of `wordings` is the tokens from some position, under the same condition. */
function anyWordsIn(tokens: readonly string[], wordings: readonly (readonly string[])[], fits?: (k: number) => boolean): boolean {
  for (let i = 0; i < tokens.length; i++) for (const words of wordings) if (wordsAt(tokens, words, i, fits)) return true;
  return false;
}

/** What bound the question asks for; in Vietnamese only as a question word ("tôi đã" is no "tối đa"). */
function asksBound({ tokens, apart }: Analysis, lang: Language): Bound | undefined {
  const asking = (k: number): boolean => lang === 'en' || apart[k] === true;
  return (['least', 'most'] as const).find((bound) => anyWordsIn(tokens, BOUND_ASKED[bound], asking));
}

/**
 * Whether the question asks when: the words above, the last one a question word ("ngày nào", not the
 * "nào" of a passage; "ngày" stays a word of the question, as in "trước ngày nào").
 */
function asksWhen({ tokens, content }: Analysis): boolean {
  for (let i = 0; i < tokens.length; i++) {
    for (const words of WHEN_ASKED) if (wordsAt(tokens, words, i) && !content[i + words.length - 1]) return true;
  }
  return false;
}

/**
 * Whether the question asks how many or how much, and the first content word after the words that ask,
 * if any: what it asks to count.
 */
function countedIn(analysis: Analysis): { quantity: boolean; counted?: string } {
  const { tokens, content } = analysis;
  let quantity = false;
  // Only as a question word: "máy tính" is not "mấy tính".
  const asking = (k: number): boolean => !content[k];
  for (let i = 0; i < tokens.length; i++) {
    const asked = COUNT_ASKED.find((words) => wordsAt(tokens, words, i, asking));
    if (!asked) continue;
    quantity = true;
    const next = i + asked.length;
    if (content[next] === true && !DIGITS.test(tokens[next] as string)) return { quantity, counted: tokens[next] };
  }
  return { quantity };
}

/** The question's type: of the types whose words it has, the first in QUESTION_TYPES order. */
function typeOf(tokens: readonly string[], table: PhraseTable): QuestionType | undefined {
  const found = new Set(findPhrases(table, tokens).flatMap(({ full }) => full));
  return QUESTION_TYPES.find((type) => found.has(type));
}

export function buildQuery(analysis: Analysis, lang: Language, vocabulary: Vocabulary): Query {
  const bound = asksBound(analysis, lang);
  const type = typeOf(analysis.tokens, vocabulary.questionTypes);
  const terms = new Map<string, number>();
  for (const term of termsOf(analysis)) {
    const weight = isUnit(term) ? WEIGHT.unit : term.includes(' ') ? WEIGHT.bigram : WEIGHT.token;
    terms.set(term, weight);
  }
  const { tokens } = analysis;
  const bodies = findPhrases(vocabulary.bodies, tokens);
  // A body named otherwise than the documents name it is read like a synonym of their name.
  const found = [
    ...findPhrases(vocabulary.synonyms, tokens),
    ...bodies.filter(({ span, full }) => span.length !== full.length || span.some((i, k) => tokens[i] !== full[k])),
  ];
  const synonyms = found.map(({ span, full }) => ({ span, terms: termsOfWords(full) }));
  // A name of the subject inside a body's name ("khuyến học" of "Hội Khuyến học") says whom the question
  // is about, not that it is about the programme: "Hội Khuyến học tỉnh ở địa chỉ nào?" is not.
  const inBody = new Set(bodies.flatMap(({ span }) => span));
  const domainSpans = findPhrases(vocabulary.domainTerms, tokens)
    .map(({ span }) => span)
    .filter((span) => !span.every((i) => inBody.has(i)));
  for (const { span, full } of found) {
    if (phraseAt(vocabulary.domainTerms, full, 0)?.words.length === full.length) domainSpans.push(span);
  }
  const post = findPhrases(vocabulary.posts, tokens).some(({ span }) => !span.some((i) => inBody.has(i)));
  for (const { terms: wording } of synonyms) {
    for (const term of wording) if (!terms.has(term)) terms.set(term, term.includes(' ') ? WEIGHT.bigram : WEIGHT.token);
  }
  const bigramAt = tokens.map((token, i) => (pairs(analysis, i) ? bigram(token, tokens[i + 1] as string) : undefined));
  const wordEnds = tokens.map(() => false);
  const place = flags(vocabulary.places, tokens);
  const generic = flags(vocabulary.genericWords, tokens);
  const spans = [
    ...domainSpans,
    ...bodies.map(({ span }) => span),
    ...found.map(({ span }) => span),
    ...[vocabulary.places, vocabulary.genericWords, vocabulary.posts].flatMap((table) => findPhrases(table, tokens).map(({ span }) => span)),
  ];
  for (const span of spans) {
    const first = span[0] as number;
    if (first > 0) wordEnds[first - 1] = true;
    wordEnds[span[span.length - 1] as number] = true;
  }
  return {
    lang,
    analysis,
    terms,
    domainSpans,
    bodies: bodies.map(({ span, full }) => [termsOfWords(span.map((i) => tokens[i] as string)), termsOfWords(full)]),
    post,
    present: findPhrases(vocabulary.presentState, tokens).length > 0,
    sanctions: findPhrases(vocabulary.sanctions, tokens).map(({ span }) => termsOfWords(span.map((i) => tokens[i] as string))),
    ...countedIn(analysis),
    when: asksWhen(analysis),
    ...(type && { type }),
    ...(bound && { bound }),
    bigramAt,
    wordEnds,
    numeric: tokens.map((t) => DIGITS.test(t)),
    year: tokens.map((t) => YEAR.test(t)),
    plain: tokens.map((_, i) => analysis.content[i] === true && !place[i] && !generic[i]),
    place,
    generic,
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
  /** Whether any passage uses the term at all. */
  readonly known: (term: string) => boolean;
}

export interface Match {
  /**
   * How much of the question the passage accounts for, 0..1: the share of the question's content
   * words, each weighted by its rarity (idf), that the passage matches. A place the passage names too is
   * left out: it says where the question is about, and the province rule ranks by it.
   */
  readonly share: number;
  /**
   * The same share over the question's words that some passage uses: the words of a citizen's story
   * ("công nhân", "cà phê") that no plan uses cannot be matched by any passage, and say less about
   * whether this one answers than the words the plans do use.
   */
  readonly knownShare: number;
  /**
   * Whether the passage matches a name of the programme's subject that the question uses, or a number
   * of a document the question names.
   */
  readonly onTopic: boolean;
  /**
   * How many telling terms the passage matches: words or bigrams that are no place, no generic word,
   * no bare number and not common in the corpus; a name of the programme's subject, a body or a document
   * number counts once.
   */
  readonly telling: number;
  /** Whether the passage matches a name of the programme's subject that the question uses. */
  readonly domain: boolean;
  /** Whether the passage itself names a body the question names. */
  readonly body: boolean;
  /** Whether the passage belongs to, or names, a document the question names by number. */
  readonly numbered: boolean;
}

export interface MatchSources {
  /** Whether the passage or its document's details have a term. */
  readonly contains: (term: string) => boolean;
  /** Whether the passage's own text and headings have a term; by default `contains`. */
  readonly owns?: (term: string) => boolean;
  /**
   * Whether the passage's own text or headings join the two words of a bigram term with "và" or "hoặc"
   * (see `joinedPairs`): it then matches the bigram. By default none.
   */
  readonly joins?: (term: string) => boolean;
  /** Leave places out of the question altogether, named by the passage or not. */
  readonly placesAside?: boolean;
}

const joinsNone = (): boolean => false;
const NO_NUMBERS: ReadonlySet<string> = new Set();

/** Whether every content token of a span is covered. */
function allCovered(span: readonly number[], content: readonly boolean[], covered: readonly boolean[]): boolean {
  for (const i of span) if (content[i] && !covered[i]) return false;
  return true;
}

/**
 * How well a passage matches a question, the test for answering at all. Only what the passage says
 * itself is telling: every passage of a plan "has" the words of the plan's title, and so does a number
 * count only when the passage itself has it ("2030" of "giai đoạn 2021-2030" in the title does not make
 * every passage a 2030 target). A Vietnamese syllable counts only when matched together with a neighbour
 * (a two-syllable word: "tài chính", not the "tài" of "khuyến tài"), unless it stands alone between
 * question words; an English word and a number count by themselves, and a number also counts when the
 * document number it belongs to matches. Loose syllable matches are what make an off-topic question look
 * related, so they earn nothing here.
 */
export function match(stats: TermStats, query: Query, sources: MatchSources): Match {
  const { contains, placesAside = false } = sources;
  const owns = sources.owns ?? contains;
  const joins = sources.joins ?? joinsNone;
  const { tokens, content, units } = query.analysis;
  const { numeric, plain, wordEnds, bigramAt } = query;
  const matchedUnits = units.length === 0 ? units : units.filter(contains);
  const matchedNumbers = matchedUnits.length === 0 ? NO_NUMBERS : new Set(matchedUnits.map(unitNumber));
  // Telling terms, distinct; few enough that an array beats a set. Loops rather than callbacks
  // throughout: this runs for every candidate passage, several times.
  const telling = [...matchedUnits];
  const tell = (term: string): void => {
    if (!telling.includes(term)) telling.push(term);
  };
  // A number counts only where the passage itself has it.
  const pairMatched = new Array<boolean>(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const term = bigramAt[i];
    pairMatched[i] =
      term !== undefined && (joins(term) || (numeric[i] === true || numeric[i + 1] === true ? owns(term) : contains(term)));
  }
  // A number alone is never telling, nor is a bigram with a year: "năm 2025" only says when.
  const tellable = (term: string): boolean => !stats.common(term) && (owns(term) || joins(term));

  // A syllable alone says little ("tài" of "tài chính" or of "khuyến tài"); an English word, a number,
  // or a syllable between question words, or between a question word and a phrase of the lexicon
  // ("Công dân học tập xét bao lâu"), is as specific as the question makes it.
  const covered = new Array<boolean>(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const alone =
      query.lang === 'en' ||
      numeric[i] === true ||
      ((!content[i - 1] || wordEnds[i - 1] === true) && (!content[i + 1] || wordEnds[i] === true));
    const found = alone && content[i] === true && (numeric[i] === true ? owns(token) : contains(token));
    if (found && plain[i] && !numeric[i] && tellable(token)) tell(token);
    const pair = bigramAt[i] as string;
    if (pairMatched[i] && plain[i] && plain[i + 1] && !query.year[i] && !query.year[i + 1] && tellable(pair)) tell(pair);
    covered[i] = matchedNumbers.has(token) || pairMatched[i - 1] === true || pairMatched[i] === true || found;
  }
  for (const { span, terms } of query.synonyms) {
    if (!terms.every(contains)) continue;
    for (const i of span) covered[i] = true;
    if (span.every((i) => plain[i]) && !terms.every(stats.common) && terms.every(owns)) tell(terms.join('|'));
  }
  let total = 0;
  let matched = 0;
  let knownTotal = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (!content[i] || (query.place[i] && (covered[i] || placesAside))) continue;
    const weight = stats.idf(tokens[i] as string);
    total += weight;
    if (covered[i]) matched += weight;
    if (covered[i] || stats.known(tokens[i] as string)) knownTotal += weight;
  }
  const share = total === 0 ? (matchedNumbers.size > 0 ? 1 : 0) : matched / total;
  const knownShare = knownTotal === 0 ? share : matched / knownTotal;
  let domain = false;
  for (let n = 0; n < query.domainSpans.length; n++) {
    if (!allCovered(query.domainSpans[n] as readonly number[], content, covered)) continue;
    domain = true;
    tell(`domain ${n}`);
  }
  let body = false;
  for (let n = 0; n < query.bodies.length; n++) {
    if (!(query.bodies[n] as readonly (readonly string[])[]).some((terms) => terms.every(owns))) continue;
    body = true;
    tell(`body ${n}`);
  }
  const numbered = matchedUnits.length > 0;
  return { share, knownShare, onTopic: domain || numbered, telling: telling.length, domain, body, numbered };
}
