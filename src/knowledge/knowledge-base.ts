import { dataPaths } from '../core/paths.js';
import { createI18n, type I18n, type Language, type Translate } from '../i18n/index.js';
import { createAnalyser, joinedPairs, phraseAt, unitNumber, type Analyse } from './analyse.js';
import { loadCorpus, type DocumentMeta, type PlanDocument } from './corpus.js';
import { excerpt } from './excerpt.js';
import { detectLanguage } from './language.js';
import { loadLexicon, perLanguage, phraseTable, type Lexicon, type Phrase } from './lexicon.js';
import { headingTitle, splitPassages, type Passage } from './passages.js';
import {
  buildQuery,
  hasContent,
  match,
  type Bound,
  type Match,
  type MatchSources,
  type Query,
  type TermStats,
  type Vocabulary,
} from './query.js';
import { SearchIndex, type SharedField } from './search-index.js';

/** One passage as the chat and `npm run ask` show it. */
export interface Source {
  /** File name in plans/. */
  readonly document: string;
  readonly title: string;
  readonly section: string;
  /** The whole passage, untrimmed. */
  readonly text: string;
  readonly score: number;
}

export interface Answer {
  /** False when nothing matched well enough: `answer` then says so and where to ask instead. */
  readonly answered: boolean;
  /** The chat text: the relevant sentences of the best passage and its citation, or the reason for not answering. */
  readonly answer: string;
  /** Nearest passages, best first. When `answered` is false they are what came closest, not an answer. */
  readonly sources: readonly Source[];
}

/** A passage that answers the question, with the chat text for it (excerpt and citation). */
export interface Hit extends Source {
  readonly reply: string;
}

export interface SearchPage {
  /** How many passages answer the question well enough, over all pages. */
  readonly total: number;
  readonly hits: readonly Hit[];
}

export interface SearchOptions {
  readonly offset?: number;
  readonly limit?: number;
  /** Language of the wording around passages; by default the question's own. */
  readonly lang?: Language;
}

export interface KnowledgeBase {
  /** The answer to one question, in `lang` (by default the question's own language). */
  answer(question: string, lang?: Language): Answer;
  /** The passages that answer a question, best first: page through them for "more passages". */
  search(question: string, options?: SearchOptions): SearchPage;
  readonly documents: readonly PlanDocument[];
}

/** Longer input is cut here: no question needs more, and it keeps the work per question bounded. */
export const QUESTION_MAX = 500;

/** How a passage meets a question: the match, and what the passage's headings and counts add. */
interface Verdict extends Match {
  /** The passage's section is what the question asks: see `headingFit`. */
  readonly heading: boolean;
  /** The question asks how many of something ("bao nhiêu tỉnh") and the passage counts it ("34 tỉnh"). */
  readonly count: boolean;
  /** The question gives a date ("từ 1/7/2025") and the passage has it ("từ ngày 1 tháng 7 năm 2025"). */
  readonly date: boolean;
  /** The question asks how many or how much and the passage gives no number at all. */
  readonly uncounted: boolean;
  /** The passage is of another province's plan than the one the question names, or another document than the one it names by number. */
  readonly elsewhere: boolean;
}

