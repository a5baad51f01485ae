import { dataPaths } from '../core/paths.js';
import { createI18n, type I18n, type Language, type Translate } from '../i18n/index.js';
import { createAnalyser, phraseAt, type Analyse, type Analysis } from './analyse.js';
import { loadCorpus, type DocumentMeta, type PlanDocument } from './corpus.js';
import { excerpt } from './excerpt.js';
import { detectLanguage } from './language.js';
import { loadLexicon, perLanguage, phraseTable, type Lexicon, type Phrase } from './lexicon.js';
import { splitPassages, type Passage } from './passages.js';
import { buildQuery, hasContent, match, type Match, type Query, type TermStats, type Vocabulary } from './query.js';
import { SearchIndex } from './search-index.js';

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
/**
 * When a passage is given as an answer. It must match at least one telling term of the question (see
 * `match`: not a place, not an administrative word, not a word most passages use (COMMON), not a
 * bare number), so "kế hoạch", "1" or "Tây Ninh có bao nhiêu dân" get no passage. Then it must account for
 * 0.3 of the question's content words when both name the programme's own subject (lexicon domainTerms)
 * or the question names one of the documents by number, since a question about "khuyến học" worded
 * differently from the plans is still about the plans; any other question needs 0.6 and two telling
 * terms: one word in common ("dân số", "chủ tịch") is how the plans' passages meet questions about
 * population or leaders that they do not answer. Set between what we measured on 174 questions (the dev
 * set, our qa-extra set, test/knowledge/qa-neighbours.jsonl and a further 41 we only looked at): the
 * answerable ones scored 0.33-1 with at least one telling term when on the subject, 0.66-1 with two or
 * more otherwise; of the 69 off-topic ones none named the subject, and those that scored 0.6 or more
 * ("Dân số Sơn La là bao nhiêu?") matched one telling term at most.
 */
export const MIN_COVERAGE = { any: 0.6, onTopic: 0.3 } as const;
const MIN_TELLING = { any: 2, onTopic: 1 } as const;

const isAnswer = ({ share, onTopic, telling }: Match): boolean =>
  onTopic
    ? share >= MIN_COVERAGE.onTopic && telling >= MIN_TELLING.onTopic
    : share >= MIN_COVERAGE.any && telling >= MIN_TELLING.any;
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
const CANDIDATES = 50;
/**
 * A question that names a province, or the number of one of our documents, is not answered by another
 * province's plan or another document, whatever the wording: their passages count half.
 */
const ELSEWHERE = 0.5;
const SOURCES_SHOWN = 5;
/** Weights of a passage's context against its own text (1). */
const FIELD_WEIGHT = { headings: 0.5, document: 0.3 } as const;

interface Entry {
  readonly doc: PlanDocument;
  readonly passage: Passage;
}

interface Shelf {
  readonly index: SearchIndex;
  readonly entries: readonly Entry[];
}