/**
 * When a passage is given as an answer. First, it must account for enough of what the question asks
 * (`share`, see `match`): what the question asks that the passage lacks is what makes an answer wrong.
 * 0.3 is enough when the question names the programme's own subject (lexicon domainTerms) and the
 * passage matches it, or names one of the documents by number: a question about "khuyến học" worded
 * differently from the plans is still about the plans. Any other question needs 0.6 and something that
 * shows the passage is about what it asks, not merely near it:
 * - a body the plans give tasks to, named by both ("Sở Giáo dục và Đào tạo", "thư viện", lexicon bodies);
 * - a section whose heading is what the question asks ("Mục tiêu đến năm 2025");
 * - the count the question asks for ("bao nhiêu tỉnh": "34 tỉnh"), or the date it gives ("1/7/2025");
 * - or two telling terms (see `match`: no place, no administrative word, no bare number, nothing most
 *   passages use), since one word in common ("dân số", "dân tộc") is how the plans' passages meet
 *   questions about population or ethnic groups that they do not answer.
 * A question that asks how many or how much is not answered by a passage without a number ("Tây Ninh có
 * bao nhiêu trung tâm học tập cộng đồng?"). A passage of another province's plan than the one the
 * question names, or of another document than the one it names by number, is never the answer ("Email
 * của Sở Giáo dục Sơn La" is not in Tây Ninh's plan).
 * A place, a number or a word most passages use never shows it alone: "Sơn La", "2025", "kế hoạch" and
 * "Sơn La có bao nhiêu huyện" get no passage. Nor does a question about who holds a post ("chủ tịch",
 * "giám đốc"; lexicon posts) unless it names a document by number: the plans name bodies, not the people
 * at their head.
 * Set on the 235 questions of the dev set, our qa-extra set and test/knowledge/qa-neighbours.jsonl:
 * the answerable ones score 0.42-1 when on the subject and 0.6-1 otherwise; the off-topic ones that
 * score 0.6 or more show nothing of the above (a place, a generic word, one telling term: "Dân số Sơn La
 * là bao nhiêu?") or ask who holds a post. The
 * questions added since (416 in all) pass with the same thresholds.
 */
export const MIN_COVERAGE = { any: 0.6, onTopic: 0.3 } as const;

const isAnswer = (v: Verdict, query: Query): boolean => {
  if (v.elsewhere || v.uncounted || (query.post && !v.numbered)) return false;
  if (v.onTopic) return v.share >= MIN_COVERAGE.onTopic && v.telling >= 1;
  return v.share >= MIN_COVERAGE.any && (v.telling >= 2 || v.body || v.heading || v.count || v.date);
};
/**
 * A term in more than this share of the passages (and in more than COMMON.min of them, so that a small
 * corpus such as the English notes keeps its words) tells nothing about which passage answers.
 */
const COMMON = { share: 0.15, min: 10 } as const;
/**
 * How much more a passage scores when its headings say what the question asks (see `headingFit`): up to
 * twice as much. The chat shows only the first passage, and a short passage that mentions the question's
 * words in passing ("không có chỉ số nào dưới 5 điểm") otherwise beats the section about them.
 */
const HEADING_FIT = 1;
/** How much of a heading's wording a question must have for the heading to name what it asks. */
const HEADING_NAMED = 0.75;
/**
 * Passages of the BM25F top that are weighed in full. Beyond 30 the weighing changes nothing in the top
 * three for all but one of the 407 test questions, and the weighing is most of an answer's time.
 */
const CANDIDATES = 30;
/**
 * A question that names a province, or the number of one of our documents, is not answered by another
 * province's plan or another document, whatever the wording: their passages count half.
 */
const ELSEWHERE = 0.5;
/**
 * A section cut into several passages is what a question about its heading asks for as a whole; its
 * first passage, which says what the section is about ("Là cơ quan thường trực …"), gets the full bonus
 * of HEADING_FIT and the others this share of it.
 */
const LATER_PASSAGE_FIT = 0;
/** How much more a passage scores when it gives the count the question asks for ("34 tỉnh"). */
const COUNT_FIT = 0.5;
/**
 * How much more a passage scores when the question asks when and the passage gives a date or a time
 * ("ngày 24/8/2016", "quý III năm 2020", "cuối năm 2025").
 */
const WHEN_FIT = 0.5;
/**
 * How much more a passage scores when the question asks for a least or most and the passage sets a
 * threshold ("từ 80/100 điểm trở lên", "không có chỉ số nào dưới 5 điểm"): "mỗi chỉ số tối thiểu bao nhiêu
 * điểm" asks for the pass mark, not the scale every indicator is scored on.
 */
const BOUND_FIT = 0.5;
/**
 * How much more a passage scores when the question asks when a document it names by number was issued
 * and the passage gives that date: the document's own date (its header), or a date right after the
 * number ("Chỉ thị số 19-CT/TU ngày 24/8/2016").
 */
const ISSUED_FIT = 1;
/**
 * How much more a passage scores when it matches the name of the programme's subject that the question
 * uses ("huyện học tập"): its syllables are so common that the share of the question hardly shows it.
 */
const DOMAIN_FIT = 0.5;
/**
 * A question that names a province is answered from that province's plan before a document about no
 * province (our notes): "Mục tiêu đến năm 2030 của Sơn La" asks for Sơn La's targets, not the national ones.
 */
const PROVINCE_LESS = 0.75;
const SOURCES_SHOWN = 5;
/** Weights of a passage's context against its own text (1). */
const FIELD_WEIGHT = { headings: 0.5, document: 0.3 } as const;

interface Entry {
  readonly doc: PlanDocument;
  readonly passage: Passage;
  /** Whether it is the first passage of its section, the one that follows the heading line. */
  readonly first: boolean;
}

interface Shelf {
  readonly index: SearchIndex;
  readonly entries: readonly Entry[];
}

/** What one question makes of the headings it meets, kept for its other candidate passages. */
interface HeadingMemo {
  /** Whether a heading names what the question asks, by heading. */
  readonly named: Map<string, boolean>;
  /** The question's terms, to match a heading's wording against. */
  readonly asked: MatchSources;
}

interface Ranked {
  readonly entry: Entry;
  readonly score: number;
  /** Whether the passage answers the question (see `isAnswer`). */
  readonly answers: boolean;
}

function truncate(question: string): { text: string; truncated: boolean } {
  const clean = question.normalize('NFC').trim();
  if (clean.length <= QUESTION_MAX) return { text: clean, truncated: false };
  const cut = clean.slice(0, QUESTION_MAX);
  const space = cut.lastIndexOf(' ');
  return { text: space > QUESTION_MAX / 2 ? cut.slice(0, space) : cut, truncated: true };
}

/** Citation dates: 04/10/2019 in Vietnamese, 4 October 2019 in English. Formatters are costly to make. */
const DATE_FORMAT = perLanguage(
  (lang) =>
    new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
      day: lang === 'vi' ? '2-digit' : 'numeric',
      month: lang === 'vi' ? '2-digit' : 'long',
      year: 'numeric',
      timeZone: 'UTC',
    }),
);

const formatDate = (iso: string, lang: Language): string => DATE_FORMAT[lang].format(new Date(`${iso}T00:00:00Z`));

function citation(meta: DocumentMeta, section: string, t: Translate, lang: Language): string {
  return t('qa.cite', {
    title: meta.title,
    number: meta.number ? t('qa.cite_number', { number: meta.number }) : '',
    date: meta.date ? t('qa.cite_date', { date: formatDate(meta.date, lang) }) : '',
    section: section ? t('qa.cite_section', { section }) : '',
  });
}

const DIGITS = /^\d+$/;
/** Thresholds in a passage: a least (a number to reach, or not to go under) and a most. */
const BOUND: Readonly<Record<Bound, RegExp>> = {
  least: /(?<!\p{L})(trở lên|tối thiểu|ít nhất|(dưới|below|under)\s+\d|at least|or more|minimum)(?!\p{L})/iu,
  most: /(?<!\p{L})(trở xuống|tối đa|nhiều nhất|(không quá|không vượt quá|no more than|up to)\s+\d|at most|maximum)(?!\p{L})/iu,
};
/** A time that is not a whole date: a quarter, a year, a month ("quý III/2020", "năm 2025", "tháng 10"). */
const TIME = /(?<!\p{L})(quý\s*[IV\d]+|năm\s+\d{4}|tháng\s+\d{1,2}|(19|20)\d\d)(?!\p{L})/iu;
/**
 * A number in a passage, in digits or in words ("khoảng hai tuần", "mười chỉ số", "ten indicators"); not
 * "năm" or "một", which are also "year" and "a".
 */