interface Ranked {
  readonly entry: Entry;
  readonly score: number;
  readonly match: Match;
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

function buildShelf(documents: readonly PlanDocument[], analyse: Analyse, lang: Language): Shelf {
  const entries: Entry[] = documents.flatMap((doc) => splitPassages(doc.body).map((passage) => ({ doc, passage })));
  const groups = new Map(documents.map((doc, group) => [doc, group]));
  // A passage's heading line, the headings above it and its document's details are shared with other
  // passages (the same string, array or document): the index reads each once. Only the heading's length
  // is needed for every passage.
  const headingLengths = new Map<string, number>();
  const index = SearchIndex.build(entries.length, (p) => {
    const { doc, passage } = entries[p] as Entry;
    const { heading, headings } = passage;
    let headingWords: Analysis | undefined;
    let headingLength = headingLengths.get(heading);
    if (headingLength === undefined) {
      headingWords = analyse(heading, lang);
      headingLengths.set(heading, (headingLength = headingWords.tokens.length));
    }
    const own = analyse(passage.body, lang);
    const { title, number, province, issuer } = doc.meta;
    return {
      text: own,
      context: [
        { key: heading, analyse: () => headingWords ?? analyse(heading, lang), weight: 1 },
        { key: headings, analyse: () => analyse(headings.join('\n'), lang), weight: FIELD_WEIGHT.headings },
      ],
      length: own.tokens.length + headingLength,
      group: groups.get(doc) as number,
      groupContext: [
        { key: doc, analyse: () => analyse([title, number, province, issuer].join('\n'), lang), weight: FIELD_WEIGHT.document },
      ],
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
  /** Heading lines read as questions, and their terms. */
  const headingQueries = perLanguage(() => new Map<string, { query: Query; terms: ReadonlySet<string> }>());
  function headingOf(heading: string, lang: Language): { query: Query; terms: ReadonlySet<string> } {
    let found = headingQueries[lang].get(heading);
    if (!found) {
      const query = buildQuery(analyse(heading, lang), lang, vocabulary[lang]);
      headingQueries[lang].set(heading, (found = { query, terms: new Set(query.terms.keys()) }));
    }
    return found;
  }
  /** The terms of a passage's heading and the headings above it. */
  const paths = new WeakMap<Entry, ReadonlySet<string>>();
  function pathOf(entry: Entry, lang: Language): ReadonlySet<string> {
    let terms = paths.get(entry);
    if (!terms) {
      const { heading, headings } = entry.passage;
      terms = new Set([heading, ...headings].flatMap((h) => [...headingOf(h, lang).terms]));
      paths.set(entry, terms);
    }
    return terms;
  }
  /**
   * How well a passage's headings say what the question asks: 0 unless they account for all of it
   * (places aside); then 0.5, plus half the share of its own heading line that the question accounts for,
   * so "Công dân học tập là gì?" fits "công dân học tập là gì" better than "Mục tiêu cả nước về Công dân
   * học tập" does.
   */
  function headingFit(entry: Entry, query: Query): number {
    const { heading } = entry.passage;
    if (!heading) return 0;
    const path = pathOf(entry, query.lang);
    if (match((term) => path.has(term), stats[query.lang], query).share < 1) return 0;
    return 0.5 + 0.5 * match((term) => query.terms.has(term), stats[query.lang], headingOf(heading, query.lang).query).share;
  }

  const ownNumbers = new Map(documents.map((d) => [d, new Set(analyse(d.meta.number, d.meta.lang).units)]));

  /** Which documents a question confines itself to; undefined when it names no province or document of ours. */
  function scopeOf(query: Query): ((doc: PlanDocument) => boolean) | undefined {
    const { tokens, units } = query.analysis;
    const named = new Set(tokens.flatMap((_, i) => phraseAt(provinces[query.lang], tokens, i)?.full ?? []));
    const numbered = documents.filter((d) => units.some((u) => ownNumbers.get(d)?.has(u)));
    if (named.size === 0 && numbered.length === 0) return undefined;
    return (doc) =>
      (named.size === 0 || doc.meta.province === '' || named.has(doc.meta.province)) &&
      (numbered.length === 0 || numbered.includes(doc));
  }

  function rank(text: string): { query: Query; ranked: Ranked[] } {
    const lang = detectLanguage(text, knows);
    const query = buildQuery(analyse(text, lang), lang, vocabulary[lang]);
    const { index, entries } = shelves[lang];
    const inScope = scopeOf(query);
    const ids = index.ids(query.terms.keys());
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
            const found = match(contains, stats[lang], query, owns);
            // Among passages that score alike, the one that accounts for more of the question wins, and
            // the one whose heading is what the question asks.
            const weight =
              (0.5 + found.share) *
              (1 + HEADING_FIT * headingFit(entry, query)) *
              (inScope && !inScope(entry.doc) ? ELSEWHERE : 1);
            return { entry, score: score * weight, match: found };
          })
          // Passages that answer come first: the chat shows the first, and the best-scoring one may not answer.
          .sort((a, b) => Number(isAnswer(b.match)) - Number(isAnswer(a.match)) || b.score - a.score)
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
      if (!best || !isAnswer(best.match)) return { answered: false, answer: t('qa.unknown'), sources };
      const body = reply(best, query, lang ?? query.lang);
      return { answered: true, answer: truncated ? `${t('qa.truncated')}\n${body}` : body, sources };
    },

    search(question, options = {}) {
      const { query, ranked } = rank(truncate(question).text);
      const relevant = ranked.filter((r) => isAnswer(r.match));
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