const NUMBER = /\d|(?<!\p{L})(hai|ba|bốn|sáu|bảy|tám|chín|mười|trăm|nghìn|triệu|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million)(?!\p{L})/iu;
/**
 * A count in a text: a number, or one written as a word, then a space and a word ("34 tỉnh", "mười chỉ
 * số", "34 provinces"). Not a numbering ("1. Sở …", "(1) tìm đọc"), a number after another ("11/12
 * huyện", "3.321"), a percentage, or "năm"/"một", which are also "year" and "a".
 */
const COUNT = /(?<![\p{L}\p{N}./-])(\d+|hai|ba|bốn|sáu|bảy|tám|chín|mười|two|three|four|five|six|seven|eight|nine|ten)[ \t]+(\p{L}+)/giu;

/**
 * A date: "1/7/2025", "01-7", "1 tháng 7 năm 2025", "ngay 1 thang 7", "1 July 2025". Not a document number
 * ("24/2023/TT-BGDĐT": the month has one or two digits and no digit follows).
 */
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DATE = new RegExp(
  `(?<![\\p{N}/.-])(\\d{1,2})(?:\\s*[/-]\\s*(\\d{1,2})(?![\\p{N}])(?:\\s*[/-]\\s*(\\d{4}))?|\\s+(?:tháng|thang)\\s+(\\d{1,2})(?:\\s+(?:năm|nam)\\s+(\\d{4}))?|\\s+(${MONTHS.join('|')})(?:\\s+(\\d{4}))?)`,
  'giu',
);

/** The dates of a text, as "1-7" and, with the year, "1-7-2025" too. */
export function datesOf(text: string): Set<string> | undefined {
  let dates: Set<string> | undefined;
  for (const m of text.matchAll(DATE)) {
    const [, day = '', slashMonth, slashYear, wordMonth, wordYear, monthName, nameYear] = m;
    const month = slashMonth ?? wordMonth ?? (monthName ? String(MONTHS.indexOf(monthName.toLowerCase()) + 1) : '');
    const year = slashYear ?? wordYear ?? nameYear;
    const dm = `${Number(day)}-${Number(month)}`;
    if (Number(day) < 1 || Number(day) > 31 || Number(month) < 1 || Number(month) > 12) continue;
    (dates ??= new Set()).add(dm);
    if (year) dates.add(`${dm}-${year}`);
  }
  return dates;
}

/** The words a passage gives a count of, as tokens ("tinh" for "34 tỉnh"). */
function countsOf(text: string, analyse: Analyse, lang: Language): Set<string> | undefined {
  let counts: Set<string> | undefined;
  for (const m of text.matchAll(COUNT)) {
    const token = analyse(m[2] as string, lang).tokens[0];
    if (token !== undefined) (counts ??= new Set()).add(token);
  }
  return counts;
}

/** Whether `found` has every one of `wanted`. */
function hasAll(found: ReadonlySet<string> | null, wanted: ReadonlySet<string>): boolean {
  for (const value of wanted) if (!found?.has(value)) return false;
  return true;
}

/** A fact about a passage, worked out the first time it is needed and kept with the passage. */
function perEntry<T>(find: (entry: Entry) => T): (entry: Entry) => T {
  const known = new WeakMap<Entry, { value: T }>();
  return (entry) => {
    let found = known.get(entry);
    if (!found) known.set(entry, (found = { value: find(entry) }));
    return found.value;
  };
}

function buildShelf(documents: readonly PlanDocument[], analyse: Analyse, lang: Language): Shelf {
  const entries: Entry[] = documents.flatMap((doc) =>
    splitPassages(doc.body).map((passage, i, all) => ({ doc, passage, first: i === 0 || all[i - 1]?.section !== passage.section })),
  );
  const groups = new Map(documents.map((doc, group) => [doc, group]));
  // A passage's heading line, the headings above it and its document's details are shared with other
  // passages (the same string, array or document): the index reads each once, and each gets one field
  // here, made the first time it is met. Only the heading's length is needed for every passage.
  const headingFields = new Map<string, { field: SharedField; length: number }>();
  const headingsFields = new Map<readonly string[], SharedField>();
  const documentFields = new Map<PlanDocument, readonly SharedField[]>();
  function headingField(heading: string): { field: SharedField; length: number } {
    let found = headingFields.get(heading);
    if (!found) {
      const words = analyse(heading, lang);
      found = { field: { key: heading, analyse: () => words, weight: 1 }, length: words.tokens.length };
      headingFields.set(heading, found);
    }
    return found;
  }
  function headingsField(headings: readonly string[]): SharedField {
    let field = headingsFields.get(headings);
    if (!field) {
      field = { key: headings, analyse: () => analyse(headings.join('\n'), lang), weight: FIELD_WEIGHT.headings };
      headingsFields.set(headings, field);
    }
    return field;
  }
  function documentField(doc: PlanDocument): readonly SharedField[] {
    let fields = documentFields.get(doc);
    if (!fields) {
      const { title, number, province, issuer } = doc.meta;
      const text = [title, number, province, issuer].join('\n');
      documentFields.set(doc, (fields = [{ key: doc, analyse: () => analyse(text, lang), weight: FIELD_WEIGHT.document }]));
    }
    return fields;
  }
  const index = SearchIndex.build(entries.length, (p) => {
    const { doc, passage } = entries[p] as Entry;
    const heading = headingField(passage.heading);
    const own = analyse(passage.body, lang);
    return {
      text: own,
      context: [heading.field, headingsField(passage.headings)],
      length: own.tokens.length + heading.length,
      group: groups.get(doc) as number,
      groupContext: documentField(doc),
    };
  });
  return { index, entries };
}

/** Builds the knowledge base from documents already read; `loadKnowledgeBase` reads them from plans/. */
export function createKnowledgeBase(documents: readonly PlanDocument[], lexicon: Lexicon, i18n: I18n): KnowledgeBase {
  const analyse = createAnalyser(lexicon);
  const shelves = perLanguage((lang) =>
    buildShelf(
      documents.filter((doc) => doc.meta.lang === lang),
      analyse,
      lang,
    ),
  );

  const knows = perLanguage((lang) => (word: string): boolean => {
    const { tokens } = analyse(word, lang);
    return tokens.length > 0 && tokens.every((t) => lexicon.stopWords[lang].has(t) || shelves[lang].index.has(t));
  });

  /** A phrase analysed like the questions it is looked for in. */
  const phrase = (lang: Language, text: string, full: readonly string[] = []): Phrase => ({
    words: analyse(text, lang).tokens,
    full,
  });
  const provinceNames = [...new Set(documents.map((d) => d.meta.province).filter(Boolean))];
  const provinces = perLanguage((lang) => phraseTable(provinceNames.map((name) => phrase(lang, name, [name]))));
  const vocabulary = perLanguage(
    (lang): Vocabulary => ({
      domainTerms: phraseTable(lexicon.domainTerms[lang].map((term) => phrase(lang, term))),
      bodies: phraseTable(
        Object.entries(lexicon.bodies[lang]).flatMap(([name, others]) => {
          const full = analyse(name, lang).tokens;
          return [name, ...others].map((words) => phrase(lang, words, full));
        }),
      ),
      posts: phraseTable(lexicon.posts[lang].map((post) => phrase(lang, post))),
      places: phraseTable([...provinceNames, ...lexicon.places].map((name) => phrase(lang, name))),
      genericWords: phraseTable(lexicon.genericWords[lang].map((word) => phrase(lang, word))),
      synonyms: phraseTable(
        Object.entries(lexicon.synonyms[lang]).flatMap(([wording, asked]) =>
          asked.map((words) => phrase(lang, words, analyse(wording, lang).tokens)),
        ),
      ),
    }),
  );
  const stats = perLanguage((lang): TermStats => {
    const { index } = shelves[lang];
    const common = Math.max(COMMON.share * index.size, COMMON.min);
    return { idf: (term) => index.idf(term), common: (term) => index.ownFrequency(term) > common };
  });
  /** Heading lines read as questions, and their terms with the pairs of words they join. */
  const headingQueries = perLanguage(() => new Map<string, { query: Query; terms: ReadonlySet<string> }>());
  function headingOf(heading: string, lang: Language): { query: Query; terms: ReadonlySet<string> } {
    let found = headingQueries[lang].get(heading);
    if (!found) {
      const analysis = analyse(headingTitle(heading), lang);
      const query = buildQuery(analysis, lang, vocabulary[lang]);
      headingQueries[lang].set(heading, (found = { query, terms: new Set([...query.terms.keys(), ...joinedPairs(analysis, lang)]) }));
    }
    return found;
  }
  /**
   * The terms of a passage's heading and the headings above it, for matching a question against them
   * (places aside). Kept with the passage, predicate and all: every question weighs it again.
   */
  const paths = new WeakMap<Entry, MatchSources>();
  function pathOf(entry: Entry, lang: Language): MatchSources {
    let sources = paths.get(entry);
    if (!sources) {
      const { heading, headings } = entry.passage;
      const terms = new Set([heading, ...headings].flatMap((h) => [...headingOf(h, lang).terms]));
      paths.set(entry, (sources = { contains: (term) => terms.has(term), placesAside: true }));
    }
    return sources;
  }
  /** Every term counts the same: how much of a heading's wording a question has, word for word. */
  const flat = perLanguage((lang): TermStats => ({ ...stats[lang], idf: () => 1 }));
  /**
   * How well a passage's headings say what the question asks. `fit` is 0 unless they account for all of
   * it (places aside); then 0.25, plus three quarters of the share of its own heading line that the
   * question accounts for, so "Công dân học tập là gì?" fits "công dân học tập là gì" better than "Mục
   * tiêu cả nước về Công dân học tập" does, and "Sở Giáo dục và Đào tạo … có nhiệm vụ gì" fits the section
   * "Sở Giáo dục và Đào tạo" better than a paragraph "a) Sở Giáo dục và Đào tạo chủ trì, phối hợp …". `names` says that one of those headings is what the question asks: the question
   * has at least HEADING_NAMED of its words, and more than a bare number ("Mục tiêu đến năm 2025" for
   * "Mục tiêu đến năm 2025 của Sơn La"; not "Ủy ban nhân dân các huyện, thành phố" for "Sơn La có bao
   * nhiêu huyện").
   */
  function headingFit(entry: Entry, query: Query, { named, asked }: HeadingMemo): { fit: number; names: boolean } {
    const { heading, headings } = entry.passage;
    if (!heading) return { fit: 0, names: false };
    const { lang } = query;
    if (match(stats[lang], query, pathOf(entry, lang)).share < 1) return { fit: 0, names: false };
    const fit = 0.25 + 0.75 * match(stats[lang], headingOf(heading, lang).query, asked).share;
    const { tokens, content } = query.analysis;
    let names = false;
    if (tokens.some((t, i) => content[i] && !query.place[i] && !query.generic[i] && !DIGITS.test(t))) {
      for (const h of [heading, ...headings]) {
        let yes = named.get(h);
        if (yes === undefined) named.set(h, (yes = match(flat[lang], headingOf(h, lang).query, asked).share >= HEADING_NAMED));
        if ((names = yes)) break;
      }
      // A short question asks for one thing of a heading that names several ("minh chứng" of "Chu kỳ xét
      // và minh chứng"): the heading line has all it asks, something telling among it. Not a body's
      // heading: "Ban Dân tộc tỉnh" names the body, not "dân tộc".
      const line = headingOf(heading, lang);
      if (!names && line.query.bodies.length === 0) {
        const own = line.terms;
        const found = match(stats[lang], query, { contains: (term) => own.has(term), placesAside: true });
        names = found.share === 1 && found.telling >= 1;
      }
    }
    return { fit, names };
  }

  /** What a passage counts, its dates and times, whether it has a number: found when a question first asks. */
  const countsIn = perEntry((entry) => countsOf(entry.passage.text, analyse, entry.doc.meta.lang) ?? null);
  const datesIn = perEntry((entry) => datesOf(entry.passage.text) ?? null);
  const numbered = perEntry((entry) => NUMBER.test(entry.passage.text));
  const timed = perEntry((entry) => datesIn(entry) !== null || TIME.test(entry.passage.text));
  const joinsIn = perEntry((entry) => {
    const joined = new Set(joinedPairs(analyse(entry.passage.text, entry.doc.meta.lang), entry.doc.meta.lang));
    return (term: string): boolean => joined.has(term);
  });

  const ownNumbers = new Map(documents.map((d) => [d, new Set(analyse(d.meta.number, d.meta.lang).units)]));

  /**
   * How much a document's passages count for a question: ELSEWHERE for another province's plan than the
   * one the question names or another document than the one it names by number, PROVINCE_LESS for a
   * document about no province when the question names one, and 1 otherwise.
   */
  function scopeOf(query: Query): (doc: PlanDocument) => number {
    const { tokens, units } = query.analysis;
    const named = new Set(tokens.flatMap((_, i) => phraseAt(provinces[query.lang], tokens, i)?.full ?? []));
    const numbered = documents.filter((d) => units.some((u) => ownNumbers.get(d)?.has(u)));
    return (doc) => {
      if (numbered.length > 0 && !numbered.includes(doc)) return ELSEWHERE;
      if (named.size === 0) return 1;
      if (doc.meta.province === '') return numbered.includes(doc) ? 1 : PROVINCE_LESS;
      return named.has(doc.meta.province) ? 1 : ELSEWHERE;
    };
  }

  /** "2019-10-04" as datesOf writes it: "4-10-2019". */
  const ownDates = new Map(
    documents.map((d) => [d, d.meta.date ? d.meta.date.split('-').map(Number).reverse().join('-') : undefined]),
  );
  /** Whether a passage gives the date of a document the question names by number. */
  function issuedOf(query: Query): ((entry: Entry) => boolean) | undefined {
    const { units } = query.analysis;
    if (units.length === 0) return undefined;
    const named = documents.filter((d) => units.some((u) => ownNumbers.get(d)?.has(u)));
    const numbers = [...new Set(units.map(unitNumber))];
    const dateAfter = new RegExp(`(?<![\\d/.])(${numbers.join('|')})(?!\\d)[^\\n.;]{0,30}?\\bngày\\s+\\d`, 'iu');
    return (entry) => {
      const own = named.includes(entry.doc) ? ownDates.get(entry.doc) : undefined;
      return (own !== undefined && (datesIn(entry)?.has(own) ?? false)) || dateAfter.test(entry.passage.text);
    };
  }

  function rank(text: string): { query: Query; ranked: Ranked[] } {
    const lang = detectLanguage(text, knows);
    const query = buildQuery(analyse(text, lang), lang, vocabulary[lang]);
    const { index, entries } = shelves[lang];
    const scope = scopeOf(query);
    // Numbers the question gives by themselves (a year, "15 tuổi"), not as part of a document number.
    const { tokens, content, units } = query.analysis;
    const inUnits = new Set(units.map(unitNumber));
    const numbers = tokens.filter((t, i) => content[i] && DIGITS.test(t) && !inUnits.has(t));
    const ids = index.ids(query.terms.keys());
    const asked = datesOf(text);
    const issued = query.when ? issuedOf(query) : undefined;
    const headings: HeadingMemo = { named: new Map(), asked: { contains: (term) => query.terms.has(term) } };
    const ranked = hasContent(query)
      ? index
          .top(query.terms, CANDIDATES)
          .map(({ passage, score }) => {
            const entry = entries[passage] as Entry;
            const contains = (term: string): boolean => {
              const id = ids.get(term);
              return id !== undefined && index.containsId(passage, id);
            };
            const owns = (term: string): boolean => {
              const id = ids.get(term);
              return id !== undefined && index.ownsId(passage, id);
            };
            const found = match(stats[lang], query, { contains, owns, joins: joinsIn(entry) });
            const fit = headingFit(entry, query, headings);
            const count = query.counted !== undefined && (countsIn(entry)?.has(query.counted) ?? false);
            const date = asked !== undefined && hasAll(datesIn(entry), asked);
            const docScope = scope(entry.doc);
            const uncounted = query.quantity && !numbered(entry);
            // Spelt out rather than spread from `found`: the spread was the costliest line of weighing a passage.
            const verdict: Verdict = {
              share: found.share,
              onTopic: found.onTopic,
              telling: found.telling,
              domain: found.domain,
              body: found.body,
              numbered: found.numbered,
              heading: fit.names,
              count,
              date,
              uncounted,
              elsewhere: docScope === ELSEWHERE,
            };
            // Among passages that score alike, the one that accounts for more of the question wins, the
            // one whose heading is what the question asks, that gives the count it asks for or matches
            // the programme's subject it names. A passage without a number the question gives ("đến 2030"
            // is not answered by the 2025 targets) counts half, like another province's plan.
            const weight =
              (0.5 + found.share) *
              (1 + HEADING_FIT * fit.fit * (entry.first ? 1 : LATER_PASSAGE_FIT)) *
              (count ? 1 + COUNT_FIT : 1) *
              (query.when && timed(entry) ? 1 + WHEN_FIT : 1) *
              (query.bound && BOUND[query.bound].test(entry.passage.text) ? 1 + BOUND_FIT : 1) *
              (issued?.(entry) ? 1 + ISSUED_FIT : 1) *
              (found.domain ? 1 + DOMAIN_FIT : 1) *
              Math.min(docScope, numbers.every(owns) ? 1 : ELSEWHERE);
            return { entry, score: score * weight, answers: isAnswer(verdict, query) };
          })
          // Passages that answer come first: the chat shows the first, and the best-scoring one may not answer.
          .sort((a, b) => Number(b.answers) - Number(a.answers) || b.score - a.score)
      : [];
    return { query, ranked };
  }

  const toSource = ({ entry, score }: Ranked): Source => ({
    document: entry.doc.file,
    title: entry.doc.meta.title,
    section: entry.passage.section,
    text: entry.passage.text,
    score: Math.round(score * 1000) / 1000,
  });

  function reply(r: Ranked, query: Query, lang: Language): string {
    const t = i18n.for(lang);
    const { index } = shelves[query.lang];
    const ctx = { idf: (term: string) => index.idf(term), analyse, lang: query.lang };
    return t('qa.answer', {
      excerpt: excerpt(r.entry.passage, query, ctx),
      citation: citation(r.entry.doc.meta, r.entry.passage.section, t, lang),
    });
  }

  return {
    documents,

    answer(question, lang) {
      const { text, truncated } = truncate(question);
      const { query, ranked } = rank(text);
      const t = i18n.for(lang ?? query.lang);
      const sources = ranked.slice(0, SOURCES_SHOWN).map(toSource);
      const best = ranked[0];
      if (!hasContent(query)) return { answered: false, answer: t('qa.empty'), sources };
      if (!best?.answers) return { answered: false, answer: t('qa.unknown'), sources };
      const body = reply(best, query, lang ?? query.lang);
      return { answered: true, answer: truncated ? `${t('qa.truncated')}\n${body}` : body, sources };
    },

    search(question, options = {}) {
      const { query, ranked } = rank(truncate(question).text);
      const relevant = ranked.filter((r) => r.answers);
      const offset = Math.max(0, options.offset ?? 0);
      const limit = Math.max(0, options.limit ?? 3);
      const lang = options.lang ?? query.lang;
      return {
        total: relevant.length,
        hits: relevant.slice(offset, offset + limit).map((r) => ({ ...toSource(r), reply: reply(r, query, lang) })),
      };
    },
  };
}

export interface LoadOptions {
  /** The plans folder; by default the project's plans/. */
  readonly plansDir?: string;
  /** The catalogues for the wording; by default the project's locales. */
  readonly i18n?: I18n;
}

/** Reads plans/ (documents, metadata, lexicon) and indexes it. Throws `file: problem` on bad metadata. */
export function loadKnowledgeBase(options: LoadOptions = {}): KnowledgeBase {
  const dir = options.plansDir ?? dataPaths.plans;
  return createKnowledgeBase(loadCorpus(dir), loadLexicon(dir), options.i18n ?? createI18n());
}
